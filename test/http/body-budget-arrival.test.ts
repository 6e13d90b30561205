import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { bodyBudget } from '../../src/http/body-budget';

/**
 * A reserved body must keep arriving (BODY_ARRIVAL): a client that declares a large body and trickles it
 * would otherwise hold BODY_MAX_BYTES_IN_FLIGHT until Node's request timeout, and every other call with a
 * body would be told to retry. Here with a short grace period; asserted on what happens (the connection
 * closed, the reservation given back), waiting on events, never on a clock.
 */
const MiB = 1024 * 1024;

async function appWith(budget: ReturnType<typeof bodyBudget>) {
  const app = express();
  app.post('/', budget, express.json({ limit: '5mb' }), (req, res) => {
    res.json({ members: Object.keys(req.body as object).length });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('a reserved request body must keep arriving', () => {
  const slow: string[] = [];
  const budget = bodyBudget(2 * MiB, MiB, undefined, (req) => slow.push(req.path), { graceMs: 100, minBytesPerSecond: 64 * 1024, checkEveryMs: 20 });
  let server: http.Server;
  let port: number;
  beforeAll(async () => ({ server, port } = await appWith(budget)));
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a client that declares 1 MiB and sends a few bytes is cut off, and its reservation given back', async () => {
    const closed = new Promise<string>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json', 'content-length': String(MiB) } });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.write('{"a":');
    });
    expect(await closed).toMatch(/ECONNRESET|socket hang up/);
    while (budget.bytesInFlight !== 0) await new Promise((resolve) => setImmediate(resolve));
    expect(slow).toEqual(['/']);
  });

  it('a body sent at once is read and answered, its reservation given back', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(512 * 1024), b: 1 });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(answer).toEqual({ status: 200, text: '{"members":2}' });
    while (budget.bytesInFlight !== 0) await new Promise((resolve) => setImmediate(resolve));
    expect(slow).toEqual(['/']); // only the first test's client
  });
});
