import type { ServiceRequest } from 'fhir/r4';
import type { ActionSpec, CriterionResult, DecisionUnit, Outcome, PolicyInput, SuggestionSpec } from '../../../src/decision/types';
import {
  cancelOrder,
  cancelUnit,
  fewerLevels,
  fluoroscopicAlternative,
  markFirstRecommended,
  partOfTheFix,
  reasonsFor,
  reduceLevels,
  replaceWith,
  scheduleOnFirstEligibleDate,
  unitLabel,
} from '../../../src/kit';
import type { FacetCoding, FacetContext, Thresholds } from './types';

type Results = Map<string, CriterionResult>;

/** What conventional radiofrequency neurotomy needs beyond its technique (I.B). */
const RF_CRITERIA = ['rf-two-positive-blocks', 'rf-pain-three-months', 'repeat-rf-interval', 'repeat-rf-sustained-relief'];

const notMet = (results: Results, id: string) => results.get(id)?.status === 'not-met';
const gap = (results: Results, id: string) => ['not-met', 'not-documented'].includes(results.get(id)?.status ?? '');

/**
 * Alternatives for a unit, from its results: each is something the EHR can apply (update, delete +
 * create, or a companion create) and that would remove the reason the order is not covered.
 */
export function suggest(unit: DecisionUnit<FacetContext>, resultList: CriterionResult[], outcome: Outcome, input: PolicyInput<Thresholds, FacetCoding>): SuggestionSpec[] {
  if (outcome === 'covered' || outcome === 'indeterminate') return [];
  const ctx = unit.context;
  const results: Results = new Map(resultList.map((r) => [r.id, r]));
  const suggestions: SuggestionSpec[] = [];
  const u = ctx.unit;

  if (notMet(results, 'facet-joint-target') && u.nonFacetJoint) {
    const why = `it names a joint that is not a facet joint and appears to be ${u.nonFacetJoint.appearsToBe}`;
    suggestions.push(cancelUnit(u, `Cancel this order; re-enter it with the code for what it is (${u.nonFacetJoint.appearsToBe})`, why));
    return markFirstRecommended(suggestions);
  }

  if (notMet(results, 'one-procedure-per-visit')) {
    const others = ctx.sessionOrders.filter((o) => o.date === u.date && !u.orders.includes(o));
    const otherProcedures: ActionSpec[] = u.otherOrdersSameDay.map((ref) => ({ type: 'delete', resourceId: ref, description: `Remove ${ref}: another procedure is kept for this visit` }));
    if (others.length + otherProcedures.length > 0) {
      const count = others.length + otherProcedures.length;
      suggestions.push({
        label: `Keep only this ${unitLabel(u)}; cancel the other procedure${count > 1 ? 's' : ''} on ${u.date}`,
        actions: [...others.map((o) => cancelOrder(o, 'another procedure is kept for this visit')), ...otherProcedures],
      });
    }
  }

  if (notMet(results, 'thoracic-injection') || notMet(results, 'thoracic-radiofrequency')) {
    suggestions.push(cancelUnit(u, `Cancel the thoracic ${u.kind === 'injection' ? 'facet injection' : 'neurotomy'} (not medically necessary, ${u.kind === 'injection' ? 'I.C' : 'I.E'})`, 'thoracic facet interventions are not medically necessary'));
    return markFirstRecommended(suggestions);
  }

  if (notMet(results, 'second-block-relief') || notMet(results, 'diagnostic-block-limit')) {
    const why = notMet(results, 'second-block-relief') ? 'the first block gave less than 80% relief' : 'two diagnostic blocks are already on record';
    suggestions.push(cancelUnit(u, `Cancel this diagnostic block (${why})`, why));
  }

  if (u.guidance === 'ultrasound' && notMet(results, 'image-guidance')) {
    const fluoroscopic = fluoroscopicAlternative(ctx);
    // Only an alternative that meets the policy when guidance was all that stood in the way.
    if (fluoroscopic) suggestions.push(partOfTheFix(fluoroscopic, resultList, (r) => r.id === 'image-guidance'));
  }

  const levelCriterion = ['levels-diagnostic', 'levels-initial-rf', 'levels-repeat-rf', 'levels-therapeutic'].find((id) => notMet(results, id));
  if (levelCriterion) {
    const fewer = fewerLevels(ctx, ctx.t.maxLevelsPerSession);
    // Fewer levels also settle two positive blocks (I.B.1.b) when every level kept had them.
    const kept = u.levelNames.slice(0, ctx.t.maxLevelsPerSession);
    const confirmed = confirmedLevels(ctx);
    const resolves = (r: CriterionResult) => r.id === levelCriterion || (r.id === 'rf-two-positive-blocks' && kept.length > 0 && kept.every((l) => confirmed.includes(l)));
    if (fewer) suggestions.push(partOfTheFix(fewer, resultList, resolves));
  }

  if (u.kind !== 'injection' && u.region && u.region !== 'thoracic') {
    const nonConventional = notMet(results, 'pulsed-radiofrequency') || notMet(results, 'conventional-radiofrequency');
    const rfCriteriaMet = RF_CRITERIA.every((id) => !results.has(id) || results.get(id)!.status === 'met');
    const rfWaiting = RF_CRITERIA.filter((id) => results.has(id) && results.get(id)!.status !== 'met');
    // Waiting for a date (and for what can only be charted by then, such as 6 months of follow-up scores).
    const dated = rfWaiting.filter((id) => notMet(results, id) && results.get(id)!.firstEligibleDate);
    const rfDate =
      dated.length > 0 && rfWaiting.every((id) => dated.includes(id) || results.get(id)!.status === 'not-documented')
        ? [ctx.today, ...dated.map((id) => results.get(id)!.firstEligibleDate!)].sort().at(-1)
        : undefined;
    // A diagnostic block is an alternative only while the region has room for one (I.A.1: up to two).
    const blockAllowed = ctx.history.diagnosticBlocks.length < ctx.t.maxDiagnosticBlocks;
    if (nonConventional && rfCriteriaMet) {
      suggestions.push(replaceWith(ctx, u.region, 'radiofrequency', input.patientId, 'Conventional radiofrequency neurotomy'));
    } else if (nonConventional && rfDate) {
      // Conventional RF would qualify but for timing (repeat < 6 months): the same, on the first eligible date.
      suggestions.push(replaceWith(ctx, u.region, 'radiofrequency', input.patientId, 'Conventional radiofrequency neurotomy', rfDate));
    } else if (!nonConventional && notMet(results, 'rf-two-positive-blocks') && confirmedLevels(ctx).length > 0) {
      // Two positive blocks cover some of the levels: the neurotomy of those levels is supported (I.B.1.b).
      const keep = confirmedLevels(ctx);
      const reduced = reduceLevels(ctx, keep, u.levelCount - keep.length);
      if (reduced.actions.length > 0) suggestions.push({ label: `Treat only ${keep.join(', ')}, the levels with two positive diagnostic blocks`, actions: reduced.actions });
    } else if ((nonConventional || notMet(results, 'rf-two-positive-blocks')) && blockAllowed) {
      suggestions.push(replaceWith(ctx, u.region, 'diagnostic-block', input.patientId, 'Diagnostic medial branch block; radiofrequency neurotomy is being considered'));
    } else if (notMet(results, 'rf-two-positive-blocks')) {
      const why = `${ctx.history.diagnosticBlocks.length} diagnostic blocks on record do not support it, and no further block is covered`;
      suggestions.push(cancelUnit(u, `Cancel this ${unitLabel(u)} (${why})`, why));
    }
  }

  // Never a date already past: a backdated order is moved to the first eligible date from today.
  const schedule = scheduleOnFirstEligibleDate(resultList, u.orders, ctx.today);
  if (schedule) suggestions.push(schedule);

  // I.A.1.b.i asks for conservative therapy the member has already failed: a referral made today does not
  // qualify this order. It is the other path (treat conservatively first, order the procedure after), offered
  // as such on the decision card, never as a companion order that would complete this one.
  if (gap(results, 'physical-therapy') && !physicalTherapyDrafted(input, ctx)) {
    const section = results.get('physical-therapy')!.section;
    const weeks = Math.ceil(ctx.t.physicalTherapyMinDays / 7);
    suggestions.push({
      label: notMet(results, 'physical-therapy')
        ? `Conservative care first: physical therapy referral (${weeks}+ weeks); this order qualifies only after it (${section})`
        : `If not done yet: physical therapy referral (${weeks}+ weeks) first; this order qualifies only after it (${section})`,
      actions: [{ type: 'create', description: 'Create a physical therapy referral for the back or neck pain', resource: physicalTherapyReferral(u.orders[0]!.order, input.patientId, ctx) }],
      stillUnmet: ['physical-therapy'],
    });
  }
  return markFirstRecommended(suggestions);
}

