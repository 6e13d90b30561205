import type { CodeableConcept } from 'fhir/r4';
import type { FactRecord } from '../../../../src/facts/extract';
import { ORDER_FIELDS, criteriaOf, type Cited, type OrderInfo, type SameSiteRule } from '../../../../src/kit';
import citationsJson from '../../citations.json';
import type { LcdContext, LcdPathway } from '../types';

export const citations = citationsJson as Cited<typeof citationsJson>;
export type RuleId = keyof typeof citationsJson;

/**
 * The LCD's criteria: each cites its rule (C1, D2…), its source and how well it is verified, from citations.json,
 * and declares the pathways (the unit's pathway, questionnaire.json's pathwayOf) it applies on.
 */
export const { criterion, notDocumented } = criteriaOf<LcdContext, typeof citations>(citations, { pathwayOf: (ctx) => ctx.unit.pathway });

/** T3's therapeutic injections and R2's ablations repeated at the same site, with their thresholds (thresholds.json). */
export const THERAPEUTIC: SameSiteRule<'therapeutic'> = { label: 'therapeutic injection', thresholds: 'therapeutic' };
export const REPEAT_ABLATION: SameSiteRule<'repeatRadiofrequency'> = { label: 'ablation', thresholds: 'repeatRadiofrequency' };

export const EVERY_PATHWAY: LcdPathway[] = ['diagnostic', 'therapeutic', 'initial-radiofrequency', 'repeat-radiofrequency'];

/** A rule on its pathways applies to a facet procedure (an order naming another joint is decided by facet-joint-target alone). */
export function facetProcedure(ctx: LcdContext): boolean {
  return ctx.unit.nonFacetJoint === undefined;
}

/** The draft-order record an in-scope order was read from. */
export function recordOf(ctx: LcdContext, order: OrderInfo): FactRecord | undefined {
  return ctx.drafts.find((r) => r.ref === order.ref);
}

/** What an order says about itself: its details, body sites and reasons, and its words (code text, notes, instructions). */
export function orderSays(ctx: LcdContext, order: OrderInfo): CodeableConcept[] {
  const r = recordOf(ctx, order);
  if (!r) return order.reasonConcepts;
  const f = ORDER_FIELDS;
  const words = [f.string(r, 'codeText'), ...f.strings(r, 'notes'), f.string(r, 'patientInstruction')].filter((t): t is string => t !== undefined);
  return [...f.concepts(r, 'orderDetails'), ...f.concepts(r, 'categories'), ...f.concepts(r, 'bodySites'), ...order.reasonConcepts, ...words.map((text) => ({ text }))];
}

/** The unit's orders that say something of a value set (a code or words), with what they say. */
export function ordersSaying(ctx: LcdContext, valueSet: string): Array<{ order: OrderInfo; concept: CodeableConcept }> {
  const matcher = ctx.vs[valueSet]!;
  return ctx.unit.orders.flatMap((order) => {
    const concept = orderSays(ctx, order).find((c) => matcher.matchesConcept(c));
    return concept ? [{ order, concept }] : [];
  });
}
