import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { JsonShapeScanner, jsonShapeProblem } from '../../src/http/json-limits';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, activeCoverage, facetOrder, fullPrefetch, hookRequest, patient } from '../helpers/builders';
import { listen } from '../helpers/listen';
import { testRuntime } from '../helpers/runtime';

/** Issue 15: the request body is read, checked against the shape bounds, decoded and parsed in one pass. */
describe('JsonShapeScanner: the shape bounds checked chunk by chunk as the body arrives', () => {
  const limits = { maxDepth: 3, maxMembers: 3 };
  const texts = [
    '[[[1]]]',
    '[[[[1]]]]',
    '[1,2,3]',
    '[1,2,3,4]',
    '{"a":1,"b":2,"c":3,"d":4}',
    '["[[[[,,,,", "\\"[[[[,,,,"]',
    '["\\\\", [[[1]]]]', // an escaped backslash closes nothing: the quote after it ends the string
    '["\\\\\\"[[[[", 1]', // backslash, escaped quote: still inside the string
    '["a\\\\\\\\", [[[[1]]]]]',
    '[[1,2],[3,4],[5,6]]',
    '{"note":"é ☃ 𝄞 [[[[","list":[1,2,3,4]}',
    '{"x":"\\u005b\\u005b\\u005b\\u005b","y":[1,2]}',
  ];

  it.each(texts)('gives the one-pass answer for %s however the bytes are split into chunks', (text) => {
    const bytes = Buffer.from(text);
    const expected = jsonShapeProblem(text, limits);
    expect(new JsonShapeScanner(limits).feed(bytes)).toEqual(expected);
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b++) {
        const scanner = new JsonShapeScanner(limits);
        const found = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)].map((chunk) => scanner.feed(chunk)).find((p) => p);
        expect({ split: [a, b], found }).toEqual({ split: [a, b], found: expected });
      }
    }
  });

  it('one byte at a time too, on a real hook request', () => {
    const text = JSON.stringify(hookRequest({ orders: [facetOrder('order-1', '64490')], prefetch: fullPrefetch([patient(), activeCoverage()]) }));
    const scanner = new JsonShapeScanner({ maxDepth: 6, maxMembers: 1000 });
    const bytes = Buffer.from(text);
    const found = Array.from(bytes, (_, i) => scanner.feed(bytes.subarray(i, i + 1))).find((p) => p);
    expect(found).toEqual(jsonShapeProblem(text, { maxDepth: 6, maxMembers: 1000 }));
    expect(found).toEqual({ kind: 'depth', limit: 6 });
  });
});