/** The order's charted levels that two diagnostic blocks with at least the threshold relief included. */
function confirmedLevels(ctx: FacetContext): string[] {
  const positive = ctx.history.diagnosticBlocks.filter((b) => (b.relief?.percent ?? -1) >= ctx.t.diagnosticReliefPercent && b.levels.length > 0);
  return ctx.unit.levelNames.filter((level) => positive.filter((b) => b.levels.includes(level)).length >= 2);
}

/** A PT referral already among the draft orders is not suggested again. */
function physicalTherapyDrafted(input: PolicyInput<Thresholds, FacetCoding>, ctx: FacetContext): boolean {
  return (input.facts.draftOrders ?? []).some((record) =>
    (record.fields.codings ?? []).some((c) => ctx.vs.physicalTherapy!.matchesCoding(c as { system?: string; code?: string })),
  );
}

function physicalTherapyReferral(template: ServiceRequest, patientId: string, ctx: FacetContext): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'order',
    code: structuredClone(ctx.coding.physicalTherapyReferral.code),
    subject: template.subject ?? { reference: `Patient/${patientId}` },
    ...(template.encounter ? { encounter: template.encounter } : {}),
    ...(template.requester ? { requester: template.requester } : {}),
    authoredOn: ctx.today,
    ...reasonsFor(template, ctx),
    note: [{ text: `At least ${Math.ceil(ctx.t.physicalTherapyMinDays / 7)} weeks of physical therapy or a prescribed home exercise program before facet injections (CP.MP.171 I.A.1.b.i).` }],
  };
}
