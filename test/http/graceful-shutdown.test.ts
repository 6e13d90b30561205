import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { facetOrder, hookRequest } from '../helpers/builders';
import { freePort } from '../../scripts/lib/free-port';

/**
 * The real server (src/server.ts, started as `node --import tsx`), stopped with SIGTERM while an
 * order-sign call is in flight: the call completes and the process exits 0 (issue 2, item 9).
 */
const ROOT = path.resolve(__dirname, '../..');

/** A FHIR server that holds every request until released, then answers empty results. */
function heldFhirServer() {
  let released = false;
  const held: Array<() => void> = [];
  let firstArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
  const server = http.createServer((req, res) => {
    firstArrived();
    const answer = () => {
      res.setHeader('Content-Type', 'application/fhir+json');
      const read = /\/Patient\//.test(req.url ?? '');
      res.end(JSON.stringify(read ? { resourceType: 'Patient', id: 'pat-1' } : { resourceType: 'Bundle', type: 'searchset', total: 0 }));
    };
    if (released) answer();
    else held.push(answer);
  });
  return {
    server,
    arrived,
    release() {
      released = true;
      held.splice(0).forEach((answer) => answer());
    },
  };
}

/** Resolves when the child has written a log line matching `pattern`. */
function logLine(child: ChildProcess, pattern: RegExp, output: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const line = output.join('').split('\n').find((l) => pattern.test(l));
      if (line) {
        child.stdout!.off('data', check);
        resolve(line);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before logging ${pattern}:\n${output.join('')}`)));
    check();
  });
}

function post(port: number, body: unknown, agent: http.Agent): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/cds-services/facet-joint-interventions', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('graceful shutdown', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-shutdown-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('finishes the call in flight on SIGTERM, then exits 0', async () => {
    const fhir = heldFhirServer();
    await new Promise<void>((resolve) => fhir.server.listen(0, '127.0.0.1', resolve));
    const fhirPort = (fhir.server.address() as AddressInfo).port;
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, FHIR_TIMEOUT_MS: '30000', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const agent = new http.Agent({ keepAlive: true }); // EHRs keep connections open
    try {
      const listening = JSON.parse(await logLine(child, /facet-cds listening/, output));
      expect(listening).toMatchObject({ port, host: '127.0.0.1' });

      const call = post(port, hookRequest({ orders: [facetOrder('sr-1', '64493')], fhirServer: `http://127.0.0.1:${fhirPort}/fhir` }), agent);
      await fhir.arrived; // the call is in flight, waiting on the EHR's FHIR server
      child.kill('SIGTERM');
      await logLine(child, /shutting down/, output);
      fhir.release();

      const response = await call;
      expect(response.status).toBe(200);
      expect(response.body.cards.length).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      expect(output.join('')).toMatch(/"msg":"stopped"/);
      // The twelve fetches shared one deadline signal without Node's listener-leak warning on stderr.
      expect(output.join('')).not.toMatch(/MaxListenersExceededWarning/);
    } finally {
      agent.destroy();
      child.kill('SIGKILL');
      fhir.server.closeAllConnections();
      await new Promise((resolve) => fhir.server.close(resolve));
    }
  });
});
