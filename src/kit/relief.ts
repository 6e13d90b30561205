import type { Evidence } from '../decision/types';
import type { Chart, ChartObservation } from './chart/model';
import { addMonths, daysBetween, instantOf } from './dates';
import { codeOf, functionalScores, improvementPercent, improvementPoints, painScores, round, scaleFits, scoreEvidence, scoresIn, type FunctionalScale } from './scores';
import { afterProcedure, beforeProcedure, type ProcedureTime } from './timeline';
import type { ValueSets } from './types';

/** An earlier procedure relief is read after: its records ("Procedure/id"), when, and how the card names it. */
export interface TreatedSession extends ProcedureTime {
  refs: string[];
  label: string;
}

/** The numbers relief is read with (thresholds.json). */
export interface ReliefSettings {
  /** Hours after a block in which a post-block pain score counts, when scores are not linked to it. */
  postBlockWindowHours: number;
  /** How far before a procedure a baseline pain score may be. */
  baselineLookbackDays: number;
  functionalScales: FunctionalScale[];
}

export interface Relief {
  percent?: number;
  evidence: Evidence[];
  /** Why relief could not be computed (for not-documented results). */
  problem?: string;
}

/**
 * Pain relief after a block: an explicit percent-relief Observation linked by partOf; else 0-10 scores
 * linked by partOf (the last before the block, the lowest after it); else, when the block's time is
 * charted, the last score before it that day and the lowest within the post-block window.
 * Relief = (pre - post) / pre, on the same scale.
 */
export function blockRelief(session: TreatedSession, chart: Chart, vs: ValueSets, t: ReliefSettings): Relief {
  const linked = (o: ChartObservation) => o.partOf.some((ref) => session.refs.includes(ref));
  const percent = scoresIn(chart, vs, 'reliefPercent').filter(linked).at(-1);
  if (percent) {
    return { percent: percent.value!, evidence: [{ text: `${percent.value}% relief recorded after the block`, reference: percent.ref }] };
  }

  const scores = painScores(chart, vs);
  const blockTime = instantOf(session.start);
  // Linked scores: the baseline is the last one strictly before the block (never a same-day score that
  // cannot be told to precede it), the result the lowest one after it on the same scale.
  const linkedScores = scores.filter(linked);
  if (linkedScores.length > 0) {
    const pre = linkedScores.filter((o) => beforeProcedure(o, session)).at(-1);
    const post = pre ? lowest(linkedScores.filter((o) => afterProcedure(o, session) && codeOf(o) === codeOf(pre))) : undefined;
    if (pre && post) return compute(pre, post, 'linked to the block');
    if (blockTime === undefined) {
      return {
        evidence: linkedScores.map((o) => scoreEvidence(o, 'pain linked to the block')),
        problem: 'pain scores are linked to the block (Observation.partOf), but the block time is not charted, so none can be told to be before it',
      };
    }
  }

  if (blockTime === undefined) {
    return { evidence: [], problem: 'no pain scores linked to the block (Observation.partOf), and the block time is not charted' };
  }
  const windowEnd = blockTime + t.postBlockWindowHours * 3_600_000;
  const sameDay = scores.filter((o) => o.date === session.date);
  const pre = sameDay.filter((o) => beforeProcedure(o, session)).at(-1);
  if (!pre) return { evidence: [], problem: `no pain score before the block on ${session.date}` };
  const post = lowest(
    scores.filter((o) => {
      const time = instantOf(o.effective);
      return time !== undefined && time > blockTime && time <= windowEnd && codeOf(o) === codeOf(pre);
    }),
  );
  if (!post) return { evidence: [scoreEvidence(pre, 'pre-block pain')], problem: `no pain score within ${t.postBlockWindowHours} hours after the block` };
  return compute(pre, post, `within ${t.postBlockWindowHours} hours of the block`);
}

function compute(pre: ChartObservation, post: ChartObservation, how: string): Relief {
  const evidence: Evidence[] = [scoreEvidence(pre, 'pre-block pain'), scoreEvidence(post, `post-block pain (${how})`)];
  if (pre.value! <= 0) return { evidence, problem: 'the pre-block pain score is 0, so relief cannot be computed' };
  return { percent: round(((pre.value! - post.value!) / pre.value!) * 100), evidence };
}

function lowest(list: ChartObservation[]): ChartObservation | undefined {
  return list.reduce<ChartObservation | undefined>((min, o) => (min === undefined || o.value! < min.value! ? o : min), undefined);
}

export interface SustainedRelief {
  status: 'met' | 'not-met' | 'unknown';
  summary: string;
  evidence: Evidence[];
}

/**
 * Relief of at least `percent` sustained for `months` after a procedure: a baseline pain score before
 * it; every score in (procedure, procedure + months] at most (100 - percent)% of baseline; and at
 * least one score at or after the period's end, so the whole period was observed.
 */
