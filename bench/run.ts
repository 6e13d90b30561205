import os from 'node:os';
import { BASELINE_PATH, HOOK_PATH, benchCases, fallbackBody, chartOf, type BenchCase } from './cases';
import { startFhirStub } from './fhir-stub';
import { median, pass, quantile, type Target } from './load';
import { startServer, type ServerProcess } from './server-process';
import { printReport, type CaseResult, type FallbackResult } from './report';

/**
 * `npm run bench`: the order-sign hook against the floor of its own server stack, on loopback.
 *
 * For each request (no facet order; the facet order on charts of ~50, 500 and 5,000 resources) the same
 * body goes to the hook and to the baseline route (same middleware, fixed card) in the same server
 * process. Per round: a throughput pass on each (8 connections, the server saturated), alternating which
 * goes first, then a latency pass on each (1 connection: no request queues behind another, so latency is
 * service time; at least 100 answers per pass). Rounds make the spread visible on a shared machine. Then the fallback: no prefetch, a
 * FHIR stub answering each query after a fixed delay.
 *
 * Options: --quick (1 round of short passes), --rounds N, --seconds S (throughput pass), --only id,id,
 * --stub-delay MS, --server-flags "--max-semi-space-size=64" (V8 flags for the server process).
 */

interface Options {
  rounds: number;
  throughputSeconds: number;
  latencySeconds: number;
  connections: number;
  only?: string[];
  stubDelayMs: number;
  serverFlags: string[];
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
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadBefore = os.loadavg();
  const started = Date.now();
  const cases = benchCases().filter((c) => !options.only || options.only.includes(c.id));
  const server = await startServer(options.serverFlags);
  const results: CaseResult[] = [];
  let fallback: FallbackResult | undefined;
  try {
    for (const benchCase of cases) {
      process.stderr.write(`bench: ${benchCase.label}…\n`);
      results.push(await measureCase(server, benchCase, options));
    }
    if (!options.only || options.only.includes('fallback')) {
      process.stderr.write('bench: fallback (no prefetch, FHIR stub)…\n');
      fallback = await measureFallback(server, options);
    }
  } finally {
    await server.stop();
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
      seconds: Math.round((Date.now() - started) / 1000),
    },
    options,
  });
}

async function measureCase(server: ServerProcess, benchCase: BenchCase, options: Options): Promise<CaseResult> {
  const hook: Target = { url: `${server.baseUrl}${HOOK_PATH}`, body: benchCase.body };
  const baseline: Target = { url: `${server.baseUrl}${BASELINE_PATH}`, body: benchCase.body };
  await check(hook, benchCase);

  // Warm-up (JIT, connection pools): not recorded.
  await pass(hook, options.connections, 1);
  await pass(baseline, options.connections, 1);

  const rps = { hook: [] as number[], baseline: [] as number[], ratio: [] as number[] };
  const cpu = { hook: [] as number[], baseline: [] as number[] };
  const latency = { hook: [] as number[], baseline: [] as number[], hookP99: [] as number[] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['baseline', 'hook'] as const) : (['hook', 'baseline'] as const);
    const measured: Record<string, number> = {};
    for (const which of order) {
      // The server's CPU time per request: less sensitive than req/s to what else the machine runs.
      const cpuBefore = await server.cpuMs();
      const result = await pass(which === 'hook' ? hook : baseline, options.connections, options.throughputSeconds);
      cpu[which].push(((await server.cpuMs()) - cpuBefore) / result.responses);
      measured[which] = result.rps;
    }
    rps.hook.push(measured.hook!);
    rps.baseline.push(measured.baseline!);
    rps.ratio.push(measured.hook! / measured.baseline!);
    for (const which of order) {
      const latencies = await latencyPass(which === 'hook' ? hook : baseline, options.latencySeconds);
      latency[which].push(...latencies);
      if (which === 'hook') latency.hookP99.push(quantile(latencies, 0.99));
    }
  }
  return {
    id: benchCase.id,
    label: benchCase.label,
    resources: benchCase.resources,
    bodyBytes: Buffer.byteLength(benchCase.body),
    hookRps: median(rps.hook),
    baselineRps: median(rps.baseline),
    ratio: median(rps.ratio),
    ratioRange: [Math.min(...rps.ratio), Math.max(...rps.ratio)],
    hookCpuMs: median(cpu.hook),
    baselineCpuMs: median(cpu.baseline),
    hookLatency: { p50: quantile(latency.hook, 0.5), p99: quantile(latency.hook, 0.99), samples: latency.hook.length },
    baselineLatency: { p50: quantile(latency.baseline, 0.5), p99: quantile(latency.baseline, 0.99), samples: latency.baseline.length },
    hookP99Range: [Math.min(...latency.hookP99), Math.max(...latency.hookP99)],
    rssBytes: await server.rss(),
  };
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

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
