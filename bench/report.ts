export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

export interface CaseResult {
  id: string;
  label: string;
  resources: number;
  bodyBytes: number;
  hookRps: number;
  baselineRps: number;
  /** Median over rounds of hook/baseline throughput measured back to back. */
  ratio: number;
  ratioRange: [number, number];
  /** Server CPU time (all threads) per request during the throughput passes, median over rounds. */
  hookCpuMs: number;
  baselineCpuMs: number;
  hookLatency: Latency;
  baselineLatency: Latency;
  hookP99Range: [number, number];
  rssBytes: number;
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
  seconds: number;
}

interface Report {
  results: CaseResult[];
  fallback?: FallbackResult;
  machine: Machine;
  options: { rounds: number; throughputSeconds: number; latencySeconds: number; connections: number; serverFlags: string[] };
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`);
const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

/** Prints the table (Markdown, so it can go into docs/performance.md as is) and the targets, met or not. */
export function printReport({ results, fallback, machine, options }: Report): void {
  const out: string[] = [];
  out.push(
    `Machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}${options.serverFlags.length ? `, server flags ${options.serverFlags.join(' ')}` : ''}; load average before ${load(machine.loadBefore)}, after ${load(machine.loadAfter)}; ${machine.seconds} s.`,
  );
  out.push(
    `Method: per round, a ${options.throughputSeconds} s throughput pass at ${options.connections} connections on baseline and hook back to back, then a ${options.latencySeconds} s latency pass at 1 connection on each; ${options.rounds} round(s); medians (ratio range over rounds).`,
  );
  out.push('');
  out.push('| request | body | baseline req/s | hook req/s | hook/baseline | CPU ms/req baseline / hook | baseline p50 / p99 ms | hook p50 / p99 ms | server RSS |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const range = r.ratioRange[0] === r.ratioRange[1] ? '' : ` (${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)})`;
    out.push(
      `| ${r.label} | ${kb(r.bodyBytes)} | ${int(r.baselineRps)} | ${int(r.hookRps)} | ${r.ratio.toFixed(2)}${range} | ${ms(r.baselineCpuMs)} / ${ms(r.hookCpuMs)} | ${ms(r.baselineLatency.p50)} / ${ms(r.baselineLatency.p99)} | ${ms(r.hookLatency.p50)} / ${ms(r.hookLatency.p99)} | ${Math.round(r.rssBytes / 1024 / 1024)} MB |`,
    );
  }
  if (fallback) {
    out.push('');
    out.push(
      `Fallback (no prefetch, ${fallback.resources}-resource chart on a FHIR stub answering each query after ${fallback.delayMs} ms): p50 ${ms(fallback.p50)} ms, p99 ${ms(fallback.p99)} ms over ${fallback.samples} calls; ${Math.round(fallback.queriesPerCall)} FHIR queries per call, up to ${fallback.maxInFlight} in flight at once.`,
    );
  }
  out.push('');
  out.push('Targets:');
  for (const line of targets(results, fallback)) out.push(`- ${line}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function targets(results: CaseResult[], fallback: FallbackResult | undefined): string[] {
  const lines: string[] = [];
  const mark = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const r of results.filter((x) => x.id.startsWith('no-facet'))) {
    lines.push(`${mark(r.ratio >= 0.9)}: ${r.label} at ${Math.round(r.ratio * 100)}% of baseline throughput (target ≥ 90%)`);
  }
  const mid = byId.get('facet-500');
  if (mid) lines.push(`${mark(mid.ratio >= 0.5)}: ${mid.label} at ${Math.round(mid.ratio * 100)}% of baseline throughput (target ≥ 50%)`);
  const big = byId.get('facet-5000');
  if (big) lines.push(`${mark(big.hookLatency.p99 < 50)}: ${big.label}, hook p99 ${ms(big.hookLatency.p99)} ms (target < 50 ms)`);
  if (mid && big) {
    // Cost = server CPU per request at saturation. The hook's own cost is what it adds to the baseline (the
    // same body parsed and answered); the baseline's own growth is shown, as it is not the hook's doing.
    const size = big.resources / mid.resources;
    const own = (big.hookCpuMs - big.baselineCpuMs) / (mid.hookCpuMs - mid.baselineCpuMs);
    const total = big.hookCpuMs / mid.hookCpuMs;
    const floor = big.baselineCpuMs / mid.baselineCpuMs;
    lines.push(
      `${mark(own <= size)}: the hook's own CPU per request grows ${own.toFixed(1)}× for ${size.toFixed(1)}× the resources, 500 → 5,000 (target: no worse than linear; in all ${total.toFixed(1)}×, the baseline's own ${floor.toFixed(1)}×)`,
    );
  }
  if (fallback) {
    // The question is whether the queries run in parallel (in sequence the call would take ~12 × the delay):
    // judged on the median; the p99 is shown beside it.
    const bound = 1.3 * fallback.delayMs + 10;
    lines.push(
      `${mark(fallback.p50 <= bound)}: fallback p50 ${ms(fallback.p50)} ms against a ${fallback.delayMs} ms stub (target ≤ ${bound} ms; p99 ${ms(fallback.p99)} ms, ${fallback.p99 <= bound ? 'also within' : 'over'})`,
    );
  }
  return lines;
}
