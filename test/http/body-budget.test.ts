import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { FhirResource } from 'fhir/r4';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';
import type { Runtime } from '../../src/runtime';
import { PATIENT_REF, SERVICE_PATH, fullPrefetch, hookRequest, searchset } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * BODY_MAX_BYTES_IN_FLIGHT: request bodies held at once across the process. BODY_LIMIT bounds one body; this
 * bounds how many large ones are read and worked on together (before it, eight 9.7 MB order-sign calls at once
 * took the service from 110 MiB to 968 MiB RSS). Each request reserves its Content-Length before its body is
 * read (chunked or compressed: what arrives, inflated, as it arrives) until it is answered; past the budget, 503 with Retry-After, the body unread.
 * Counted (the cds_request_body_bytes_in_flight gauge), never timed.
 */
const MiB = 1024 * 1024;

/** A valid hook request of about `bytes` (ASCII: characters are bytes): the facet chart padded with progress notes. */
function requestOfSize(bytes: number): string {
  const chart = lumbarBlockChart();
  const filler: FhirResource[] = [];
  const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'Progress note text. '.repeat(500)}</div>`;
  for (let i = 0; filler.length * div.length < bytes; i++) {
    filler.push({ resourceType: 'Observation', id: `note-${i}`, status: 'final', subject: { reference: PATIENT_REF }, code: { text: 'Progress note' }, text: { status: 'generated', div } });
  }
  const prefetch = fullPrefetch(chart);
  prefetch.observations = searchset([...chart.filter((r) => r.resourceType === 'Observation'), ...filler]);
  return JSON.stringify(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch }));
}

async function bodyBytesHeld(runtime: Runtime): Promise<number> {
  return (await runtime.deps.metrics.requestBodyBytesInFlight.get()).values[0]?.value ?? 0;
}

/** Waits (on events, not a clock) until the process holds `bytes` of request bodies. */
async function untilHeld(runtime: Runtime, bytes: number): Promise<void> {
  while ((await bodyBytesHeld(runtime)) !== bytes) await new Promise((resolve) => setImmediate(resolve));
}

/** A request whose body is sent in two steps: `send()` writes all but its last byte, `finish()` the rest and reads the answer. */
function heldRequest(port: number, text: string | Buffer, options: { chunked?: boolean; headers?: Record<string, string> } = {}) {
  const body = Buffer.isBuffer(text) ? text : Buffer.from(text);
  let answer: Promise<{ status: number; body: string }> | undefined;
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: SERVICE_PATH,
    headers: { 'content-type': 'application/json', ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }), ...options.headers },
  });
  answer = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
  });
  return {
    send: () => req.write(body.subarray(0, body.length - 1)),
    finish: () => {
      req.end(body.subarray(body.length - 1));
      return answer!;
    },
  };
}

describe('BODY_MAX_BYTES_IN_FLIGHT', () => {
  let runtime: Runtime;
  let server: http.Server;
  let port: number;
  const fourMiB = requestOfSize(4 * MiB);
  const threeMiB = requestOfSize(3 * MiB);
  const small = JSON.stringify(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()) }));

  beforeAll(async () => {
    // BODY_LIMIT 5 MiB; room for 6 MiB of bodies at once.
    runtime = await testRuntime({ env: { BODY_LIMIT: '5mb', BODY_MAX_BYTES_IN_FLIGHT: String(6 * MiB) } });
    server = http.createServer(runtime.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.close();
  });

  it('a body that would take the bodies held past the budget → 503 with Retry-After, unread; smaller ones still fit', async () => {
    expect(fourMiB.length).toBeGreaterThan(4 * MiB);
    expect(fourMiB.length + threeMiB.length).toBeGreaterThan(6 * MiB);
    const first = heldRequest(port, fourMiB);
    first.send();
    await untilHeld(runtime, fourMiB.length);

    const refused = await request(server).post(SERVICE_PATH).set('Content-Type', 'application/json').send(threeMiB);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'transient',
          diagnostics: `The service is reading as many request bodies as it holds at once (BODY_MAX_BYTES_IN_FLIGHT, 6 MiB); this one (${Math.round((threeMiB.length / MiB) * 10) / 10} MiB) was not read: send it again shortly`,
        },
      ],
    });
    // The refused body reserved nothing; an ordinary request fits beside the large one.
    expect(await bodyBytesHeld(runtime)).toBe(fourMiB.length);
    const ordinary = await request(server).post(SERVICE_PATH).set('Content-Type', 'application/json').send(small);
    expect(ordinary.status).toBe(200);

    const answered = await first.finish();
    expect(answered.status).toBe(200);
    await untilHeld(runtime, 0);
    // Once the first is answered, the refused one is read.
    const again = await request(server).post(SERVICE_PATH).set('Content-Type', 'application/json').send(threeMiB);
    expect(again.status).toBe(200);
    expect(await bodyBytesHeld(runtime)).toBe(0);
  });

  it('a body sent without a length (chunked) reserves what arrives, as it arrives: beside a held body it is read while it fits, refused with 503 once it would not', async () => {
    const first = heldRequest(port, fourMiB);
    first.send();
    await untilHeld(runtime, fourMiB.length);
    // 4 MiB held of 6: a small chunked body fits (reserving BODY_LIMIT for it up front refused it) ...
    const fits = heldRequest(port, small, { chunked: true });
    fits.send();
    expect((await fits.finish()).status).toBe(200);
    // ... a 3 MiB one does not: refused once it passes the budget, the rest of it read and dropped.
    const grows = heldRequest(port, threeMiB, { chunked: true });
    grows.send();
    const refused = await grows.finish();
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).issue[0]).toMatchObject({ code: 'transient', diagnostics: expect.stringContaining('(BODY_MAX_BYTES_IN_FLIGHT, 6 MiB)') });
    expect(await bodyBytesHeld(runtime)).toBe(fourMiB.length);
    expect((await first.finish()).status).toBe(200);
    await untilHeld(runtime, 0);
    // Alone it is read.
    const alone = heldRequest(port, threeMiB, { chunked: true });
    alone.send();
    expect((await alone.finish()).status).toBe(200);
    await untilHeld(runtime, 0);
  });

  it('a gzip body reserves what it inflates to, as it inflates, not its length on the wire: a small one fits beside a held body, one inflating past the budget is refused', async () => {
    const first = heldRequest(port, fourMiB);
    first.send();
    await untilHeld(runtime, fourMiB.length);
    // One EHR compressing its calls must not be limited to one call at a time.
    const gzipped = gzipSync(small);
    const fits = heldRequest(port, gzipped, { headers: { 'content-encoding': 'gzip' } });
    fits.send();
    expect((await fits.finish()).status).toBe(200);
    // 3 MiB inflated beside 4 MiB held: past the 6 MiB budget, though a few KB on the wire.
    const bomb = gzipSync(threeMiB);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const refused = heldRequest(port, bomb, { headers: { 'content-encoding': 'gzip' } });
    refused.send();
    const answer = await refused.finish();
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body).issue[0].code).toBe('transient');
    expect((await first.finish()).status).toBe(200);
    await untilHeld(runtime, 0);
    // ... and alone it is read.
    const alone = heldRequest(port, bomb, { headers: { 'content-encoding': 'gzip' } });
    alone.send();
    expect((await alone.finish()).status).toBe(200);
    await untilHeld(runtime, 0);
  });

  it('a client that hangs up mid-body gives its reservation back', async () => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: SERVICE_PATH, headers: { 'content-type': 'application/json', 'content-length': String(fourMiB.length) } });
    req.on('error', () => undefined);
    req.write(fourMiB.slice(0, 1024));
    await untilHeld(runtime, fourMiB.length);
    req.destroy();
    await untilHeld(runtime, 0);
  });
});

describe('BODY_MAX_BYTES_IN_FLIGHT configuration', () => {
  it('defaults to BODY_LIMIT (one body of the largest size at a time; a 10 MB chart costs a few hundred MiB while decided)', () => {
    expect(loadConfig({}).bodyMaxBytesInFlight).toBe(10 * MiB);
    expect(loadConfig({ BODY_LIMIT: '6mb' }).bodyMaxBytesInFlight).toBe(6 * MiB);
    expect(loadConfig({ BODY_MAX_BYTES_IN_FLIGHT: String(50 * MiB) }).bodyMaxBytesInFlight).toBe(50 * MiB);
  });

  it('cannot be under BODY_LIMIT (a body within the limit could never be read)', () => {
    expect(() => loadConfig({ BODY_MAX_BYTES_IN_FLIGHT: String(5 * MiB) })).toThrow(StartupError);
    expect(() => loadConfig({ BODY_MAX_BYTES_IN_FLIGHT: String(5 * MiB) })).toThrow(
      'BODY_MAX_BYTES_IN_FLIGHT (5242880) must be at least BODY_LIMIT (10mb, 10485760 bytes): a body within BODY_LIMIT must be able to be read',
    );
    expect(() => loadConfig({ BODY_MAX_BYTES_IN_FLIGHT: 'lots' })).toThrow('BODY_MAX_BYTES_IN_FLIGHT must be a whole number, got "lots"');
  });
});
