import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { BASELINE_PATH, HOOK_PATH, benchCases, fallbackBody, chartOf, type BenchCase } from './cases';
import { startFhirStub } from './fhir-stub';
import { median, pass, quantile, type Target } from './load';
import { startServer, type ServerProcess } from './server-process';
import { printReport, type CaseResult, type FallbackResult } from './report';

/**
 * `npm run bench`: the order-sign hook against the floor, on loopback.
 *
 * For each request (no facet order; the facet order on charts of ~50, 500 and 5,000 resources; the
 * bounded-work rows) the same body goes to three servers: the bare floor (bench/bare-server: node:http,
 * JSON.parse, a fixed card; its own process), the in-app baseline route (the hook route's own middleware and
 * the same fixed card) and the hook, the last two in the service's process. Per round: a throughput pass on
 * each (8 connections, the server saturated; the order rotates), with each server's CPU time per request
 * (process.cpuUsage), then a latency pass on each (1 connection: no request queues behind another, so
 * latency is service time; at least 100 answers per pass, 3× longer at 5,000 resources). Rounds make the
 * spread visible on a shared machine; `uptime` is printed before and after, the load average with each row.
 * Then the fallback: no prefetch, a FHIR stub answering each query after a fixed delay.
 *
 * Options: --quick (1 round of short passes), --rounds N, --seconds S (throughput pass), --only id,id,
 * --stub-delay MS, --server-flags "--max-semi-space-size=64" (V8 flags for both server processes),
 * --workers N (the service with WEB_CONCURRENCY=N).
 */

