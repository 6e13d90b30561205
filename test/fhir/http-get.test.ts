import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { HttpGetError, HttpGetter } from '../../src/fhir/http-get';

/** The FHIR client's transport, against a real local server: what axios used to do for it. */
describe('HttpGetter', () => {
  let server: http.Server;
  let base: string;
  const seen: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      const body = JSON.stringify({ resourceType: 'Patient', id: 'p1', name: [{ text: 'Zoë' }] });
      switch (req.url) {
        case '/gzip':
          res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync(body));
          return;
        case '/br':
          res.writeHead(200, { 'content-encoding': 'br' }).end(zlib.brotliCompressSync(body));
          return;
        case '/big':
          res.writeHead(200).end('x'.repeat(5000));
          return;
        case '/big-gzip':
          res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('x'.repeat(5000)));
          return;
        case '/redirect':
          res.writeHead(302, { location: 'http://attacker.example/steal' }).end();
          return;
        case '/stall':
          res.writeHead(200).write('{"resourceType":'); // never ends
          return;
        case '/reset':
          req.socket.destroy();
          return;
        default:
          res.writeHead(404).end('{"resourceType":"OperationOutcome"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const getter = new HttpGetter(1000);
  const never = () => new AbortController().signal;

  it('answers every status with its body, sending the given headers', async () => {
    await expect(getter.get(`${base}/missing`, { Authorization: 'Bearer t' }, never())).resolves.toEqual({ status: 404, body: '{"resourceType":"OperationOutcome"}' });
    expect(seen.at(-1)).toMatchObject({ authorization: 'Bearer t', 'accept-encoding': 'gzip, br' });
  });

  it('decompresses gzip and brotli bodies, as UTF-8', async () => {
    for (const path of ['/gzip', '/br']) {
      const { status, body } = await getter.get(`${base}${path}`, {}, never());
      expect(status).toBe(200);
      expect(JSON.parse(body).name[0].text).toBe('Zoë');
    }
  });

  it('does not follow a redirect', async () => {
    await expect(getter.get(`${base}/redirect`, {}, never())).resolves.toMatchObject({ status: 302 });
  });

  it('refuses a body over the limit, compressed or not', async () => {
    for (const path of ['/big', '/big-gzip']) {
      await expect(getter.get(`${base}${path}`, {}, never())).rejects.toMatchObject({ reason: 'too-large' });
    }
  });

  it('gives up when the signal fires, before or while the body arrives', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(getter.get(`${base}/gzip`, {}, aborted.signal)).rejects.toMatchObject({ reason: 'aborted' });
    await expect(getter.get(`${base}/stall`, {}, AbortSignal.timeout(100))).rejects.toMatchObject({ reason: 'aborted' });
  });

  it('reports network failures with their code', async () => {
    await expect(getter.get(`${base}/reset`, {}, never())).rejects.toMatchObject({ reason: 'network', code: 'ECONNRESET' });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await getter.get(`http://127.0.0.1:${port}/x`, {}, never()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpGetError);
    expect(error).toMatchObject({ reason: 'network', code: 'ECONNREFUSED' });
  });
});
