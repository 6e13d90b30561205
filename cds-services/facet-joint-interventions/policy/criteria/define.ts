import type { Criterion, Evidence, Finding } from '../../../../src/decision/types';
import type { ValueSetMatcher } from '../../../../src/declarations/value-sets';
import citations from '../../citations.json';
import type { ChartCondition, FacetContext, Pathway, Region, ValueSets } from '../types';

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

const REGIONS: Region[] = ['cervical', 'thoracic', 'lumbar'];

/** The spinal regions a diagnosis names (M47.812 cervical, M54.50 lumbar…); none for M54.9 dorsalgia. */
export function conditionRegions(condition: ChartCondition, vs: ValueSets): Region[] {
  return REGIONS.filter((r) => conditionMatches(condition, vs[`${r}Region`]!));
}

export function currentConditions(ctx: FacetContext, valueSet: string): ChartCondition[] {
  const matcher = ctx.vs[valueSet]!;
  return ctx.chart.conditions.filter((c) => c.current && conditionMatches(c, matcher));
}

export function conditionEvidence(c: ChartCondition): Evidence {
  const code = c.codings[0]?.code;
  const since = c.onset ? `, onset ${c.onset}` : c.recorded ? `, recorded ${c.recorded}` : '';
  return { text: `${c.text}${code && !c.text.includes(code) ? ` (${code})` : ''}${since}`, reference: c.ref };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
