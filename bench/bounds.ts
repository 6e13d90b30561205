import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FhirResource, ServiceRequest } from 'fhir/r4';
import { fullPrefetch, hookRequest } from '../test/helpers/builders';
import { daysBefore, order } from '../test/helpers/chart';
import { HOOK_PATH, chartOf } from './cases';
import { BENCH_PATIENT } from './chart';
import { freePort } from '../scripts/lib/free-port';
import { startFhirStub } from './fhir-stub';
import { startServer, type ServerProcess } from './server-process';

/**
 * `npm run bench:bounds -- [--only id,id] [--orders 50,1000,2000]`: the hostile requests and bad days of
 * issue 12, each against a fresh server process (the production build, open mode, SQLite in a temp folder),
 * with what it cost: time to answer, the longest a `/health` probe waited meanwhile, the decision record's
 * size and the time to read it back, the server's peak RSS growth, whether SIGTERM ends the process, and
 * what start-up says about an unwritable DATA_DIR. Cases:
 *
 * - `order-text`: a 64999 order whose note is ~300 KB (one word repeated);
 * - `procedure-text`: a Procedure on record whose text is ~88 KB;
 * - `orders`: N in-scope orders of one procedure (record size, read-back);
 * - `fhir-bytes`: a FHIR server answering every search with a valid 10 MB Bundle (one call, then three at once);
 * - `references`: order-dispatch naming 200,000 orders by reference; appointment-book, an Appointment based on
 *   50,000 orders beside 50,000 other Bundle entries (limits.maxOrderReferences; lookups by index);
 * - `bodies`: eight order-sign calls at once, each a ~9.7 MB body (BODY_MAX_BYTES_IN_FLIGHT);
 * - `sigterm`: SIGTERM with the log pipe closed (`| head -1`) and with a reader that stopped reading;
 * - `data-dir`: start-up with a DATA_DIR that cannot be created, or (as root) on a read-only file system;
 * - `disk-full`: (as root) DATA_DIR on a 1 MiB tmpfs that fills up while the service runs: what /ready,
 *   /metrics and feedback say, and whether they recover once there is room again.
 *
 * The `sigterm`, `data-dir` and `disk-full` cases run `node dist/src/server.js` as built with this script;
 * BOUNDS_SERVER_ENTRY=/path/to/server.js runs them against another build (e.g. main before a change).
 * Figures are printed one line per measurement; docs/performance.md ("Bounded work") keeps the before/after table.
 */

const ROOT = path.resolve(__dirname, __filename.endsWith('.js') ? '../../..' : '..');
/** The production entry point this script was built with (dist/bench/src/server.js), or the source under tsx. */
const SERVER_ENTRY =
  process.env.BOUNDS_SERVER_ENTRY ?? (__filename.endsWith('.js') ? path.resolve(__dirname, '../src/server.js') : path.resolve(ROOT, 'src/server.ts'));

interface Options {
  only?: string[];
  orders: number[];
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    only: value('--only')?.split(','),
    orders: (value('--orders') ?? '50,1000,2000').split(',').map(Number),
  };
}

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Peak and current RSS of a process (Linux /proc), in bytes. */
function memory(pid: number): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** Polls /health every 100 ms until stopped; returns the longest wait for an answer. */
function healthProbe(baseUrl: string): { stop(): Promise<number> } {
  let longest = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(120_000) }).then((r) => r.text()).catch(() => undefined);
      longest = Math.max(longest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return longest;
    },
  };
}

interface HookResult {
  status: number;
  ms: number;
  bytes: number;
  body: any;
}

