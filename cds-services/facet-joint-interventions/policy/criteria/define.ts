import { criteriaOf, type Documentable } from '../../../../src/kit';
import citations from '../../citations.json';
import type { FacetContext, Pathway } from '../types';

export type CriterionId = keyof typeof citations;
/** The criteria that can be not documented: those whose citation says how to document them. */
export type DocumentableId = Documentable<typeof citations>;

/**
 * CP.MP.171's criteria: each cites its section, title and how to chart it from citations.json, and declares
 * the pathways (the unit's pathway, questionnaire.json's pathwayOf) it applies on.
 */
export const { criterion, notDocumented } = criteriaOf<FacetContext, typeof citations>(citations, { pathwayOf: (ctx) => ctx.unit.pathway });

/** The pathways of an injection (a radiofrequency order is on one of the others). */
export const INJECTION_PATHWAYS: Pathway[] = ['diagnostic', 'therapeutic'];
export const RADIOFREQUENCY_PATHWAYS: Pathway[] = ['initial-radiofrequency', 'repeat-radiofrequency'];

/** Pathway criteria apply outside the thoracic region, which the policy excludes outright. */
export function outsideThoracic(ctx: FacetContext): boolean {
  return ctx.unit.region !== 'thoracic';
}
