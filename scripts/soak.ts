/**
 * Bounded soak: the built service (dist/src/server.js, as in production) under a fixed request rate on
 * loopback, with realistic order-sign calls (a full chart in prefetch; a share with keys left out that the
 * service fetches from a loopback fake EHR), each with its own client JWT (JWT mode, SQLite replay cache).
 * Reports throughput, p50/p99 latency, errors and the service's RSS (sampled every second after warm-up);
 * exits 1 on any error, when the rate was not held, or when the median RSS of the last quarter of the run
 * exceeds that of the second quarter by more than the bound (RSS follows the GC's sawtooth; a leak climbs).
 *
 *   npm run soak                       # 10 s warm-up + 30 s measured at 50 req/s
 *   SOAK_RATE=100 SOAK_SECONDS=45 npm run soak
 *
 * Settings (environment): SOAK_RATE (req/s, default 50), SOAK_SECONDS (measured, default 30),
 * SOAK_WARMUP_SECONDS (default 10; warm-up + measured at most 60), SOAK_CONNECTIONS (default 10),
 * SOAK_FETCH_SHARE (share of calls fetching from the fake EHR, default 0.2), SOAK_MAX_RSS_GROWTH_MB (default 64).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { cdsResponseProblems } from '../test/helpers/cds-response';
import { startFakeEhr } from './fake-ehr';
import { freePort } from './lib/free-port';
import { PREFETCH_KEY_TYPES, realisticHookRequest } from './realistic-chart';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

const MAX_TOTAL_SECONDS = 60;
const SERVICE_PATH = '/cds-services/facet-joint-interventions';
const ROOT = path.resolve(__dirname, '..');
const ISS = 'https://soak-ehr.example';
const ACCESS_TOKEN = `soak-${randomUUID()}`;

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return value;
}

const rate = setting('SOAK_RATE', 50, 1, 2000);
const warmup = setting('SOAK_WARMUP_SECONDS', 10, 0, 30);
const seconds = setting('SOAK_SECONDS', 30, 5, MAX_TOTAL_SECONDS - warmup);
const connections = setting('SOAK_CONNECTIONS', 10, 1, 100);
const fetchShare = setting('SOAK_FETCH_SHARE', 0.2, 0, 1);
const maxGrowthMb = setting('SOAK_MAX_RSS_GROWTH_MB', 64, 1, 4096);

/** The service's resident memory, from /proc (Linux), else ps. */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    /* not Linux */
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) / 1024;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited during start-up (code ${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not start within 10 s');
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/server.js'))) throw new Error('dist/src/server.js is missing: run `npm run build` (npm run soak does)');
  const today = new Date().toISOString().slice(0, 10);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-soak-'));
  const ehr = await startFakeEhr({ today, accessToken: ACCESS_TOKEN });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;

  // One trusted client, its key made for this run.
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const clientsFile = path.join(work, 'cds-clients.json');
  fs.writeFileSync(clientsFile, JSON.stringify([{ iss: ISS, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'soak', alg: 'ES384', use: 'sig' }] }, fhirServers: [ehr.baseUrl] }]));

  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/server.js')], {
    env: { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: base, CDS_CLIENTS_FILE: clientsFile, DATA_DIR: path.join(work, 'data'), LOG_LEVEL: 'warn', FHIR_TIMEOUT_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const serviceLog: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => serviceLog.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => serviceLog.push(chunk.toString()));

  try {
    await waitUntilUp(`${base}/health`, child);

    // Realistic calls: 50 charts; a share leaves out keys the service then fetches from the fake EHR.
    const omitForFetch = Object.keys(PREFETCH_KEY_TYPES).filter((k) => k !== 'patient' && k !== 'coverage');
    const bodies = Array.from({ length: 50 }, (_, variant) => {
      const fetches = variant < Math.round(50 * fetchShare);
      return JSON.stringify(
        realisticHookRequest({
          patientId: `soak-${variant}`,
          today,
          variant,
          hookInstance: randomUUID(),
          ...(fetches ? { omit: omitForFetch, fhirServer: ehr.baseUrl, accessToken: ACCESS_TOKEN } : {}),
        }),
      );
    });

    // Every call carries its own JWT (the jti is single-use), signed before the clock starts.
    const needed = Math.ceil(rate * (warmup + seconds) * 1.1) + 100;
    const aud = `${base}${SERVICE_PATH}`;
    const now = Math.floor(Date.now() / 1000);
    const tokens: string[] = [];
    for (let i = 0; i < needed; i++) {
      tokens.push(await new SignJWT({ iss: ISS, aud, iat: now, exp: now + 600, jti: randomUUID() }).setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: 'soak' }).sign(privateKey));
    }

    // Each kind of call answers a valid CDS Hooks response before load starts.
    for (const body of [bodies[0]!, bodies[bodies.length - 1]!]) {
      const res = await fetch(`${base}${SERVICE_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.pop()}` }, body });
      const problems = cdsResponseProblems(await res.json());
      if (res.status !== 200 || problems.length > 0) throw new Error(`a sample call answered ${res.status}: ${problems.join('; ')}`);
    }

    let next = 0;
    const requests = bodies.map((body) => ({
      method: 'POST' as const,
      path: SERVICE_PATH,
      body,
      setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, 'content-type': 'application/json', authorization: `Bearer ${tokens[next++ % tokens.length]}` } }),
    }));
    const load = (duration: number) => run({ url: base, connections, overallRate: rate, duration, requests, timeout: 10 });

    if (warmup > 0) {
      process.stdout.write(`warm-up: ${warmup} s at ${rate} req/s\n`);
      const w = await load(warmup);
      if (w.errors + w.timeouts + w.non2xx > 0) throw new Error(`warm-up had ${w.errors} errors, ${w.timeouts} timeouts, ${w.non2xx} non-2xx`);
    }
    const rssStart = rssMb(child.pid!);
    const samples: number[] = [rssStart];
    const sampler = setInterval(() => samples.push(rssMb(child.pid!)), 1000);
    process.stdout.write(`measured: ${seconds} s at ${rate} req/s, ${connections} connections, ${Math.round(fetchShare * 100)}% of calls fetching from the fake EHR\n`);
    const result = await load(seconds);
    clearInterval(sampler);
    const rssEnd = rssMb(child.pid!);
    samples.push(rssEnd);
    const growth = rssEnd - rssStart;
    // RSS follows the garbage collector's sawtooth, and the heap keeps sizing itself to the load for a
    // while after warm-up; a leak keeps climbing. So the gate compares the medians of the second and the
    // last quarter of the measured run.
    const quarter = Math.max(2, Math.floor(samples.length / 4));
    const trend = median(samples.slice(-quarter)) - median(samples.slice(quarter, 2 * quarter));

    const summary = {
      command: `SOAK_RATE=${rate} SOAK_SECONDS=${seconds} SOAK_WARMUP_SECONDS=${warmup} SOAK_CONNECTIONS=${connections} SOAK_FETCH_SHARE=${fetchShare} npm run soak`,
      node: process.version,
      cpus: os.cpus().length,
      requests: result.requests.total,
      ratePerSecond: Math.round((result.requests.total / seconds) * 10) / 10,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      rssMb: {
        start: round(rssStart),
        end: round(rssEnd),
        growth: round(growth),
        min: round(Math.min(...samples)),
        max: round(Math.max(...samples)),
        settledGrowth: round(trend),
        bound: maxGrowthMb,
      },
      rssEvery5sMb: samples.filter((_, i) => i % 5 === 0).map(round),
      fakeEhrAnswers: ehr.served,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    const failures = [
      ...(result.errors + result.timeouts + result.non2xx > 0 ? [`${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`] : []),
      ...(trend > maxGrowthMb ? [`RSS grew ${round(trend)} MB from the second to the last quarter of the run (bound ${maxGrowthMb} MB)`] : []),
      ...(result.requests.total < rate * seconds * 0.9 ? [`only ${result.requests.total} requests sent of ${rate * seconds}: the rate was not held`] : []),
    ];
    if (failures.length > 0) {
      process.stdout.write(`SOAK FAILED: ${failures.join('; ')}\n`);
      process.exitCode = 1;
    } else process.stdout.write('SOAK PASSED\n');
  } catch (error) {
    process.stdout.write(`SOAK FAILED: ${(error as Error).message}\n${serviceLog.join('').slice(-4000)}\n`);
    process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    await ehr.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(mb: number): number {
  return Math.round(mb * 10) / 10;
}

exitQuietlyWhenOutputCloses();
void main();