interface Options {
  rounds: number;
  throughputSeconds: number;
  latencySeconds: number;
  connections: number;
  only?: string[];
  stubDelayMs: number;
  serverFlags: string[];
  /** WEB_CONCURRENCY of the service under test (the bare floor is always one process). */
  workers: number;
  /** The 5,000-resource latency passes run this many times longer (one connection: a p99 needs samples). */
  largeLatencyFactor: number;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  // Five short rounds rather than three long ones: on a shared machine other work comes in bursts, and a
  // median over more back-to-back pairs holds better than longer passes.
  const seconds = Number(value('--seconds') ?? 2);
  return {
    rounds: Number(value('--rounds') ?? (quick ? 1 : 5)),
    throughputSeconds: seconds,
    latencySeconds: Math.max(1, Math.round(seconds / 2)),
    connections: 8,
    only: value('--only')?.split(','),
    stubDelayMs: Number(value('--stub-delay') ?? 50),
    serverFlags: (value('--server-flags') ?? '').split(' ').filter((f) => f.length > 0),
    workers: Number(value('--workers') ?? 1),
    largeLatencyFactor: quick ? 1 : 3,
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadBefore = os.loadavg();
  const started = Date.now();
  const cases = benchCases().filter((c) => !options.only || options.only.includes(c.id));
  const uptimeBefore = uptime();
  const server = await startServer(options.serverFlags, options.workers > 1 ? { WEB_CONCURRENCY: String(options.workers) } : {});
  const bare = await startServer(options.serverFlags, {}, 'bare-server');
  const results: CaseResult[] = [];
  let fallback: FallbackResult | undefined;
  try {
    for (const benchCase of cases) {
      process.stderr.write(`bench: ${benchCase.label}… (load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
      results.push(await measureCase({ app: server, bare }, benchCase, options));
    }
    if (!options.only || options.only.includes('fallback')) {
      process.stderr.write('bench: fallback (no prefetch, FHIR stub)…\n');
      fallback = await measureFallback(server, options);
    }
  } finally {
    await server.stop();
    await bare.stop();
  }
  printReport({
    results,
    fallback,
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadBefore,
      loadAfter: os.loadavg(),
      uptimeBefore,
      uptimeAfter: uptime(),
      seconds: Math.round((Date.now() - started) / 1000),
    },
    options,
  });
}

type Which = 'bare' | 'baseline' | 'hook';

async function measureCase(servers: Servers, benchCase: BenchCase, options: Options): Promise<CaseResult> {
  const loadBefore = os.loadavg();
  const targets: Record<Which, Target> = {
    bare: { url: `${servers.bare.baseUrl}/`, body: benchCase.body },
    baseline: { url: `${servers.app.baseUrl}${BASELINE_PATH}`, body: benchCase.body },
    hook: { url: `${servers.app.baseUrl}${HOOK_PATH}`, body: benchCase.body },
  };
  const processOf = (which: Which) => (which === 'bare' ? servers.bare : servers.app);
  await check(targets.hook, benchCase);

  // Warm-up (JIT, connection pools): not recorded.
  for (const which of WHICH) await pass(targets[which], options.connections, 1);

  const rps = { bare: [] as number[], baseline: [] as number[], hook: [] as number[] };
  const ratios = { hookToBare: [] as number[], baselineToBare: [] as number[], hookToBaseline: [] as number[] };
  const cpu = { bare: [] as number[], baseline: [] as number[], hook: [] as number[] };
  const latency = { bare: [] as number[], baseline: [] as number[], hook: [] as number[] };
  const hookP99: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // Each round in another order, so that a burst of other work does not always land on the same server.
    const order = ORDERS[round % ORDERS.length]!;
    const measured = {} as Record<Which, number>;
    for (const which of order) {
      // The server's CPU time per request: less sensitive than req/s to what else the machine runs.
      const server = processOf(which);
      const cpuBefore = await server.cpuMs();
      const result = await pass(targets[which], options.connections, options.throughputSeconds);
      cpu[which].push(((await server.cpuMs()) - cpuBefore) / result.responses);
      measured[which] = result.rps;
      rps[which].push(result.rps);
    }
    ratios.hookToBare.push(measured.hook / measured.bare);
    ratios.baselineToBare.push(measured.baseline / measured.bare);
    ratios.hookToBaseline.push(measured.hook / measured.baseline);
    for (const which of order) {
      const latencies = await latencyPass(targets[which], options.latencySeconds * (benchCase.resources >= 5000 ? options.largeLatencyFactor : 1));
      latency[which].push(...latencies);
      if (which === 'hook') hookP99.push(quantile(latencies, 0.99));
    }
  }
  const summary = (which: Which) => ({
    rps: median(rps[which]),
    cpuMs: median(cpu[which]),
    latency: { p50: quantile(latency[which], 0.5), p99: quantile(latency[which], 0.99), samples: latency[which].length },
  });
  const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  return {
    id: benchCase.id,
    label: benchCase.label,
    resources: benchCase.resources,
    bodyBytes: Buffer.byteLength(benchCase.body),
    bare: summary('bare'),
    baseline: summary('baseline'),
    hook: summary('hook'),
    hookToBare: median(ratios.hookToBare),
    hookToBareRange: range(ratios.hookToBare),
    baselineToBare: median(ratios.baselineToBare),
    hookToBaseline: median(ratios.hookToBaseline),
    hookP99Range: range(hookP99),
    rssBytes: await servers.app.rss(),
    load: { before: loadBefore, after: os.loadavg() },
  };
}

const WHICH: Which[] = ['bare', 'baseline', 'hook'];
/** Rotations of the three servers: each goes first, second and last as often. */
const ORDERS: Which[][] = [
  ['bare', 'baseline', 'hook'],
  ['hook', 'bare', 'baseline'],
  ['baseline', 'hook', 'bare'],
];

interface Servers {
  /** The service (hook and in-app baseline routes). */
  app: ServerProcess;
  /** The bare node:http + JSON.parse floor. */
  bare: ServerProcess;
}

/** One request at a time for `seconds`, extended (up to 10 s) until at least 100 answers: a p99 needs samples. */
async function latencyPass(target: Target, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let spent = 0; spent === 0 || (latencies.length < MIN_LATENCY_SAMPLES && spent < 10); spent += seconds) {
    latencies.push(...(await pass(target, 1, seconds)).latencies);
  }
  return latencies;
}

const MIN_LATENCY_SAMPLES = 100;

async function measureFallback(server: ServerProcess, options: Options): Promise<FallbackResult> {
  const chart = chartOf(50);
  const stub = await startFhirStub(chart.resources, options.stubDelayMs);
  try {
    const target: Target = { url: `${server.baseUrl}${HOOK_PATH}`, body: fallbackBody(stub.baseUrl) };
    await check(target, { label: 'fallback', check: (r) => (r.cards[0]?.summary.startsWith('Meets policy') ? undefined : `got "${r.cards[0]?.summary}"`) });
    await pass(target, 1, 1); // warm-up
    await new Promise((resolve) => setTimeout(resolve, 500)); // the call autocannon abandoned at the end still runs: let it finish
    stub.resetStats();
    const { latencies, responses } = await pass(target, 1, Math.max(3, options.latencySeconds * options.rounds));
    const { requests, maxInFlight } = stub.stats();
    return {
      delayMs: options.stubDelayMs,
      resources: chart.resources.length,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      samples: latencies.length,
      queriesPerCall: requests / responses,
      maxInFlight,
    };
  } finally {
    await stub.close();
  }
}

/** One request first: the hook must answer 200 with the expected decision, or the numbers mean nothing. */
async function check(target: Target, benchCase: Pick<BenchCase, 'label' | 'check'>): Promise<void> {
  const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${benchCase.label}: the hook answered ${response.status}: ${text.slice(0, 300)}`);
  const problem = benchCase.check(JSON.parse(text) as Parameters<BenchCase['check']>[0]);
  if (problem) throw new Error(`${benchCase.label}: ${problem}`);
}

/** `uptime`'s line (load averages over 1, 5 and 15 minutes), recorded with every run: the machine is shared. */
function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