describe('reading a JSON request body', () => {
  let runtime: Runtime;
  let served: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    runtime = await testRuntime();
    served = await listen(runtime.app);
  });
  afterAll(async () => {
    await served.close();
    await runtime.close();
  });

  /** The bytes exactly as given (supertest re-encodes a Buffer sent as JSON). */
  const postBytes = async (body: Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${served.baseUrl}${SERVICE_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(body) });
    return { status: res.status, body: (await res.json()) as { systemActions?: unknown[]; issue?: Array<{ code: string; diagnostics: string }> } };
  };

  const valid = () => JSON.stringify(hookRequest({ orders: [facetOrder('order-1', '64490')], prefetch: fullPrefetch([patient(), activeCoverage()]) }));

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('inflates a %s body', async (encoding, compress) => {
    const res = await postBytes(compress(Buffer.from(valid())), { 'content-encoding': encoding });
    expect([res.status, res.body.issue?.[0]?.diagnostics]).toEqual([200, undefined]);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('counts inflated bytes against BODY_LIMIT: a small gzip body inflating past it is 413', async () => {
    const bomb = zlib.gzipSync(Buffer.from(JSON.stringify({ padding: ' '.repeat(11 * 1024 * 1024) })));
    expect(bomb.length).toBeLessThan(100_000);
    const res = await postBytes(bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(res.body.issue![0]!.diagnostics).toBe('The request body is larger than this service accepts (BODY_LIMIT, 10485760 bytes)');
  });

  it.each([
    ['gzip', 'not gzip at all', Buffer.from('{"hook":"order-sign"}')],
    ['gzip', 'cut short', zlib.gzipSync(Buffer.from('{"hook":"order-sign"}')).subarray(0, 12)],
    ['deflate', 'gzip sent as deflate', zlib.gzipSync(Buffer.from('{}'))],
    ['br', 'garbage', Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00])],
  ] as const)('a %s body that does not inflate (%s) is a 400 naming the Content-Encoding', async (encoding, _what, bytes) => {
    const res = await postBytes(bytes, { 'content-encoding': encoding });
    expect(res.status).toBe(400);
    expect(res.body.issue![0]).toMatchObject({ code: 'invalid', diagnostics: `The request body is not valid ${encoding} data (Content-Encoding: ${encoding})` });
  });

  it.each([
    ['declared larger than BODY_LIMIT (413)', { 'content-length': String(256 * 1024 * 1024) }, 413],
    ['in an unknown Content-Encoding (415)', { 'content-length': String(256 * 1024 * 1024), 'content-encoding': 'compress' }, 415],
    ['chunked, past BODY_LIMIT (413)', { 'transfer-encoding': 'chunked' }, 413],
  ] as const)('a refused body %s is dropped up to BODY_LIMIT at most before the answer, which arrives (a client sending 256 MiB does not keep the service reading it until the request timeout)', async (_what, headers, status) => {
    // What the service read is counted on its own socket: the client side may run through an interceptor
    // (nock, left by another test file of this worker) that takes every byte at once, without back-pressure.
    const server = http.createServer(runtime.app);
    const serverSockets: net.Socket[] = [];
    server.on('connection', (socket) => serverSockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const serverRead = () => serverSockets.reduce((total, socket) => total + socket.bytesRead, 0) / (1024 * 1024);
    try {
      const { port } = server.address() as net.AddressInfo;
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: SERVICE_PATH, headers: { 'content-type': 'application/json', ...headers } });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      let readWhenAnswered = -1;
      req.on('error', () => undefined); // the service closes the connection while the body is still being sent
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        req.once('response', (answer) => {
          readWhenAnswered = serverRead();
          resolve(answer);
        });
        req.once('close', () => readWhenAnswered < 0 && reject(new Error(`closed unanswered after ${sent} MiB`)));
        // 256 MiB, as fast as the service reads it (never ending the request early).
        const pump = () => {
          while (sent < 256 && !req.destroyed) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          if (!req.destroyed) req.end();
        };
        pump();
      });
      expect(res.statusCode).toBe(status);
      res.resume();
      expect(readWhenAnswered).toBeLessThan(64); // BODY_LIMIT (10 MiB) and a socket read or two, not all 256 MiB
      // The client keeps sending after the answer: the service reads no more of it, and ends the connection.
      await new Promise<void>((resolve) => {
        if (serverSockets.every((socket) => socket.destroyed)) return resolve();
        serverSockets[0]!.once('close', () => resolve());
      });
      expect(serverRead()).toBeLessThan(64);
      req.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers an unknown Content-Encoding with 415', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send(valid());
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-supported', diagnostics: 'Unsupported body encoding or charset' }] });
  });

  it('skips a UTF-8 byte order mark', async () => {
    const res = await postBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(valid())]));
    expect(res.status).toBe(200);
  });

  it('reads an empty body as {} (then refused as a hook request, naming what is missing)', async () => {
    const res = await postBytes(Buffer.alloc(0));
    expect(res.status).toBe(400);
    expect(res.body.issue![0]!.diagnostics).not.toMatch(/not valid JSON/);
  });

  it('refuses a chunked body nested too deeply from its first chunk (the rest read and dropped), and keeps the connection usable', async () => {
    const port = Number(new URL(served.baseUrl).port);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Chunked: the first chunk is too deep; the body then goes on (and ends) only after the answer.
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: SERVICE_PATH, agent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.write(`{"x":${'['.repeat(200)}`);
        // The rest of the body follows a moment later: the refusal is already decided (the body is then read and dropped).
        setTimeout(() => req.end(`${']'.repeat(200)}}`), 50);
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).issue[0].diagnostics).toMatch(/more than 100 levels deep/);
      // The same connection then carries a valid request.
      const second = await new Promise<number>((resolve, reject) => {
        const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: SERVICE_PATH, agent, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(valid());
      });
      expect(second).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});
