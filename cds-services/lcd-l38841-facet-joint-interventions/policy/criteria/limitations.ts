import type { Finding } from '../../../../src/decision/types';
import { ORDER_FIELDS, dateOf, met, notMet } from '../../../../src/kit';
import type { LcdContext } from '../types';
import { EVERY_PATHWAY, criterion, notDocumented, facetProcedure, ordersSaying } from './define';

const quoted = (ctx: LcdContext, valueSet: string) =>
  ordersSaying(ctx, valueSet).map(({ order, concept }) => ({ text: `the order says "${concept.text ?? concept.coding?.[0]?.display ?? concept.coding?.[0]?.code}"`, reference: order.ref }));

/** N2: intra- or extra-articular prolotherapy is not reasonable and necessary. */
export const noProlotherapy = criterion('n2-no-prolotherapy', {
  dependsOn: [],
  categorical: true,
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const said = quoted(ctx, 'prolotherapy');
    return said.length > 0 ? notMet('Prolotherapy (N2)', said) : met('Not prolotherapy');
  },
});

/** N4 (secondary source): not an intra-facet implant, nor a lumbar facet procedure after anterior lumbar interbody fusion. */
export const noImplantOrAfterFusion = criterion('n4-no-implant-or-after-alif', {
  dependsOn: ['procedures'],
  categorical: true,
  pathways: EVERY_PATHWAY,
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const implant = quoted(ctx, 'intraFacetImplant');
    if (implant.length > 0) return notMet('An intra-facet implant (N4)', implant);
    const alif = ctx.vs.anteriorLumbarFusion!;
    const fusions = ctx.unit.cptRegion === 'lumbar/sacral' ? ctx.chart.procedures.filter((p) => p.status === 'completed' && (p.date ?? '') <= ctx.unit.date && (p.codings.some((c) => alif.matchesCoding(c)) || alif.matchesText(p.text))) : [];
    if (fusions.length > 0) return notMet('A lumbar facet procedure after anterior lumbar interbody fusion (N4)', fusions.map((p) => ({ text: `${p.text}${p.date ? ` on ${p.date}` : ''}`, reference: p.ref })));
    return met('Not an intra-facet implant, and no anterior lumbar interbody fusion on record');
  },
});

/** Anesthesia or sedation requested with the procedure: on its orders, or ordered in the request for its date. */
function anesthesia(ctx: LcdContext, valueSet: string): Array<{ text: string; reference?: string }> {
  const matcher = ctx.vs[valueSet]!;
  const onOrder = quoted(ctx, valueSet);
  const inScope = new Set(ctx.unit.orders.map((o) => o.ref));
  const ordered = ctx.drafts
    .filter((r) => !inScope.has(r.ref) && (dateOf(ORDER_FIELDS.string(r, 'occurrence')) ?? ctx.today) === ctx.unit.date)
    .filter((r) => ORDER_FIELDS.codings(r, 'codings').some((c) => matcher.matchesCoding(c)) || matcher.matchesText(ORDER_FIELDS.string(r, 'codeText')) || ORDER_FIELDS.strings(r, 'notes').some((n) => matcher.matchesText(n)))
    .map((r) => ({ text: `${ORDER_FIELDS.string(r, 'codeText') ?? ORDER_FIELDS.codings(r, 'codings')[0]?.code ?? 'an order'}, ordered in this request`, reference: r.ref }));
  return [...onOrder, ...ordered];
}

/**
 * A1 and A2: general anesthesia is not reasonable and necessary; moderate sedation and monitored anesthesia
 * care are not routinely necessary (for injections individual consideration comes only on redetermination,
 * with an unequivocal documented need; for ablation, secondary sources say sedation may be covered when
 * documented). Applies when anesthesia or sedation is requested with the procedure.
 */
export const anesthesiaRule = criterion('a1-anesthesia', {
  dependsOn: [],
  pathways: EVERY_PATHWAY,
  appliesTo: (ctx) => facetProcedure(ctx) && (anesthesia(ctx, 'generalAnesthesia').length > 0 || anesthesia(ctx, 'sedation').length > 0),
  evaluate: (ctx): Finding => {
    const general = anesthesia(ctx, 'generalAnesthesia');
    if (general.length > 0) return notMet('General anesthesia with a facet procedure is not reasonable and necessary (A1)', general);
    const sedation = anesthesia(ctx, 'sedation');
    const need = quoted(ctx, 'anesthesiaNeed');
    const injection = ctx.unit.kind === 'injection';
    if (need.length > 0) {
      return met(injection ? 'Sedation with a documented need (A1: for injections it is considered individually, on redetermination)' : 'Sedation for the ablation with a documented need (A2)', [...sedation, ...need]);
    }
    return notDocumented('a1-anesthesia', injection ? 'Sedation is not routinely necessary for an intra-articular injection or a medial branch block: its need is not documented' : 'Sedation for the ablation without a documented need', sedation);
  },
});
