import type { Evidence } from '../../../src/decision/types';
import { instantOf } from './dates';
import type { Chart, ChartObservation, FunctionalScale, ValueSets } from './types';

/** Chart observations sorted by time, filtered to a value set, with a numeric value. */
export function scoresIn(chart: Chart, vs: ValueSets, valueSet: string): ChartObservation[] {
  const matcher = vs[valueSet]!;
  return chart.observations
    .filter((o) => o.value !== undefined && o.date !== undefined && o.codings.some((c) => matcher.matchesCoding(c)))
    .sort(byTime);
}

export function painScores(chart: Chart, vs: ValueSets): ChartObservation[] {
  return scoresIn(chart, vs, 'painScores').filter((o) => o.value! >= 0 && o.value! <= 10);
}

export function byTime(a: ChartObservation, b: ChartObservation): number {
  const ta = instantOf(a.effective) ?? Date.parse(a.date!);
  const tb = instantOf(b.effective) ?? Date.parse(b.date!);
  return ta - tb;
}

export function codeOf(o: ChartObservation): string {
  return `${o.codings[0]?.system}|${o.codings[0]?.code}`;
}

export function scoreEvidence(o: ChartObservation, label = 'pain'): Evidence {
  return { text: `${label} ${o.value}${o.unit && o.unit !== '{score}' ? ` ${o.unit}` : ''} on ${o.effective ?? o.date}`, reference: o.ref };
}

/** The functional scale (from thresholds) an observation belongs to, if any. */
export function scaleOf(o: ChartObservation, scales: FunctionalScale[], vs: ValueSets): FunctionalScale | undefined {
  return scales.find((s) => o.codings.some((c) => vs[s.valueSet]!.matchesCoding(c)));
}

export function functionalScores(chart: Chart, scales: FunctionalScale[], vs: ValueSets): Array<{ obs: ChartObservation; scale: FunctionalScale }> {
  return chart.observations
    .filter((o) => o.value !== undefined && o.date !== undefined)
    .map((obs) => ({ obs, scale: scaleOf(obs, scales, vs) }))
    .filter((s): s is { obs: ChartObservation; scale: FunctionalScale } => s.scale !== undefined)
    .sort((a, b) => byTime(a.obs, b.obs));
}

/** Relative improvement on a scale, as a percentage of the baseline (positive = better). */
export function improvementPercent(scale: FunctionalScale, before: number, after: number): number | undefined {
  if (before === 0) return undefined;
  return ((scale.higherIsWorse ? before - after : after - before) / Math.abs(before)) * 100;
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
