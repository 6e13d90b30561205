import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { CallByteBudget, ProcessBytes } from '../../src/fhir/byte-budget';
import { FhirClient } from '../../src/fhir/fhir-client';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, hookRequest } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime, watchFhirBytesHeld } from '../helpers/runtime';
import { lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * A byte budget per request (issue 12): FHIR answers are counted as they arrive, a response past
 * FHIR_MAX_RESPONSE_BYTES or a call past FHIR_MAX_BYTES_PER_CALL stops reading there, the keys not yet
 * read fail (indeterminate, with the reason), and the process holds at most FHIR_MAX_BYTES_IN_FLIGHT. All
 * checked by counting bytes, never by time.
 */
const MiB = 1024 * 1024;
/** Card detail is markdown: FHIR\\_MAX\\_… reads FHIR_MAX_… */
const unescaped = (markdown: unknown) => String(markdown).replace(/\\_/g, '_');

/** A FHIR server answering every search with a valid Bundle of about `bytes`, and reads with the patient. */
async function bulkyFhirServer(bytes: number): Promise<{ baseUrl: string; requests: () => number; close: () => Promise<void> }> {
  const entries: unknown[] = [];
  for (let i = 0; entries.length * 1000 < bytes; i++) entries.push({ resource: { resourceType: 'Basic', id: `b-${i}`, subject: { reference: 'Patient/pat-1' }, code: { text: 'x'.repeat(900) } } });
  const bundle = Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: entries }));
  const patient = Buffer.from(JSON.stringify({ resourceType: 'Patient', id: 'pat-1' }));
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    const body = /\/Patient\//.test(req.url ?? '') ? patient : bundle;
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('CallByteBudget', () => {
  it('counts a byte received three times while its answer is parsed, twice once parsed, and gives it all back when the call is answered', () => {
    const process = new ProcessBytes(100);
    const budget = new CallByteBudget(60, process);
    expect(budget.takeReceived(10)).toBe(true);
    expect([budget.held, process.inFlight]).toEqual([30, 30]);
    budget.letGo(10, 'text');
    expect([budget.held, process.inFlight]).toEqual([20, 20]);
    budget.release();
    expect(process.inFlight).toBe(0);
  });

  it('stops the call when its budget would be exceeded, aborting its other fetches, and says why', () => {
    const budget = new CallByteBudget(60, new ProcessBytes(100));
    expect(budget.takeReceived(20)).toBe(true);
    expect(budget.takeReceived(1)).toBe(false);
    expect(budget.exhausted).toBe('call');
    expect(budget.signal.aborted).toBe(true);
    expect(budget.takeReceived(1)).toBe(false);
    expect(budget.message()).toBe('not read: the FHIR answers for this call reached FHIR_MAX_BYTES_PER_CALL (60 bytes)');
    expect(budget.peakHeld).toBe(60);
  });

  it('stops a call when the process holds its limit for the calls in progress', () => {
    const process = new ProcessBytes(90);
    const first = new CallByteBudget(60, process);
    const second = new CallByteBudget(60, process);
    expect(first.takeReceived(20)).toBe(true);
    expect(second.takeReceived(10)).toBe(true);
    expect(second.takeReceived(1)).toBe(false);
    expect(second.exhausted).toBe('process');
    expect(second.message()).toMatch(/^not read: the service already holds its limit of FHIR data for calls in progress \(FHIR_MAX_BYTES_IN_FLIGHT/);
    first.release();
    second.release();
    expect(process.inFlight).toBe(0);
  });
});

describe('FhirClient reads answers as streams, counted', () => {
  it('stops reading an answer past FHIR_MAX_RESPONSE_BYTES ("too-large"), and the budget lets it go', async () => {
    const fhir = await bulkyFhirServer(4 * MiB);
    const client = new FhirClient({ maxPages: 1, maxConcurrency: 4, maxResponseBytes: 1 * MiB, maxBytesPerCall: 3 * MiB });
    const budget = client.callBudget();
    try {
      await expect(client.search({ baseUrl: fhir.baseUrl }, 'Condition?patient=pat-1', AbortSignal.timeout(10_000), budget)).rejects.toMatchObject({
        failure: 'too-large',
        message: 'the FHIR server answer was larger than FHIR_MAX_RESPONSE_BYTES (1 MiB)',
      });
      expect(budget.peakHeld).toBeLessThanOrEqual(3 * MiB);
      expect(budget.held).toBe(0);
    } finally {
      budget.release();
      client.close();
      await fhir.close();
    }
  });
});

describe('FhirClient counts decompressed bytes', () => {
  it('stops a gzip answer that inflates past FHIR_MAX_RESPONSE_BYTES (a compression bomb), counting what it inflated', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MiB, ' ')); // ~64 KB on the wire
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new FhirClient({ maxPages: 1, maxConcurrency: 4, maxResponseBytes: 1 * MiB, maxBytesPerCall: 3 * MiB });
    const budget = client.callBudget();
    try {
      await expect(client.search({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir` }, 'Condition', AbortSignal.timeout(10_000), budget)).rejects.toMatchObject({ failure: 'too-large' });
      expect(budget.peakHeld).toBeLessThanOrEqual(3 * MiB);
    } finally {
      budget.release();
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a hook call against a FHIR server that answers every search with a large Bundle', () => {
  let runtime: Runtime;
  let fhir: Awaited<ReturnType<typeof bulkyFhirServer>>;
  let held: number[];
  beforeAll(async () => {
    fhir = await bulkyFhirServer(1 * MiB);
  });
  afterAll(() => fhir.close());
  beforeEach(async () => {
    runtime = await testRuntime({ env: { FHIR_TIMEOUT_MS: '20000', FHIR_MAX_RESPONSE_BYTES: String(2 * MiB), FHIR_MAX_BYTES_PER_CALL: String(8 * MiB), FHIR_MAX_BYTES_IN_FLIGHT: String(10 * MiB) } });
    held = watchFhirBytesHeld(runtime);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await runtime.close();
  });

  const sign = (id: string) => request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], fhirServer: fhir.baseUrl, hookInstance: id }));

  it('reads within FHIR_MAX_BYTES_PER_CALL, marks the keys not yet read failed and answers indeterminate with the reason', async () => {
    const res = await sign('one');
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    // Which keys the budget left unread depends on which answers came first: the summary names them, whole, and counts the rest.
    expect(res.body.cards[0].summary).toMatch(/^Could not be checked: not retrieved from the EHR: [A-Za-z]+(, [A-Za-z]+)*( \(\+\d+ more\))?$/);
    expect(unescaped(res.body.cards[0].detail)).toMatch(/Not retrieved from the EHR: .*\(not read: the FHIR answers for this call reached FHIR_MAX_BYTES_PER_CALL \(8 MiB\)\)/);
    // Counted, not timed: never more held than the budget, and nothing held once the call is answered.
    expect(Math.max(...held)).toBeLessThanOrEqual(8 * MiB);
    expect(runtime.deps.fhirClient.bytesInFlight).toBe(0);
    const failures = await runtime.deps.metrics.registry.getSingleMetricAsString('cds_fhir_errors_total');
    expect(failures).toMatch(/cds_fhir_errors_total\{failure="byte-budget"\} [1-9]/);
  });

  it('holds at most FHIR_MAX_BYTES_IN_FLIGHT across calls in progress: a call that would pass it is told so', async () => {
    // Other calls in progress already hold 9 of the 10 MiB the process allows.
    const others = [runtime.deps.fhirClient.callBudget(), runtime.deps.fhirClient.callBudget()];
    expect(others[0]!.takeReceived(2 * MiB)).toBe(true);
    expect(others[1]!.takeReceived(1 * MiB)).toBe(true);
    const res = await sign('while-others-hold');
    expect(res.status).toBe(200);
    expect(unescaped(res.body.cards[0].detail)).toContain('not read: the service already holds its limit of FHIR data for calls in progress (FHIR_MAX_BYTES_IN_FLIGHT, 10 MiB); try again shortly');
    expect(Math.max(...held)).toBeLessThanOrEqual(10 * MiB);
    for (const other of others) other.release();
    expect(runtime.deps.fhirClient.bytesInFlight).toBe(0);
  });
});