async function postHook(server: ServerProcess, body: string, hookPath = HOOK_PATH): Promise<HookResult> {
  const started = performance.now();
  try {
    const res = await fetch(`${server.baseUrl}${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(300_000) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text.slice(0, 200);
    }
    return { status: res.status, ms: performance.now() - started, bytes: Buffer.byteLength(text), body: parsed };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, bytes: 0, body: `no answer: ${(error as Error).message}` };
  }
}

function describe(result: HookResult): string {
  if (result.status === 200) {
    const cards = result.body?.cards ?? [];
    const outcomes = (result.body?.systemActions ?? []).map((a: any) => a.resource?.extension?.at(-1)?.extension?.find((e: any) => e.url === 'covered')?.valueCode);
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
    return `200, ${cards.length} card(s), outcomes ${[...counts].map(([o, n]) => `${n}× ${o}`).join(', ') || 'none'}: "${String(cards[0]?.summary ?? '').slice(0, 100)}"`;
  }
  const diagnostics = result.body?.issue?.[0]?.diagnostics;
  return `${result.status}${diagnostics ? `: ${String(diagnostics).slice(0, 160)}` : typeof result.body === 'string' ? `: ${result.body}` : ''}`;
}

/** One hook call, with a /health probe running meanwhile. */
async function timedCall(server: ServerProcess, body: string, hookPath = HOOK_PATH): Promise<HookResult & { healthMs: number }> {
  const probe = healthProbe(server.baseUrl);
  const result = await postHook(server, body, hookPath);
  return { ...result, healthMs: await probe.stop() };
}

async function withServer<T>(run: (server: ServerProcess) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const server = await startServer([], env);
  try {
    return await run(server);
  } finally {
    await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 30_000))]);
  }
}

const base = () => chartOf(50);
const requestBody = (orders: ServiceRequest[], resources: FhirResource[] = base().resources) =>
  JSON.stringify(hookRequest({ orders, patientId: BENCH_PATIENT, prefetch: fullPrefetch(resources) }));

async function orderText(): Promise<void> {
  const note = 'facet '.repeat(50_000); // 300 KB
  const body = requestBody([order('text-sr-1', '64999', { patientId: BENCH_PATIENT, levels: ['L4-L5'], date: daysBefore(-7), note: [{ text: note }] })]);
  await withServer(async (server) => {
    const r = await timedCall(server, body);
    line(`order-text   ${(note.length / 1000).toFixed(0)} KB note on a 64999 order: answered in ${seconds(r.ms)}, /health waited up to ${seconds(r.healthMs)}; ${describe(r)}`);
  });
}

async function procedureText(): Promise<void> {
  const text = 'facet '.repeat(14_700); // 88 KB
  const resources: FhirResource[] = [
    ...base().resources,
    {
      resourceType: 'Procedure',
      id: 'long-text-1',
      status: 'completed',
      subject: { reference: `Patient/${BENCH_PATIENT}` },
      code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64999' }], text },
      performedDateTime: daysBefore(200),
    },
  ];
  const body = requestBody(base().orders, resources);
  await withServer(async (server) => {
    const r = await timedCall(server, body);
    line(`procedure-text   ${(text.length / 1000).toFixed(0)} KB Procedure code.text: answered in ${seconds(r.ms)}, /health waited up to ${seconds(r.healthMs)}; ${describe(r)}`);
  });
}

async function manyOrders(counts: number[]): Promise<void> {
  for (const n of counts) {
    const orders = Array.from({ length: n }, (_, i) =>
      order(`many-${i}`, i === 0 ? '64493' : '64494', { patientId: BENCH_PATIENT, levels: ['L4-L5'], date: daysBefore(-7) }),
    );
    const body = requestBody(orders);
    await withServer(async (server) => {
      const before = memory(server.pid);
      const r = await timedCall(server, body);
      let record = 'no record';
      const assertionId = (r.body?.systemActions ?? [])[0]?.resource?.extension?.at(-1)?.extension?.find((e: any) => e.url === 'coverage-assertion-id')?.valueString;
      if (assertionId) {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // the record is written after the answer
        for (let attempt = 0; attempt < 120; attempt++) {
          const probe = healthProbe(server.baseUrl);
          const started = performance.now();
          const res = await fetch(`${server.baseUrl}/decisions/${assertionId}`, { signal: AbortSignal.timeout(300_000) }).catch(() => undefined);
          const text = res ? await res.text() : '';
          const ms = performance.now() - started;
          const healthMs = await probe.stop();
          if (res?.status === 404) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
            continue;
          }
          const truncated = res?.status === 200 ? (JSON.parse(text) as { truncated?: unknown }).truncated : undefined;
          record = `record read back: ${res?.status ?? 'no answer'}, ${mb(Buffer.byteLength(text))} in ${seconds(ms)} (/health waited up to ${seconds(healthMs)})${truncated ? ', marked truncated' : ''}`;
          break;
        }
      }
      const after = memory(server.pid);
      line(
        `orders   ${n} in-scope orders (${mb(Buffer.byteLength(body))} body): answered in ${seconds(r.ms)} (${mb(r.bytes)}), /health waited up to ${seconds(r.healthMs)}; ${describe(r)}; ${record}; peak RSS +${mb(after.hwm - before.rss)}`,
      );
    });
  }
}

/** Orders named by reference, far past limits.maxOrderReferences: answered by the limit, not by a search per reference. */
async function references(): Promise<void> {
  const hookInstance = 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f';
  const dispatched = Array.from({ length: 200_000 }, (_, i) => `ServiceRequest/x${i}`);
  const dispatch = JSON.stringify({ hook: 'order-dispatch', hookInstance, context: { patientId: BENCH_PATIENT, dispatchedOrders: dispatched, performer: 'Organization/clinic' } });
  const appointment = {
    resourceType: 'Appointment',
    id: 'appt-1',
    status: 'proposed',
    start: daysBefore(-7),
    participant: [{ actor: { reference: `Patient/${BENCH_PATIENT}` }, status: 'accepted' }],
    basedOn: Array.from({ length: 50_000 }, (_, i) => ({ reference: `ServiceRequest/x${i}` })),
  };
  const others = Array.from({ length: 50_000 }, (_, i) => ({ resource: { resourceType: 'Basic', id: `b${i}` } }));
  const book = JSON.stringify({
    hook: 'appointment-book',
    hookInstance,
    context: { userId: 'Practitioner/dr-1', patientId: BENCH_PATIENT, appointments: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: appointment }, ...others] } },
  });
  const cases: Array<[string, string, string]> = [
    ['200,000 dispatched orders', '/cds-services/facet-joint-interventions-order-dispatch', dispatch],
    ['an Appointment based on 50,000 orders, 50,000 other entries', '/cds-services/facet-joint-interventions-appointment-book', book],
  ];
  for (const [what, hookPath, body] of cases) {
    await withServer(async (server) => {
      const r = await timedCall(server, body, hookPath);
      line(`references   ${what} (${mb(Buffer.byteLength(body))} body): answered in ${seconds(r.ms)}, /health waited up to ${seconds(r.healthMs)}; ${describe(r)}`);
    });
  }
}

/** Eight ~9.7 MB order-sign bodies at once: what the process holds (BODY_MAX_BYTES_IN_FLIGHT). */
async function bodies(): Promise<void> {
  const words = 'lumbar facet L4-L5 L5-S1 medial branch block radiofrequency ablation pain relief 80% function ODI physical therapy NSAID 6 weeks ';
  const long = (n: number) => words.repeat(Math.ceil(n / words.length)).slice(0, n);
  const orders = Array.from({ length: 50 }, (_, i) =>
    order(`big-${i}`, ['64493', '64494', '64635', '64636', '0216T'][i % 5]!, { patientId: BENCH_PATIENT, levels: ['L4-L5'], date: daysBefore(-7), note: [{ text: long(9000) }] }),
  );
  const padding: FhirResource[] = Array.from({ length: 500 }, (_, i) => ({
    resourceType: 'Condition',
    id: `pad-${i}`,
    subject: { reference: `Patient/${BENCH_PATIENT}` },
    code: { text: long(9000) },
    note: [{ text: long(9000) }],
  })) as FhirResource[];
  const body = requestBody(orders, [...base().resources, ...padding]);
  await withServer(async (server) => {
    const before = memory(server.pid);
    const probe = healthProbe(server.baseUrl);
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => postHook(server, body)));
    const healthMs = await probe.stop();
    const after = memory(server.pid);
    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    line(
      `bodies   8 calls at once, ${mb(Buffer.byteLength(body))} each: all answered in ${seconds(performance.now() - started)}, ${[...statuses].map(([s, n]) => `${n}× ${s}`).join(', ')}; /health waited up to ${seconds(healthMs)}; peak RSS ${mb(after.hwm)} (+${mb(after.hwm - before.rss)})`,
    );
  });
}

/** A FHIR server that answers every search with a valid Bundle of about `bytes`, and reads with the patient. */
async function bigBundleServer(bytes: number): Promise<{ baseUrl: string; sent(): number; close(): Promise<void> }> {
  const filler = 'x'.repeat(900);
  const entries: unknown[] = [];
  for (let i = 0; entries.length * 1000 < bytes; i++) {
    entries.push({ resource: { resourceType: 'Basic', id: `b-${i}`, subject: { reference: `Patient/${BENCH_PATIENT}` }, code: { text: filler } } });
  }
  const bundle = Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: entries }));
  const patient = Buffer.from(JSON.stringify({ resourceType: 'Patient', id: BENCH_PATIENT }));
  let sent = 0;
  const server = http.createServer((req, res) => {
    const body = /\/Patient\//.test(req.url ?? '') ? patient : bundle;
    res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': body.length });
    res.on('close', () => (sent += res.writableEnded ? body.length : 0));
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`,
    sent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function fhirBytes(): Promise<void> {
  // 10 MB answers (over the default FHIR_MAX_RESPONSE_BYTES of 8 MiB), then 5 MB ones (each within it: the
  // call's budget, FHIR_MAX_BYTES_PER_CALL, is what stops them).
  for (const size of [10, 5]) {
    const fhir = await bigBundleServer(size * 1024 * 1024);
    const orders = base().orders;
    const body = (i: number) => JSON.stringify(hookRequest({ orders, patientId: BENCH_PATIENT, fhirServer: fhir.baseUrl, hookInstance: `fhir-bytes-${i}` }));
    try {
      for (const parallel of [1, 3]) {
        await withServer(
          async (server) => {
            // Warm-up: one call fetching a small chart from a FHIR server (the code paths, sockets, the store),
            // then measure from the settled RSS.
            const small = await startFhirStub(base().resources, 0);
            try {
              await postHook(server, JSON.stringify(hookRequest({ orders, patientId: BENCH_PATIENT, fhirServer: small.baseUrl, hookInstance: 'warm-up' })));
            } finally {
              await small.close();
            }
            await new Promise((resolve) => setTimeout(resolve, 500));
            const before = memory(server.pid);
            const started = performance.now();
            const results = await Promise.all(Array.from({ length: parallel }, (_, i) => postHook(server, body(i))));
            const after = memory(server.pid);
            line(
              `fhir-bytes   ${parallel} call(s) at once, every search answered with a ${size} MB Bundle: answered in ${seconds(performance.now() - started)}; peak RSS +${mb(after.hwm - before.rss)} (from ${mb(before.rss)} to a peak of ${mb(after.hwm)}); ${results.map(describe).join(' | ').slice(0, 300)}`,
            );
          },
          { FHIR_TIMEOUT_MS: '60000' },
        );
      }
    } finally {
      await fhir.close();
    }
  }
}

/** Starts `node <server>` with stdout into `sink` (a pipe) and returns it with its output so far. */
function startEntry(env: Record<string, string>, stdout: 'pipe' | 'ignore' | NodeJS.WritableStream): ChildProcess {
  return spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', stdout as never, 'pipe'],
  });
}

async function waitForHealth(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server never answered /health');
}

async function sigterm(): Promise<void> {
  for (const reader of ['closed (| head -1)', 'stalled (a reader that stopped reading)'] as const) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-bounds-'));
    // head -1 exits after the first line (the pipe then closes); sleep never reads (the pipe fills up).
    const sink = spawn(reader.startsWith('closed') ? 'head' : 'sleep', reader.startsWith('closed') ? ['-1'] : ['600'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const port = await freePort();
    const child = startEntry({ PORT: String(port), DATA_DIR: dataDir }, sink.stdin!);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      await waitForHealth(port);
      // Enough request log lines to fill a 64 KiB pipe many times over.
      for (let i = 0; i < 1000; i++) await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.text()).catch(() => undefined);
      const started = performance.now();
      child.kill('SIGTERM');
      const outcome = await Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 40_000))]);
      const ms = performance.now() - started;
      const said = stderr.trim().split('\n')[0]?.slice(0, 120);
      line(
        `sigterm   log pipe ${reader}: ${outcome === 'running' ? `still running ${seconds(ms)} after SIGTERM (killed)` : `exited ${outcome.code ?? outcome.signal} ${seconds(ms)} after SIGTERM`}${said ? `; stderr: ${said}` : ''}`,
      );
    } finally {
      child.kill('SIGKILL');
      sink.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

/** Runs a command (mount, umount) as root; false when it cannot (not root, no mount rights). */
function run(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

async function dataDir(): Promise<void> {
  const cases: Array<[string, string]> = [
    ['/proc/facet-cds-data', 'a DATA_DIR that cannot be created (under /proc)'],
    [`${fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-bounds-'))}/file/data`, 'a DATA_DIR under a regular file'],
  ];
  fs.writeFileSync(path.dirname(cases[1]![0]), 'not a folder');
  // As root: a DATA_DIR holding a database, on a file system remounted read-only (SQLite opens it read-only).
  const readOnly = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-ro-'));
  const mounted = run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', readOnly]);
  if (mounted) {
    const seeded = startEntry({ PORT: '0', DATA_DIR: readOnly }, 'ignore');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    seeded.kill('SIGTERM');
    await new Promise((resolve) => seeded.once('exit', resolve));
    if (run('mount', ['-o', 'remount,ro', readOnly])) cases.push([readOnly, 'a DATA_DIR on a read-only file system, its database in it']);
  } else line('data-dir   read-only file system: skipped (mounting a tmpfs needs root)');
  try {
    for (const [dir, what] of cases) {
      const child = startEntry({ PORT: '0', DATA_DIR: dir }, 'pipe');
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout!.resume();
      const outcome = await Promise.race([
        new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
        new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 20_000)),
      ]);
      child.kill('SIGKILL');
      const lines = stderr.trim().split('\n').filter((l) => l.trim() !== '');
      line(`data-dir   ${what}: ${outcome === 'running' ? 'still running after 20 s' : `exit ${outcome}`}, ${lines.length} line(s) on stderr: ${lines[0]?.slice(0, 260) ?? '(none)'}`);
    }
  } finally {
    if (mounted) run('umount', [readOnly]);
    fs.rmSync(readOnly, { recursive: true, force: true });
  }
}

