import type { CodeableConcept, ServiceRequest } from 'fhir/r4';
import type { ActionSpec, CriterionResult, DecisionUnit, Outcome, PolicyInput, SuggestionSpec } from '../../../src/decision/types';
import { SYSTEMS, canonicalSystem } from '../../../src/fhir/code-systems';
import { BILLING_OPTIONS_URL } from '../../../src/fhir/order-codes';
import { regionPainDiagnoses } from './criteria/pain';
import { levelsOf } from './levels';
import { label } from './units';
import type { CodingData, FacetContext, LevelRole, OrderInfo, Region, Thresholds } from './types';

type Results = Map<string, CriterionResult>;

/** What conventional radiofrequency neurotomy needs beyond its technique (I.B). */
const RF_CRITERIA = ['rf-two-positive-blocks', 'rf-pain-three-months', 'repeat-rf-interval', 'repeat-rf-sustained-relief'];

const notMet = (results: Results, id: string) => results.get(id)?.status === 'not-met';
const gap = (results: Results, id: string) => ['not-met', 'not-documented'].includes(results.get(id)?.status ?? '');

/**
 * Alternatives for a unit, from its results: each is something the EHR can apply (update, delete +
 * create, or a companion create) and that would remove the reason the order is not covered.
 */
export function suggest(unit: DecisionUnit<FacetContext>, resultList: CriterionResult[], outcome: Outcome, input: PolicyInput<Thresholds>): SuggestionSpec[] {
  if (outcome === 'covered' || outcome === 'indeterminate') return [];
  const ctx = unit.context;
  const results: Results = new Map(resultList.map((r) => [r.id, r]));
  const suggestions: SuggestionSpec[] = [];
  const u = ctx.unit;

  if (notMet(results, 'facet-joint-target') && u.nonFacetJoint) {
    const why = `it names a joint that is not a facet joint and appears to be ${u.nonFacetJoint.appearsToBe}`;
    suggestions.push({ label: `Cancel this order; re-enter it with the code for what it is (${u.nonFacetJoint.appearsToBe})`, actions: u.orders.map((o) => cancel(o, why)) });
    return markFirstRecommended(suggestions);
  }

  if (notMet(results, 'one-procedure-per-visit')) {
    const others = ctx.sessionOrders.filter((o) => o.date === u.date && !u.orders.includes(o));
    const otherProcedures: ActionSpec[] = u.otherOrdersSameDay.map((ref) => ({ type: 'delete', resourceId: ref, description: `Remove ${ref}: another procedure is kept for this visit` }));
    if (others.length + otherProcedures.length > 0) {
      const count = others.length + otherProcedures.length;
      suggestions.push({
        label: `Keep only this ${label(u)}; cancel the other procedure${count > 1 ? 's' : ''} on ${u.date}`,
        actions: [...others.map((o) => cancel(o, 'another procedure is kept for this visit')), ...otherProcedures],
      });
    }
  }

  if (notMet(results, 'thoracic-injection') || notMet(results, 'thoracic-radiofrequency')) {
    suggestions.push({ label: `Cancel the thoracic ${u.kind === 'injection' ? 'facet injection' : 'neurotomy'} (not medically necessary, ${u.kind === 'injection' ? 'I.C' : 'I.E'})`, actions: u.orders.map((o) => cancel(o, 'thoracic facet interventions are not medically necessary')) });
    return markFirstRecommended(suggestions);
  }

  if (notMet(results, 'second-block-relief') || notMet(results, 'diagnostic-block-limit')) {
    const why = notMet(results, 'second-block-relief') ? 'the first block gave less than 80% relief' : 'two diagnostic blocks are already on record';
    suggestions.push({ label: `Cancel this diagnostic block (${why})`, actions: u.orders.map((o) => cancel(o, why)) });
  }

  if (u.guidance === 'ultrasound' && notMet(results, 'image-guidance')) {
    // 0213T-0218T become 64490-64495; ultrasound wording, 76942 and ultrasound order details leave the order.
    const codes: string[] = [];
    const actions = u.orders.flatMap((o) => {
      const replacements = o.codes.filter((c) => c.guidance === 'ultrasound').map((c) => [c.code, (ctx.coding.fluoroscopicEquivalent as Record<string, string>)[c.code]!] as const);
      const changed = withoutUltrasound(replacements.length > 0 ? withCodes(o.order, replacements, ctx.coding) : o.order, ctx, replacements.length > 0);
      if (!changed) return [];
      const lineCodes = o.codes.map((c) => replacements.find(([from]) => from === c.code)?.[1] ?? c.code);
      codes.push(...lineCodes);
      return [update(changed, `Order ${o.ref} with fluoroscopic or CT guidance (CPT ${lineCodes.join(', ')}), without ultrasound guidance`)];
    });
    if (actions.length > 0) suggestions.push({ label: `Order the same injection under fluoroscopic or CT guidance (CPT ${[...new Set(codes)].join(', ')})`, actions });
  }

  const levelCriterion = ['levels-diagnostic', 'levels-initial-rf', 'levels-repeat-rf', 'levels-therapeutic'].find((id) => notMet(results, id));
  if (levelCriterion) {
    const reduced = reduceLevels(ctx, u.levelNames.slice(0, ctx.t.maxLevelsPerSession), u.levelCount - ctx.t.maxLevelsPerSession);
    if (reduced.actions.length > 0) suggestions.push({ label: `Treat at most ${ctx.t.maxLevelsPerSession} levels${reduced.dropped.length > 0 ? ` (drop ${reduced.dropped.join(', ')})` : ''}`, actions: reduced.actions });
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
      suggestions.push({ label: `Cancel this ${label(u)} (${why})`, actions: u.orders.map((o) => cancel(o, why)) });
    }
  }

  const timing = resultList.filter((r) => r.status === 'not-met');
  if (timing.length > 0 && timing.every((r) => r.firstEligibleDate)) {
    // Never a date already past: a backdated order is moved to the first eligible date from today.
    const date = [ctx.today, ...timing.map((r) => r.firstEligibleDate!)].sort().at(-1)!;
    suggestions.push({
      label: `Schedule on ${date}, the first date the order qualifies`,
      actions: u.orders.map((o) => update(withOccurrence(o.order, date), `Set ${o.ref} to occur on ${date}`)),
    });
  }

  if (gap(results, 'physical-therapy') && !physicalTherapyDrafted(input, ctx)) {
    suggestions.push({
      label: 'Add a physical therapy referral (at least 4 weeks) as a companion order',
      actions: [{ type: 'create', description: 'Create a physical therapy referral for the back or neck pain', resource: physicalTherapyReferral(u.orders[0]!.order, input.patientId, ctx) }],
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
function physicalTherapyDrafted(input: PolicyInput<Thresholds>, ctx: FacetContext): boolean {
  return (input.facts.draftOrders ?? []).some((record) =>
    (record.fields.codings ?? []).some((c) => ctx.vs.physicalTherapy!.matchesCoding(c as { system?: string; code?: string })),
  );
}

function markFirstRecommended(suggestions: SuggestionSpec[]): SuggestionSpec[] {
  return suggestions.map((s, i) => (i === 0 ? { ...s, isRecommended: true } : s));
}

function cancel(o: OrderInfo, why: string): ActionSpec {
  return { type: 'delete', resourceId: o.ref, description: `Remove ${o.ref} (CPT ${o.codes.map((c) => c.code).join(', ')}): ${why}` };
}

function update(resource: ServiceRequest, description: string): ActionSpec {
  return { type: 'update', resource, description };
}

/** The order with CPT codes swapped (in code.coding and in CRD billing options); its text follows the new code. */
function withCodes(order: ServiceRequest, replacements: ReadonlyArray<readonly [string, string]>, coding: CodingData): ServiceRequest {
  const copy = structuredClone(order);
  const swap = (c: { system?: string; code?: string; display?: string }) => {
    const hit = replacements.find(([from]) => canonicalSystem(c.system) === SYSTEMS.cpt && c.code === from);
    if (!hit) return;
    c.code = hit[1];
    c.display = (coding.procedures as Record<string, { display: string }>)[hit[1]]!.display;
  };
  copy.code?.coding?.forEach(swap);
  copy.code?.extension?.forEach((e) => e.url === BILLING_OPTIONS_URL && e.valueCodeableConcept?.coding?.forEach(swap));
  if (copy.code?.text) copy.code.text = (coding.procedures as Record<string, { display: string }>)[replacements[0]![1]]!.display;
  return copy;
}

function withOccurrence(order: ServiceRequest, date: string): ServiceRequest {
  const copy = structuredClone(order);
  delete copy.occurrencePeriod;
  delete copy.occurrenceTiming;
  copy.occurrenceDateTime = date;
  return copy;
}

/**
 * Keeps only `keep` of the unit's levels: the others leave bodySite, and add-on lines lose quantity (or go)
 * until the codes count `excess` fewer levels. The primary line always stays.
 */
function reduceLevels(ctx: FacetContext, keep: string[], excess: number): { actions: ActionSpec[]; dropped: string[] } {
  const u = ctx.unit;
  const max = keep.length;
  const dropped = u.levelNames.filter((l) => !keep.includes(l));
  const actions: ActionSpec[] = [];
  const byRole: Record<LevelRole, number> = { 'third-plus': 0, second: 1, first: 2 };
  const orders = [...u.orders].sort((a, b) => byRole[a.codes[0]!.level] - byRole[b.codes[0]!.level]);
  for (const o of orders) {
    let changed = structuredClone(o.order);
    let touched = false;
    if (dropped.length > 0 && changed.bodySite) {
      const sites = changed.bodySite.flatMap((site): CodeableConcept[] => {
        const levels = levelsOf([site], ctx.coding);
        if (levels.length === 0 || levels.every((l) => keep.includes(l))) return [site];
        const kept = levels.filter((l) => keep.includes(l));
        touched = true;
        return kept.length === 0 ? [] : [{ text: kept.join(', ') }];
      });
      if (sites.length > 0) changed.bodySite = sites;
      else delete changed.bodySite;
    }
    const role = o.codes.length === 1 ? o.codes[0]!.level : 'first';
    if (excess > 0 && role !== 'first') {
      const lines = o.levelsFromCodes;
      if (lines <= excess) {
        actions.push({ type: 'delete', resourceId: o.ref, description: `Remove ${o.ref} (CPT ${o.codes[0]!.code}): only ${max} level${max === 1 ? '' : 's'} kept` });
        excess -= lines;
        continue;
      }
      changed = { ...changed, quantityQuantity: { value: lines - excess } };
      excess = 0;
      touched = true;
    }
    if (touched) actions.push(update(changed, `Limit ${o.ref} to ${keep.join(', ') || `${max} levels`}`));
  }
  return { actions, dropped };
}

/** Replaces the unit's orders (delete) with a new procedure for the same region and levels (create): the lines the codes need. */
function replaceWith(ctx: FacetContext, region: Region, target: 'diagnostic-block' | 'radiofrequency', patientId: string, note: string, date?: string): SuggestionSpec {
  const u = ctx.unit;
  const codes = target === 'diagnostic-block' ? ctx.coding.diagnosticBlock[region] : ctx.coding.conventionalRadiofrequency[region];
  const template = u.orders[0]!.order;
  const lines: Array<{ code: string; quantity?: number }> = [{ code: codes.first }];
  if (u.levelCount >= 2) lines.push({ code: codes.second, ...(target === 'radiofrequency' && u.levelCount > 2 ? { quantity: u.levelCount - 1 } : {}) });
  if (u.levelCount >= 3 && target === 'diagnostic-block') lines.push({ code: (codes as unknown as Record<string, string>)['third-plus']!, ...(u.levelCount > 3 ? { quantity: u.levelCount - 2 } : {}) });
  const creates: ActionSpec[] = lines.map((line) => ({
    type: 'create',
    description: `Create ${target === 'diagnostic-block' ? 'a diagnostic medial branch block' : 'a conventional radiofrequency neurotomy'} order (CPT ${line.code}${line.quantity ? ` × ${line.quantity}` : ''})`,
    resource: newOrder(date ? withOccurrence(template, date) : template, patientId, line.code, line.quantity, ctx, target === 'diagnostic-block' ? [ctx.coding.intentCodes.diagnostic] : [], note),
  }));
  const codeList = lines.map((l) => l.code).join(', ');
  return {
    label:
      target === 'diagnostic-block'
        ? `Order a diagnostic medial branch block instead (CPT ${codeList})`
        : `Order conventional radiofrequency neurotomy ${date ? `on ${date}, the first date it qualifies, ` : ''}instead (CPT ${codeList})`,
    actions: [...u.orders.map((o) => cancel(o, target === 'diagnostic-block' ? 'replaced by a diagnostic block' : 'replaced by conventional radiofrequency neurotomy')), ...creates],
  };
}

/** A draft order built from the one it replaces: same patient, requester, date, body sites and reasons. */
function newOrder(
  template: ServiceRequest,
  patientId: string,
  code: string,
  quantity: number | undefined,
  ctx: FacetContext,
  details: Array<{ system: string; code: string; display: string }>,
  note: string,
): ServiceRequest {
  const display = (ctx.coding.procedures as Record<string, { display: string }>)[code]!.display;
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: template.intent ?? 'order',
    code: { coding: [{ system: SYSTEMS.cpt, code, display }], text: display },
    subject: template.subject ?? { reference: `Patient/${patientId}` },
    ...(template.encounter ? { encounter: template.encounter } : {}),
    ...(template.requester ? { requester: template.requester } : {}),
    authoredOn: ctx.today,
    ...(template.occurrenceDateTime ? { occurrenceDateTime: template.occurrenceDateTime } : {}),
    ...(template.bodySite ? { bodySite: structuredClone(template.bodySite) } : {}),
    ...reasonsFor(template, ctx),
    ...(quantity ? { quantityQuantity: { value: quantity } } : {}),
    ...(details.length > 0 ? { orderDetail: details.map((d) => ({ coding: [d], text: d.display })) } : {}),
    note: [{ text: note }],
  };
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

/** The replaced order's reasons; when it gives none, the patient's current back or neck pain diagnoses. */
function reasonsFor(template: ServiceRequest, ctx: FacetContext): Pick<ServiceRequest, 'reasonCode' | 'reasonReference'> {
  if (template.reasonCode || template.reasonReference) {
    return {
      ...(template.reasonCode ? { reasonCode: structuredClone(template.reasonCode) } : {}),
      ...(template.reasonReference ? { reasonReference: structuredClone(template.reasonReference) } : {}),
    };
  }
  const pain = regionPainDiagnoses(ctx);
  return pain.length > 0 ? { reasonReference: pain.map((c) => ({ reference: c.ref, display: c.text })) } : {};
}

/**
 * The order without its ultrasound guidance: the 76942 coding (in code and order details), order details
 * and notes that say ultrasound, and an ultrasound code text. Undefined when nothing would change.
 */
function withoutUltrasound(order: ServiceRequest, ctx: FacetContext, codesSwapped: boolean): ServiceRequest | undefined {
  const us = ctx.vs.ultrasoundGuidance!;
  const copy = structuredClone(order);
  let changed = codesSwapped;
  const keepCoding = (c: { system?: string; code?: string }) => !us.matchesCoding(c);
  if (copy.code?.coding?.some((c) => !keepCoding(c))) {
    copy.code.coding = copy.code.coding.filter(keepCoding);
    changed = true;
  }
  if (copy.code?.text && us.matchesText(copy.code.text)) {
    const first = copy.code.coding?.find((c) => c.display)?.display;
    if (first) copy.code.text = first;
    else delete copy.code.text;
    changed = true;
  }
  if (copy.orderDetail?.some((d) => us.matchesConcept(d))) {
    copy.orderDetail = copy.orderDetail.filter((d) => !us.matchesConcept(d));
    if (copy.orderDetail.length === 0) delete copy.orderDetail;
    changed = true;
  }
  if (copy.note?.some((n) => us.matchesText(n.text))) {
    copy.note = copy.note.filter((n) => !us.matchesText(n.text));
    if (copy.note.length === 0) delete copy.note;
    changed = true;
  }
  return changed ? copy : undefined;
}
