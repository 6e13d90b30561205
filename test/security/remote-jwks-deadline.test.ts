import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { RemoteJwks } from '../../src/security/remote-jwks';
import { capturingLogger, TEST_NOW } from '../helpers/runtime';
import { clientToken, signingKey, type SigningKey } from './jwt-fixtures';

/**
 * JWKS_TIMEOUT_MS is a deadline for the whole fetch, over real sockets (no nock): a JWK Set server that
 * keeps the socket busy by trickling bytes must not hold the fetch open past it, and a JWK Set larger
 * than the size bound is refused.
 */
const AUD = 'https://cds.example.org/cds-services';

describe('RemoteJwks over a real socket: overall deadline and size bound', () => {
  let key: SigningKey;
  let server: http.Server;
  let base: string;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    key = await signingKey('ES384', 'k1');
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    timers.forEach((t) => clearInterval(t));
    timers.clear();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Answers a valid JWK Set, one byte every 20 ms after 100 bytes of leading whitespace: about 3 s in all, the socket never idle. */
  function trickle(res: http.ServerResponse): void {
    const body = Buffer.from(`${' '.repeat(100)}${JSON.stringify({ keys: [key.publicJwk] })}`);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write(body.subarray(i, i + 1));
      if (++i >= body.length) {
        clearInterval(timer);
        res.end();
      }
    }, 20);
    timers.add(timer);
  }

  const jwks = (options: { timeoutMs?: number; maxBytes?: number } = {}) => {
    const { logger, lines } = capturingLogger();
    return { lines, jwks: new RemoteJwks(`${base}/jwks.json`, { timeoutMs: options.timeoutMs ?? 200, cacheMs: 60_000, maxBytes: options.maxBytes, logger }) };
  };

  it('a server trickling bytes fails the fetch at the deadline instead of holding it open', async () => {
    handler = (_req, res) => trickle(res);
    const { jwks: remote, lines } = jwks({ timeoutMs: 200 });
    const token = await clientToken(key, AUD);
    await expect(jwtVerify(token, remote.getKey, { currentDate: TEST_NOW })).rejects.toThrow(/no keys could be fetched/);
    expect(lines.join('')).toMatch(/did not answer within 200 ms/);
  });

  it('the same JWK Set, served at once, is used (the server itself is fine)', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
    const { jwks: remote } = jwks();
    await expect(jwtVerify(await clientToken(key, AUD), remote.getKey, { currentDate: TEST_NOW })).resolves.toBeDefined();
  });

  it('an answer over the size bound is refused', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk], padding: 'x'.repeat(2048) }));
    const { jwks: remote, lines } = jwks({ timeoutMs: 2000, maxBytes: 1024 });
    await expect(jwtVerify(await clientToken(key, AUD), remote.getKey, { currentDate: TEST_NOW })).rejects.toThrow(/no keys could be fetched/);
    expect(lines.join('')).toMatch(/more than the JWK Set size bound/);
  });
});
