import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import pino from 'pino';
import { loadConfig, parseBytes } from '../src/config';
import { JsonOutline, JsonShapeScanner, requestBodyLimits } from '../src/http/json-limits';
import { parseJsonPieces } from '../src/http/json-pieces';
import { handleHookCall } from '../src/cds/hook-handler';
import { createLogger } from '../src/logging';
import { createRuntime } from '../src/runtime';
import { BENCH_TODAY } from './chart';
import { SERVICE_ID, benchCases } from './cases';
import { printSummary } from './profile-summary';

/**
 * `npm run bench:micro -- [--profile] [case…]`: the hook's own work, in process, without HTTP: JSON.parse
 * of the body (what the baseline also pays), then handleHookCall with the decision record written to
 * SQLite. CPU time per call, best of several batches: contention from other processes only ever adds
 * time, so the minimum is the stable figure to compare before and after a change on a shared machine.
 * With --profile, the hook batches (not the parse ones) run under the V8 sampling profiler and the
 * summary is printed; the profile is kept in the temp folder for DevTools or speedscope.
 * With --calls N, it makes exactly N hook calls per case (with --read floor|service, N body reads instead:
 * the floor's concat + decode + JSON.parse, or the service's one pass) and prints nothing: for instruction counts that
 * do not depend on the machine's load, run it under `valgrind --tool=callgrind` with two values of N
 * and divide the difference in instructions by the difference in calls (docs/performance.md).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const profile = args.includes('--profile');
  const callsAt = args.indexOf('--calls');
  const calls = callsAt >= 0 ? Number(args[callsAt + 1]) : undefined;
  const readAt = args.indexOf('--read');
  const read = readAt >= 0 ? args[readAt + 1] : undefined;
  const wanted = args.filter((a, i) => !a.startsWith('--') && (callsAt < 0 || i !== callsAt + 1) && (readAt < 0 || i !== readAt + 1));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-micro-'));
  const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'info' });
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: true }));
  const runtime = await createRuntime(config, { logger, clock: () => new Date(`${BENCH_TODAY}T15:00:00Z`) });
  const { deps } = runtime;
  const service = deps.services.find((s) => s.id === SERVICE_ID)!;
  const limits = requestBodyLimits(parseBytes(config.bodyLimit));
  const hookDeps = { config, fhirClient: deps.fhirClient, logger, metrics: deps.metrics, decisionLog: deps.decisionLog, clock: deps.clock!, newId: () => crypto.randomUUID() };

  for (const benchCase of benchCases().filter((c) => wanted.length === 0 || wanted.includes(c.id))) {
    if (calls !== undefined && read !== undefined) {
      // --read floor|service: only the body read (64 kB chunks), N times: the floor's, or the service's one pass.
      const bytes = Buffer.from(benchCase.body);
      const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
      for (let i = 0; i < calls; i++) {
        if (read === 'floor') JSON.parse(Buffer.concat(chunks).toString('utf8'));
        else readBodyOnce(chunks, limits);
      }
      continue;
    }
    if (calls !== undefined) {
      for (let i = 0; i < calls; i++) {
        await handleHookCall(service, JSON.parse(benchCase.body), { baseUrl: 'http://localhost' }, hookDeps);
        await deps.decisionLog.flush();
      }
      continue;
    }
    const budgetMs = 300; // per batch
    const parse = await best(() => JSON.parse(benchCase.body), budgetMs);
    // The body as it arrives (64 kB chunks): the floor's concat + decode + JSON.parse, and the service's one pass (json-body).
    const bytes = Buffer.from(benchCase.body);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
    const floorRead = await best(() => JSON.parse(Buffer.concat(chunks).toString('utf8')), budgetMs);
    const serviceRead = await best(() => readBodyOnce(chunks, limits), budgetMs);
    const profiler = profile ? await startProfiler() : undefined;
    const hook = await best(async () => {
      await handleHookCall(service, JSON.parse(benchCase.body), { baseUrl: 'http://localhost' }, hookDeps);
      await deps.decisionLog.flush();
    }, budgetMs);
    if (profiler) {
      const file = path.join(os.tmpdir(), `facet-cds-micro-${benchCase.id}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(await profiler.stop()));
      printSummary(file, 30);
    }
    process.stdout.write(
      `${benchCase.id.padEnd(14)} body: floor ${fmt(floorRead)}, service ${fmt(serviceRead)}; parse ${fmt(parse)}  parse+hook ${fmt(hook)}  hook alone ${fmt(hook - parse)}  (CPU per call, best of 7 batches)\n`,
    );
  }
  await runtime.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** What json-body does with the chunks of a body: the shape scan with its outline as they arrive, then one join, decoded and parsed in pieces. */
function readBodyOnce(chunks: Buffer[], shape: { maxDepth: number; maxMembers: number }): unknown {
  const outline = new JsonOutline(4);
  const scanner = new JsonShapeScanner(shape, outline);
  for (const chunk of chunks) scanner.feed(chunk);
  return parseJsonPieces(Buffer.concat(chunks), 0, outline);
}

async function startProfiler(): Promise<{ stop(): Promise<object> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/** CPU µs per call: batches of calls lasting about `budgetMs`, the best of seven. */
async function best(fn: () => unknown, budgetMs: number): Promise<number> {
  const results: number[] = [];
  let calls = 1;
  for (let batch = 0; batch < 8; batch++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) await fn();
    const used = process.cpuUsage(start);
    const us = used.user + used.system;
    if (batch > 0) results.push(us / calls); // the first batch is the warm-up and sizes the rest
    calls = Math.max(1, Math.round((budgetMs * 1000) / Math.max(1, us / calls)));
  }
  return Math.min(...results);
}

function fmt(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${Math.round(us)} µs`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
