export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/** One server's figures on one request: medians over rounds. */
export interface ServerFigures {
  rps: number;
  /** Server CPU time (all threads) per request during the throughput passes. */
  cpuMs: number;
  /** Service time at one connection. */
  latency: Latency;
}

export interface CaseResult {
  id: string;
  label: string;
  resources: number;
  bodyBytes: number;
  /** The bare node:http + JSON.parse floor (its own process). */
  bare: ServerFigures;
  /** The in-app baseline route: the hook route's middleware and a fixed card. */
  baseline: ServerFigures;
  hook: ServerFigures;
  /** Medians over rounds of throughput ratios measured back to back. */
  hookToBare: number;
  hookToBareRange: [number, number];
  baselineToBare: number;
  hookToBaseline: number;
  hookP99Range: [number, number];
  rssBytes: number;
  /** Load averages (1, 5, 15 min) before and after this row. */
  load: { before: number[]; after: number[] };
}

export interface FallbackResult {
  delayMs: number;
  resources: number;
  p50: number;
  p99: number;
  samples: number;
  queriesPerCall: number;
  maxInFlight: number;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  loadBefore: number[];
  loadAfter: number[];
  uptimeBefore: string;
  uptimeAfter: string;
  seconds: number;
}

interface Report {
  results: CaseResult[];
  fallback?: FallbackResult;
  machine: Machine;
  options: { rounds: number; throughputSeconds: number; latencySeconds: number; connections: number; serverFlags: string[]; workers: number };
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`);
const ratio = (value: number) => value.toFixed(2);

/**
 * Prints the tables (Markdown, so they can go into docs/performance.md as they are) and the targets, met or
 * not. Ratios are to the bare node:http floor: throughput (higher is better, 1.00 is the floor) and CPU
 * (floor CPU per request / server CPU per request: the share of the server's work that the floor would do).
 */
export function printReport({ results, fallback, machine, options }: Report): void {
  const out: string[] = [];
  out.push(
    `Machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}${options.serverFlags.length ? `, server flags ${options.serverFlags.join(' ')}` : ''}${options.workers > 1 ? `, WEB_CONCURRENCY=${options.workers}` : ''}; ${machine.seconds} s.`,
  );
  out.push(`uptime before: ${machine.uptimeBefore}`);
  out.push(`uptime after:  ${machine.uptimeAfter}`);
  out.push(
    `Method: per round, a ${options.throughputSeconds} s throughput pass at ${options.connections} connections on the bare floor, the in-app baseline and the hook back to back (rotating which goes first), then a ${options.latencySeconds} s latency pass at 1 connection on each (3× longer at 5,000 resources); ${options.rounds} round(s); medians (range over rounds in brackets).`,
  );
  out.push('');
  out.push('Against the floor (bare = a node:http server that reads the body, JSON.parse()s it and answers the same fixed card):');
  out.push('');
  out.push('| request | body | req/s bare / baseline / hook | baseline/bare req/s | hook/bare req/s | CPU ms/req bare / baseline / hook | bare/hook CPU | hook − baseline CPU ms | load 1 min |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const range = r.hookToBareRange[0] === r.hookToBareRange[1] ? '' : ` (${ratio(r.hookToBareRange[0])}–${ratio(r.hookToBareRange[1])})`;
    out.push(
      `| ${r.label} | ${kb(r.bodyBytes)} | ${int(r.bare.rps)} / ${int(r.baseline.rps)} / ${int(r.hook.rps)} | ${ratio(r.baselineToBare)} | ${ratio(r.hookToBare)}${range} | ${ms(r.bare.cpuMs)} / ${ms(r.baseline.cpuMs)} / ${ms(r.hook.cpuMs)} | ${ratio(r.bare.cpuMs / r.hook.cpuMs)} | ${ms(r.hook.cpuMs - r.baseline.cpuMs)} | ${r.load.before[0]!.toFixed(1)} → ${r.load.after[0]!.toFixed(1)} |`,
    );
  }
  out.push('');
  out.push('Latency at 1 connection (service time) and memory:');
  out.push('');
  out.push('| request | bare p50 / p99 ms | baseline p50 / p99 ms | hook p50 / p99 ms (p99 range over rounds) | samples (hook) | service RSS |');
  out.push('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    out.push(
      `| ${r.label} | ${ms(r.bare.latency.p50)} / ${ms(r.bare.latency.p99)} | ${ms(r.baseline.latency.p50)} / ${ms(r.baseline.latency.p99)} | ${ms(r.hook.latency.p50)} / ${ms(r.hook.latency.p99)} (${ms(r.hookP99Range[0])}–${ms(r.hookP99Range[1])}) | ${r.hook.latency.samples} | ${Math.round(r.rssBytes / 1024 / 1024)} MB |`,
    );
  }
  if (fallback) {
    out.push('');
    out.push(
      `Fallback (no prefetch, ${fallback.resources}-resource chart on a FHIR stub answering each query after ${fallback.delayMs} ms): p50 ${ms(fallback.p50)} ms, p99 ${ms(fallback.p99)} ms over ${fallback.samples} calls; ${Math.round(fallback.queriesPerCall)} FHIR queries per call, up to ${fallback.maxInFlight} in flight at once.`,
    );
  }
  out.push('');
  out.push('Targets (issue 15; meant for a quiet machine, single process):');
  for (const line of targets(results, fallback)) out.push(`- ${line}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function targets(results: CaseResult[], fallback: FallbackResult | undefined): string[] {
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const r of results.filter((x) => x.id.startsWith('no-facet'))) {
    const cpu = r.bare.cpuMs / r.hook.cpuMs;
    lines.push(`${mark(cpu >= 0.9)}: ${r.label}: bare/hook CPU per request ${ratio(cpu)}, throughput ${ratio(r.hookToBare)} of bare (target ≥ 0.9)`);
  }
  const mid = byId.get('facet-500');
  if (mid) {
    const cpu = mid.bare.cpuMs / mid.hook.cpuMs;
    lines.push(`${mark(cpu >= 0.5)}: ${mid.label}: bare/hook CPU per request ${ratio(cpu)}, throughput ${ratio(mid.hookToBare)} of bare (target ≥ 0.5)`);
  }
  const big = byId.get('facet-5000');
  if (big) lines.push(`${mark(big.hook.latency.p99 < 50)}: ${big.label}, one connection: hook p99 ${ms(big.hook.latency.p99)} ms (target < 50 ms; bare floor p99 ${ms(big.bare.latency.p99)} ms)`);
  if (mid && big) {
    // The hook's own cost is what it adds to the baseline (the same body read and parsed in the same server).
    const size = big.resources / mid.resources;
    const own = (big.hook.cpuMs - big.baseline.cpuMs) / (mid.hook.cpuMs - mid.baseline.cpuMs);
    lines.push(`${mark(own <= size)}: the hook's own CPU per request grows ${own.toFixed(1)}× for ${size.toFixed(1)}× the resources, 500 → 5,000 (target: no worse than linear)`);
  }
  if (fallback) {
    // The question is whether the queries run in parallel (in sequence the call would take ~12 × the delay).
    const bound = 1.3 * fallback.delayMs + 10;
    lines.push(
      `${mark(fallback.p50 <= bound)}: fallback p50 ${ms(fallback.p50)} ms against a ${fallback.delayMs} ms stub (target ≤ ${bound} ms; p99 ${ms(fallback.p99)} ms, ${fallback.p99 <= bound ? 'also within' : 'over'})`,
    );
  }
  return lines;
}