async function diskFull(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-full-'));
  if (!run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir])) {
    line('disk-full   skipped (mounting a tmpfs needs root)');
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = startEntry({ PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'warn' }, 'ignore');
  const filler = path.join(dir, 'filler');
  const status = async (pathname: string, init?: RequestInit) => {
    const res = await fetch(`${origin}${pathname}`, init).catch(() => undefined);
    const text = res ? await res.text() : '';
    return { status: res?.status ?? 0, text, retryAfter: res?.headers.get('retry-after') };
  };
  const ready = async () => {
    const r = await status('/ready');
    const said = r.status === 200 ? '' : `: ${String((JSON.parse(r.text || '{}') as { issue?: Array<{ diagnostics?: string }> }).issue?.[0]?.diagnostics ?? '').slice(0, 160)}`;
    return `${r.status}${said}`;
  };
  const metrics = async () => {
    const text = (await status('/metrics')).text;
    const pick = (pattern: RegExp) => text.match(pattern)?.[0] ?? '(absent)';
    return [
      pick(/^cds_audit_records_total\{result="lost"\} \d+/m),
      pick(/^cds_audit_records_total\{result="spooled"\} \d+/m),
      pick(/^cds_audit_unsaved_records \d+/m),
      pick(/^cds_store_writable \d+/m),
    ].join(', ');
  };
  const feedback = async () => {
    const r = await status('/cds-services/facet-joint-interventions/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feedback: [{ card: `card-${Date.now()}`, outcome: 'accepted', acceptedSuggestions: [{ id: 's-1' }], outcomeTimestamp: '2026-11-26T15:01:02Z' }] }),
    });
    return `${r.status}${r.retryAfter ? ` (Retry-After: ${r.retryAfter})` : ''}`;
  };
  try {
    await waitForHealth(port);
    line(`disk-full   before: /ready ${await ready()}; feedback ${await feedback()}`);
    // Fill the file system.
    try {
      const chunk = Buffer.alloc(16 * 1024, 1);
      const fd = fs.openSync(filler, 'w');
      try {
        for (;;) fs.writeSync(fd, chunk);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // ENOSPC: full
    }
    const calls: number[] = [];
    for (let i = 0; i < 5; i++) calls.push((await postHook({ baseUrl: origin } as ServerProcess, requestBody(base().orders))).status);
    await new Promise((resolve) => setTimeout(resolve, 4000)); // the record writes retry for about 1.3 s, then spool
    line(`disk-full   disk full: 5 hook calls answered ${calls.join(', ')}; /ready ${await ready()}; feedback ${await feedback()}; ${await metrics()}`);
    fs.rmSync(filler);
    line(`disk-full   room again: /ready ${await ready()}; feedback ${await feedback()}; ${await metrics()}`);
    // Stopped as an orchestrator would: records it still holds get their last chance.
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    const db = new Database(path.join(dir, 'facet-cds.sqlite'), { readonly: true });
    const { n } = db.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number };
    db.close();
    const spooled = fs.existsSync(path.join(dir, 'audit-spool.jsonl')) ? fs.readFileSync(path.join(dir, 'audit-spool.jsonl'), 'utf8').split('\n').filter(Boolean).length : 0;
    line(`disk-full   after SIGTERM: ${n} decision record(s) in the database, ${spooled} in the spool (5 calls were answered while the disk was full)`);
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    run('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const wanted = (id: string) => !options.only || options.only.includes(id);
  line(`bench:bounds on ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  if (wanted('order-text')) await orderText();
  if (wanted('procedure-text')) await procedureText();
  if (wanted('orders')) await manyOrders(options.orders);
  if (wanted('fhir-bytes')) await fhirBytes();
  if (wanted('references')) await references();
  if (wanted('bodies')) await bodies();
  if (wanted('sigterm')) await sigterm();
  if (wanted('data-dir')) await dataDir();
  if (wanted('disk-full')) await diskFull();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:bounds failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
