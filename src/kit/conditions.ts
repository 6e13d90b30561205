import type { Evidence } from '../decision/types';
import type { ValueSetMatcher } from '../declarations/value-sets';
import type { Chart, ChartCondition } from './chart/model';
import { laterEvidence } from './timeline';
import type { ValueSets } from './types';

/** Diagnoses as a reviewer reads them: current ones of a value set, with their evidence lines. */

/** What diagnoses are read with: the request's chart, the declaration's value sets and the decision date. */
export interface ChartReading {
  chart: Chart;
  vs: ValueSets;
  today: string;
}

export function conditionMatches(condition: ChartCondition, matcher: ValueSetMatcher): boolean {
  return condition.codings.some((c) => matcher.matchesCoding(c)) || matcher.matchesText(condition.text);
}

/** Current diagnoses (active, not refuted, not abated, by the decision date) of a value set. */
export function currentConditions(ctx: ChartReading, valueSet: string): ChartCondition[] {
  const matcher = ctx.vs[valueSet]!;
  return ctx.chart.conditions.filter((c) => c.current && conditionMatches(c, matcher));
}

export function conditionEvidence(c: ChartCondition): Evidence {
  const code = c.codings[0]?.code;
  const since = c.onset ? `, onset ${c.onset}` : c.recorded ? `, recorded ${c.recorded}` : '';
  return { text: `${c.text}${code && !c.text.includes(code) ? ` (${code})` : ''}${since}`, reference: c.ref };
}

/** Diagnoses of these value sets dated after the decision date, as set-aside lines. */
export function laterConditions(ctx: ChartReading, ...valueSets: string[]): Evidence[] {
  const later = ctx.chart.later.conditions.filter((c) => valueSets.some((name) => conditionMatches(c, ctx.vs[name]!)));
  return laterEvidence(later.map((c) => ({ ref: c.ref, text: conditionEvidence(c).text, date: c.onset ?? c.recorded })), ctx.today);
}
