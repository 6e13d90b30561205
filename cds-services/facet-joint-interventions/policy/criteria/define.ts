import type { Criterion, Evidence, Finding } from '../../../../src/decision/types';
import type { ValueSetMatcher } from '../../../../src/declarations/value-sets';
import citations from '../../citations.json';
import { conditionRegions, otherRegionEvidence, regionFit } from '../regions';
import { laterEvidence } from '../timeline';
import type { ChartCondition, FacetContext, Pathway } from '../types';

export type CriterionId = keyof typeof citations;

interface Spec {
  dependsOn: string[];
  dependsOnFor?(ctx: FacetContext): string[];
  categorical?: boolean;
  appliesTo(ctx: FacetContext): boolean;
  evaluate(ctx: FacetContext): Finding;
}

/** A criterion whose section and title come from citations.json, so the checklist cites the policy. */
export function criterion(id: CriterionId, spec: Spec): Criterion<FacetContext> {
  const citation = citations[id];
  return { id, section: citation.section, title: citation.title, categorical: spec.categorical === true, ...spec };
}

export function met(summary: string, evidence: Evidence[] = []): Finding {
  return { status: 'met', summary, evidence };
}

export function notMet(summary: string, evidence: Evidence[] = [], firstEligibleDate?: string): Finding {
  return { status: 'not-met', summary, evidence, ...(firstEligibleDate ? { firstEligibleDate } : {}) };
}

/** Not in the record: the summary says what is missing and `missing` how to chart it (citations.json). */
export function notDocumented(id: CriterionId, summary: string, evidence: Evidence[] = []): Finding {
  const how = (citations[id] as { howToDocument?: string }).howToDocument;
  return { status: 'not-documented', summary, evidence, ...(how ? { missing: how } : {}) };
}

/** Pathway criteria apply to their pathway, outside the thoracic region (which the policy excludes outright). */
export function onPathway(ctx: FacetContext, ...pathways: Pathway[]): boolean {
  return pathways.includes(ctx.unit.pathway) && ctx.unit.region !== 'thoracic';
}

export function conditionMatches(condition: ChartCondition, matcher: ValueSetMatcher): boolean {
  return condition.codings.some((c) => matcher.matchesCoding(c)) || matcher.matchesText(condition.text);
}

export function currentConditions(ctx: FacetContext, valueSet: string): ChartCondition[] {
  const matcher = ctx.vs[valueSet]!;
  return ctx.chart.conditions.filter((c) => c.current && conditionMatches(c, matcher));
}

/**
 * Current diagnoses of a value set that count for the order: of its region, or naming none (M54.9). Those
 * naming only another region (a cervical radiculopathy for a lumbar block) come back as set-aside lines.
 */
export function regionConditions(ctx: FacetContext, valueSet: string): { counted: ChartCondition[]; elsewhere: Evidence[] } {
  const counted: ChartCondition[] = [];
  const elsewhere: Evidence[] = [];
  for (const c of currentConditions(ctx, valueSet)) {
    const regions = conditionRegions(c, ctx.vs);
    if (regionFit(regions, ctx.unit.region) === 'other') elsewhere.push(otherRegionEvidence(conditionEvidence(c).text, c.ref, regions, ctx.unit.region));
    else counted.push(c);
  }
  return { counted, elsewhere };
}

/** Diagnoses of a value set dated after the decision date, as set-aside lines. */
export function laterConditions(ctx: FacetContext, ...valueSets: string[]): Evidence[] {
  const later = ctx.chart.later.conditions.filter((c) => valueSets.some((name) => conditionMatches(c, ctx.vs[name]!)));
  return laterEvidence(later.map((c) => ({ ref: c.ref, text: conditionEvidence(c).text, date: c.onset ?? c.recorded })), ctx.today);
}

export function conditionEvidence(c: ChartCondition): Evidence {
  const code = c.codings[0]?.code;
  const since = c.onset ? `, onset ${c.onset}` : c.recorded ? `, recorded ${c.recorded}` : '';
  return { text: `${c.text}${code && !c.text.includes(code) ? ` (${code})` : ''}${since}`, reference: c.ref };
}

/** " (3 set aside: 2 another region, 1 dated after today)" for a summary, or "" when nothing was set aside. */
export function setAsideNote(evidence: Evidence[]): string {
  const reasons = new Map<string, number>();
  for (const e of evidence) if (e.setAside) reasons.set(e.setAside, (reasons.get(e.setAside) ?? 0) + 1);
  const total = [...reasons.values()].reduce((a, b) => a + b, 0);
  return total === 0 ? '' : ` (${total} set aside: ${[...reasons].map(([why, n]) => `${n} ${why}`).join(', ')})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
