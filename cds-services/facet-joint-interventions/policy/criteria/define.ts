import { criteriaOf } from '../../../../src/kit';
import citations from '../../citations.json';
import type { FacetContext, Pathway } from '../types';

export type CriterionId = keyof typeof citations;

/** CP.MP.171's criteria: each cites its section, title and how to chart it from citations.json. */
export const { criterion, notDocumented } = criteriaOf<FacetContext, typeof citations>(citations);

/** Pathway criteria apply to their pathway, outside the thoracic region (which the policy excludes outright). */
export function onPathway(ctx: FacetContext, ...pathways: Pathway[]): boolean {
  return pathways.includes(ctx.unit.pathway) && ctx.unit.region !== 'thoracic';
}