export function sustainedPainRelief(session: TreatedSession, chart: Chart, vs: ValueSets, t: ReliefSettings, percent: number, months: number, until: string): SustainedRelief {
  const scores = painScores(chart, vs).filter((o) => o.date! <= until);
  // The baseline is the last score strictly before the procedure started; a score after it, even one of the
  // same day linked to it by partOf, is never the baseline.
  const before = scores.filter((o) => beforeProcedure(o, session));
  const baseline =
    before.filter((o) => o.partOf.some((r) => session.refs.includes(r))).at(-1) ??
    before.filter((o) => daysBetween(o.date!, session.date) <= t.baselineLookbackDays).at(-1);
  if (!baseline) {
    return { status: 'unknown', summary: `no pain score within ${t.baselineLookbackDays} days before ${session.label} (before it started) to serve as the baseline`, evidence: [] };
  }
  const limit = baseline.value! * (1 - percent / 100);
  const periodEnd = addMonths(session.date, months);
  const followUp = scores.filter((o) => o.date! > session.date && codeOf(o) === codeOf(baseline));
  const inPeriod = followUp.filter((o) => o.date! <= periodEnd);
  const evidence: Evidence[] = [scoreEvidence(baseline, 'baseline pain'), ...inPeriod.map((o) => scoreEvidence(o, 'follow-up pain'))];
  const worse = inPeriod.filter((o) => o.value! > limit);
  if (worse.length > 0) {
    return {
      status: 'not-met',
      summary: `pain ${worse[0]!.value} on ${worse[0]!.date} is more than ${100 - percent}% of the baseline ${baseline.value}, within ${months} months of ${session.label}`,
      evidence,
    };
  }
  if (!followUp.some((o) => o.date! >= periodEnd)) {
    return {
      status: 'unknown',
      summary: `no pain score on or after ${periodEnd} (${months} months after ${session.label}) to show relief lasted`,
      evidence,
    };
  }
  return {
    status: 'met',
    summary: `every pain score through ${periodEnd} was at most ${round(limit)} (≥ ${percent}% below the baseline ${baseline.value})`,
    evidence,
  };
}

export interface FunctionalChange {
  status: 'improved' | 'not-improved' | 'unknown';
  percent?: number;
  summary: string;
  evidence: Evidence[];
}

/**
 * Function before and after a procedure on the same scale, of the order's region: the last score before the
 * procedure started, and the scores after it up to `until`. Improvement is a change of at least the scale's
 * minimal clinically important difference (thresholds.json, with its source): one Oswestry point is not.
 * Without `minimumPercent` (I.B.2.b "with associated functional improvement") the latest score is compared;
 * with it (I.D.2 "at least 50% consistent improvement"), every later score must improve by that percentage
 * and by the MCID.
 */
export function functionalChange(
  session: TreatedSession,
  chart: Chart,
  vs: ValueSets,
  t: ReliefSettings,
  until: string,
  region: string | undefined,
  minimumPercent?: number,
): FunctionalChange {
  const all = functionalScores(chart, t.functionalScales, vs).filter((s) => s.obs.date! <= until);
  let best: FunctionalChange | undefined;
  for (const scale of t.functionalScales.filter((s) => scaleFits(s, region))) {
    const series = all.filter((s) => s.scale === scale);
    const before = series.filter((s) => beforeProcedure(s.obs, session)).at(-1);
    const after = series.filter((s) => s.obs.date! > session.date);
    if (!before || after.length === 0) continue;
    const percents = after.map((s) => improvementPercent(scale, before.obs.value!, s.obs.value!));
    if (minimumPercent !== undefined && percents.some((c) => c === undefined)) continue;
    const points = after.map((s) => improvementPoints(scale, before.obs.value!, s.obs.value!));
    const evidence: Evidence[] = [scoreEvidence(before.obs, `${scale.label} before`), ...after.map((s) => scoreEvidence(s.obs, `${scale.label} after`))];
    const mcid = `MCID ${scale.mcid}`;
    let result: FunctionalChange;
    if (minimumPercent === undefined) {
      const latest = points.at(-1)!;
      const improved = latest >= scale.mcid;
      result = {
        status: improved ? 'improved' : 'not-improved',
        percent: round(percents.at(-1) ?? 0),
        summary: `${scale.label} ${before.obs.value} before, ${after.at(-1)!.obs.value} after: ${describeChange(latest)} (${mcid}; ${improved ? 'improved' : 'not a clinically important improvement'})`,
        evidence,
      };
    } else {
      const worstPercent = Math.min(...(percents as number[]));
      const worstPoints = Math.min(...points);
      const improved = worstPercent >= minimumPercent && worstPoints >= scale.mcid;
      result = {
        status: improved ? 'improved' : 'not-improved',
        percent: round(worstPercent),
        summary: `${scale.label} improved at least ${round(worstPercent)}% and ${round(worstPoints)} points in every score after the procedure (needs ${minimumPercent}% and the ${mcid})`,
        evidence,
      };
    }
    if (!best || (result.status === 'improved' && best.status !== 'improved')) best = result;
  }
  return best ?? { status: 'unknown', summary: `no functional-scale score${region ? ` of the ${region} region` : ''} both before and after ${session.label}`, evidence: [] };
}

/**
 * Function during the relief period after a procedure (I.B.2.b "≥ 50% pain relief was obtained for at least
 * six months, with associated functional improvement, following the previous treatment"): the improvement
 * goes with the relief, so it is read from the scores within `months` of the procedure, not from a later
 * score taken once the pain came back. With no functional score within the period, the latest score after
 * it is read (an improvement still there after the period was there during it), and the summary says so.
 */
export function functionalChangeDuringRelief(session: TreatedSession, chart: Chart, vs: ValueSets, t: ReliefSettings, until: string, region: string | undefined, months: number): FunctionalChange {
  const periodEnd = addMonths(session.date, months);
  const during = functionalChange(session, chart, vs, t, periodEnd < until ? periodEnd : until, region);
  if (during.status !== 'unknown') return { ...during, summary: `during the ${months} months after ${session.label} (through ${periodEnd}): ${during.summary}` };
  const later = functionalChange(session, chart, vs, t, until, region);
  return later.status === 'unknown' ? later : { ...later, summary: `no functional score within ${months} months of ${session.label}; later: ${later.summary}` };
}

function describeChange(points: number): string {
  if (points === 0) return 'no change';
  return `${round(Math.abs(points))} point${Math.abs(points) === 1 ? '' : 's'} ${points > 0 ? 'better' : 'worse'}`;
}
