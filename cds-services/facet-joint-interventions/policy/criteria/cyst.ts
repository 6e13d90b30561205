import type { ChartCondition, FacetContext } from '../types';
import { conditionMatches } from './define';

/** Current facet synovial cysts: a cyst code, or an "other dorsopathy" M53.8x whose text says cyst. */
export function facetSynovialCysts(ctx: FacetContext): ChartCondition[] {
  const { vs } = ctx;
  return ctx.chart.conditions.filter(
    (c) =>
      c.current &&
      (conditionMatches(c, vs.facetSynovialCyst!) || (c.codings.some((x) => vs.otherDorsopathy!.matchesCoding(x)) && vs.facetSynovialCyst!.matchesText(c.text))),
  );
}
