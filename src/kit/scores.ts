import type { Evidence } from '../decision/types';
import type { Chart, ChartObservation } from './chart/model';
import { instantOf } from './dates';
import type { ValueSets } from './types';

/**
 * Pain scores and functional scales read from the chart's observations. The score lists are derived once
 * per request (the chart's memo) and shared: relief is computed for every prior session and several
 * criteria read the same lists, each a filter and a sort over all the chart's observations. Shared lists
 * are read-only (callers filter them into new arrays).
 */

/** A functional scale a policy reads (thresholds.json): its value set, direction, threshold and MCID. */
export interface FunctionalScale {
  valueSet: string;
  label: string;
  higherIsWorse: boolean;
  /** The score at which pain interferes with ADLs (at or above, or at or below when higher is better). */
  interferesAt: number;
  unit: string;
  /** The spinal region the scale measures (Oswestry low back, NDI neck), or `any` for a region-neutral scale. */
  region: string;
  /** Minimal clinically important difference, in the scale's points: a smaller change is not improvement. */
  mcid: number;
  /** Where the MCID comes from. */
  mcidSource: string;
}

/** Chart observations sorted by time, filtered to a value set, with a numeric value. */
export function scoresIn(chart: Chart, vs: ValueSets, valueSet: string): readonly ChartObservation[] {
  return chart.memo.once(`scores:${valueSet}`, () => {
    const matcher = vs[valueSet]!;
    return sortByTime(chart.observations.filter((o) => o.value !== undefined && o.date !== undefined && o.codings.some((c) => matcher.matchesCoding(c))), (o) => o);
  });
}

export function painScores(chart: Chart, vs: ValueSets): readonly ChartObservation[] {
  return chart.memo.once('scores:pain', () => scoresIn(chart, vs, 'painScores').filter((o) => o.value! >= 0 && o.value! <= 10));
}

/** An observation's time: its instant when charted with a time of day, else its date's midnight UTC. */
function timeOf(o: ChartObservation): number {
  return instantOf(o.effective) ?? Date.parse(o.date!);
}

export function byTime(a: ChartObservation, b: ChartObservation): number {
  return timeOf(a) - timeOf(b);
}

/** A stable sort by time that reads each item's time once (byTime in a comparator parses it ~2 log n times). */
function sortByTime<T>(list: T[], observation: (item: T) => ChartObservation): T[] {
  const keyed = list.map((item) => ({ item, time: timeOf(observation(item)) }));
  keyed.sort((a, b) => a.time - b.time);
  return keyed.map((k) => k.item);
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

export function functionalScores(chart: Chart, scales: FunctionalScale[], vs: ValueSets): ReadonlyArray<{ obs: ChartObservation; scale: FunctionalScale }> {
  type Scored = { obs: ChartObservation; scale: FunctionalScale };
  return chart.memo.of('scores:functional', scales, () =>
    sortByTime(
      chart.observations
        .filter((o) => o.value !== undefined && o.date !== undefined)
        .map((obs) => ({ obs, scale: scaleOf(obs, scales, vs) }))
        .filter((s): s is Scored => s.scale !== undefined),
      (s) => s.obs,
    ),
  );
}

/** Whether a scale measures the order's region: Oswestry the low back, NDI the neck; PROMIS, BPI and PEG either. */
export function scaleFits(scale: FunctionalScale, region: string | undefined): boolean {
  return scale.region === 'any' || region === undefined || scale.region === region;
}

/** Improvement on a scale in its own points (positive = better). */
export function improvementPoints(scale: FunctionalScale, before: number, after: number): number {
  return scale.higherIsWorse ? before - after : after - before;
}

/** Relative improvement on a scale, as a percentage of the baseline (positive = better). */
export function improvementPercent(scale: FunctionalScale, before: number, after: number): number | undefined {
  if (before === 0) return undefined;
  return ((scale.higherIsWorse ? before - after : after - before) / Math.abs(before)) * 100;
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
