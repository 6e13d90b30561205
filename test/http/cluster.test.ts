import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { freePort } from '../../scripts/lib/free-port';
import { adoptOrphanSpools, spoolFileName } from '../../src/cluster';
import { loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';
import { clientToken, ehrClient, signingKey, writeClientsFile, type SigningKey } from '../security/jwt-fixtures';

/**
 * WEB_CONCURRENCY (issue 15): the real server (src/server.ts under tsx) as a node:cluster primary with two
 * workers sharing the port. Each worker is a replica: the JWT replay cache is the shared store, so a token
 * replayed to the other worker is refused; each keeps its own audit spool file.
 */
const ROOT = path.resolve(__dirname, '../..');

interface Line {
  msg: string;
  worker?: number;
  role?: string;
  requestId?: string;
  status?: number;
}

function get(port: number, pathname: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    // agent: false, a new connection per request: the primary hands each connection to the next worker.
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: 'GET', agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WEB_CONCURRENCY=2: two workers behind one port', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;
  const output: string[] = [];
  const lines = (): Line[] =>
    output
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Line);

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(key: SigningKey): Promise<number> {
    const port = await freePort();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-cluster-'));
    child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        WEB_CONCURRENCY: '2',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        CDS_CLIENTS_FILE: writeClientsFile([ehrClient(key)]),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const listening = new Set(lines().filter((l) => l.msg.startsWith('facet-cds listening')).map((l) => l.worker));
        if (listening.has(1) && listening.has(2)) {
          child!.stdout!.off('data', check);
          resolve();
        }
      };
      child!.stdout!.on('data', check);
      child!.once('exit', (code) => reject(new Error(`server exited (${code}) before both workers listened:\n${output.join('')}`)));
    });
    return port;
  }

  it('refuses a JWT replayed to the other worker (the jti is claimed in the shared store), and stops both workers on SIGTERM', async () => {
    const key = await signingKey();
    const port = await start(key);
    expect(lines().find((l) => l.role === 'primary')?.msg).toMatch(/starting 2 workers/);

    const workerOf = (requestId: string) => lines().find((l) => l.msg === 'request' && l.requestId === requestId)?.worker;
    let crossWorker: { first: number | undefined; replay: number | undefined } | undefined;
    // Connections go round-robin to the workers; a pair that landed on one worker proves nothing, so try again.
    for (let attempt = 0; attempt < 10 && !crossWorker; attempt++) {
      const now = Math.floor(Date.now() / 1000);
      const token = await clientToken(key, `http://127.0.0.1:${port}/cds-services`, { claims: { iat: now, exp: now + 300, jti: randomUUID() } });
      const first = `first-${attempt}`;
      const replay = `replay-${attempt}`;
      expect(await get(port, '/cds-services', { authorization: `Bearer ${token}`, 'x-request-id': first })).toBe(200);
      expect(await get(port, '/cds-services', { authorization: `Bearer ${token}`, 'x-request-id': replay })).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the access-log lines
      if (workerOf(first) !== undefined && workerOf(replay) !== undefined && workerOf(first) !== workerOf(replay)) {
        crossWorker = { first: workerOf(first), replay: workerOf(replay) };
      }
    }
    expect(crossWorker).toBeDefined();
    expect(new Set([crossWorker!.first, crossWorker!.replay])).toEqual(new Set([1, 2]));
    expect(lines().some((l) => l.msg === 'request refused: client authentication failed' && l.worker === crossWorker!.replay)).toBe(true);

    const exit = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(new Set(lines().filter((l) => l.msg === 'stopped').map((l) => l.worker))).toEqual(new Set([1, 2]));
  }, 60_000);
});

describe('audit spools under WEB_CONCURRENCY', () => {
  it('one file per worker: worker 1 (and a single process) keeps audit-spool.jsonl', () => {
    expect(spoolFileName(undefined)).toBe('audit-spool.jsonl');
    expect(spoolFileName({ index: 1, count: 3 })).toBe('audit-spool.jsonl');
    expect(spoolFileName({ index: 3, count: 3 })).toBe('audit-spool-3.jsonl');
  });

  it('worker 1 takes over the spools of workers that no longer exist, and only those', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-spools-'));
    try {
      const own = path.join(dir, 'audit-spool.jsonl');
      fs.writeFileSync(own, '{"own":1}\n');
      fs.writeFileSync(path.join(dir, 'audit-spool-2.jsonl'), '{"worker":2}\n'); // still running
      fs.writeFileSync(path.join(dir, 'audit-spool-3.jsonl'), '{"worker":3}\n');
      fs.writeFileSync(path.join(dir, 'audit-spool-4.jsonl.replaying'), '{"worker":4}'); // mid-replay when it stopped
      expect(adoptOrphanSpools(dir, { index: 2, count: 2 }, path.join(dir, 'audit-spool-2.jsonl'))).toEqual([]);
      expect(adoptOrphanSpools(dir, { index: 1, count: 2 }, own).sort()).toEqual(['audit-spool-3.jsonl', 'audit-spool-4.jsonl.replaying']);
      const spooled = fs.readFileSync(own, 'utf8').split('\n').filter(Boolean);
      expect(spooled[0]).toBe('{"own":1}');
      expect(spooled.slice(1).sort()).toEqual(['{"worker":3}', '{"worker":4}']);
      expect(fs.readdirSync(dir).sort()).toEqual(['audit-spool-2.jsonl', 'audit-spool.jsonl']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('WEB_CONCURRENCY is 1 to 64, default 1', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '2' }).webConcurrency).toBe(2);
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).toThrow(StartupError);
    expect(() => loadConfig({ WEB_CONCURRENCY: 'many' })).toThrow(/WEB_CONCURRENCY/);
  });
});
