import type { CodeableConcept, ServiceRequest } from 'fhir/r4';
import type { ActionSpec, SuggestionSpec } from '../../decision/types';
import { SYSTEMS, canonicalSystem } from '../../fhir/code-systems';
import { BILLING_OPTIONS_URL } from '../../fhir/order-codes';
import { cancelOrder, updateOrder, withOccurrence } from '../suggestions';
import type { ValueSets } from '../types';
import { levelsOf } from './levels';
import type { LevelRole, SpineCoding } from './orders';
import { regionPainDiagnoses, type Region, type RegionReading } from './regions';
import type { ProcedureUnit } from './units';

/**
 * Alternatives for spinal procedure orders built from the declaration's code tables: the same injection
 * under fluoroscopy, fewer levels, a diagnostic block or a conventional neurotomy instead.
 */

/** The code tables the alternatives are built from (coding.json). */
export interface SpineSuggestionCoding extends SpineCoding {
  /** Ultrasound-guided code → the same procedure under fluoroscopy or CT (0216T → 64493). */
  fluoroscopicEquivalent: Record<string, string>;
  /** Region → the diagnostic block codes by level role. */
  diagnosticBlock: Record<Region, Record<LevelRole, string>>;
  /** Region → the conventional neurotomy codes (first joint, each additional). */
  conventionalRadiofrequency: Record<Region, { first: string; second: string }>;
  intentCodes: { diagnostic: { system: string; code: string; display: string }; therapeutic: { system: string; code: string; display: string } };
}

/** What alternatives are built from: the procedure, the chart (for reasons), the code tables and the day. */
export interface SpineSuggesting extends RegionReading {
  unit: ProcedureUnit;
  coding: SpineSuggestionCoding;
}

function display(coding: SpineCoding, code: string): string {
  return coding.procedures[code]!.display;
}

/** The order with CPT codes swapped (in code.coding and in CRD billing options); its text follows the new code. */
export function withCodes(order: ServiceRequest, replacements: ReadonlyArray<readonly [string, string]>, coding: SpineCoding): ServiceRequest {
  const copy = structuredClone(order);
  const swap = (c: { system?: string; code?: string; display?: string } | null) => {
    if (!c || typeof c !== 'object') return; // the order goes back as sent: odd entries stay, untouched
    const hit = replacements.find(([from]) => canonicalSystem(c.system) === SYSTEMS.cpt && c.code === from);
    if (!hit) return;
    c.code = hit[1];
    c.display = display(coding, hit[1]);
  };
  copy.code?.coding?.forEach(swap);
  copy.code?.extension?.forEach((e) => e?.url === BILLING_OPTIONS_URL && e.valueCodeableConcept?.coding?.forEach(swap));
  if (copy.code?.text) copy.code.text = display(coding, replacements[0]![1]);
  return copy;
}

/**
 * "Order the same injection under fluoroscopic or CT guidance": 0213T-0218T become 64490-64495; ultrasound
 * wording, 76942 and ultrasound order details leave the order. Undefined when nothing would change.
 */
export function fluoroscopicAlternative(ctx: SpineSuggesting): SuggestionSpec | undefined {
  const codes: string[] = [];
  const actions = ctx.unit.orders.flatMap((o) => {
    const replacements = o.codes.filter((c) => c.guidance === 'ultrasound').map((c) => [c.code, ctx.coding.fluoroscopicEquivalent[c.code]!] as const);
    const changed = withoutUltrasound(replacements.length > 0 ? withCodes(o.order, replacements, ctx.coding) : o.order, ctx.vs, replacements.length > 0, o.maxTextChars);
    if (!changed) return [];
    const lineCodes = o.codes.map((c) => replacements.find(([from]) => from === c.code)?.[1] ?? c.code);
    codes.push(...lineCodes);
    return [updateOrder(changed, `Order ${o.ref} with fluoroscopic or CT guidance (CPT ${lineCodes.join(', ')}), without ultrasound guidance`)];
  });
  return actions.length > 0 ? { label: `Order the same injection under fluoroscopic or CT guidance (CPT ${[...new Set(codes)].join(', ')})`, actions } : undefined;
}

/**
 * The order without its ultrasound guidance: the 76942 coding (in code and order details), order details
 * and notes that say ultrasound, and an ultrasound code text. Undefined when nothing would change. Text is
 * read up to `maxTextChars` per field, as the decision read it: what was not read is not acted upon.
 */
export function withoutUltrasound(order: ServiceRequest, vs: ValueSets, codesSwapped: boolean, maxTextChars = Infinity): ServiceRequest | undefined {
  const ultrasound = vs.ultrasoundGuidance!;
  const us = {
    matchesCoding: (c: { system?: string; code?: string }) => ultrasound.matchesCoding(c),
    matchesText: (text: unknown) => typeof text === 'string' && ultrasound.matchesText(text.length > maxTextChars ? text.slice(0, maxTextChars) : text),
    matchesConcept: (concept: CodeableConcept) => ultrasound.matchesConcept(boundedConcept(concept, maxTextChars)),
  };
  const copy = structuredClone(order);
  let changed = codesSwapped;
  const keepCoding = (c: { system?: string; code?: string }) => !us.matchesCoding(c);
  if (copy.code?.coding?.some((c) => !keepCoding(c))) {
    copy.code.coding = copy.code.coding.filter(keepCoding);
    changed = true;
  }
  if (copy.code?.text && us.matchesText(copy.code.text)) {
    const first = copy.code.coding?.find((c) => typeof c?.display === 'string' && c.display !== '')?.display;
    if (first) copy.code.text = first;
    else delete copy.code.text;
    changed = true;
  }
  if (copy.orderDetail?.some((d) => us.matchesConcept(d))) {
    copy.orderDetail = copy.orderDetail.filter((d) => !us.matchesConcept(d));
    if (copy.orderDetail.length === 0) delete copy.orderDetail;
    changed = true;
  }
  if (copy.note?.some((n) => us.matchesText(n?.text))) {
    copy.note = copy.note.filter((n) => !us.matchesText(n?.text));
    if (copy.note.length === 0) delete copy.note;
    changed = true;
  }
  return changed ? copy : undefined;
}

/**
 * Keeps only `keep` of the unit's levels: the others leave bodySite, and add-on lines lose quantity (or go)
 * until the codes count `excess` fewer levels. The primary line always stays.
 */
export function reduceLevels(ctx: Pick<SpineSuggesting, 'unit' | 'coding'>, keep: string[], excess: number): { actions: ActionSpec[]; dropped: string[] } {
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
    if (touched) actions.push(updateOrder(changed, `Limit ${o.ref} to ${keep.join(', ') || `${max} levels`}`));
  }
  return { actions, dropped };
}

/** "Treat at most N levels (drop …)": the unit limited to its first `max` levels, when the orders can be changed. */
export function fewerLevels(ctx: Pick<SpineSuggesting, 'unit' | 'coding'>, max: number): SuggestionSpec | undefined {
  const reduced = reduceLevels(ctx, ctx.unit.levelNames.slice(0, max), ctx.unit.levelCount - max);
  return reduced.actions.length > 0 ? { label: `Treat at most ${max} levels${reduced.dropped.length > 0 ? ` (drop ${reduced.dropped.join(', ')})` : ''}`, actions: reduced.actions } : undefined;
}

/** Cancel every order of the unit, saying why. */
export function cancelUnit(unit: ProcedureUnit, label: string, why: string): SuggestionSpec {
  return { label, actions: unit.orders.map((o) => cancelOrder(o, why)) };
}

/**
 * Replaces the unit's orders (delete) with a new procedure for the same region and levels (create): the
 * lines the codes need. A diagnostic block is marked diagnostic (intent code in orderDetail).
 */
export function replaceWith(ctx: SpineSuggesting, region: Region, target: 'diagnostic-block' | 'radiofrequency', patientId: string, note: string, date?: string): SuggestionSpec {
  const u = ctx.unit;
  const block = ctx.coding.diagnosticBlock[region];
  const rf = ctx.coding.conventionalRadiofrequency[region];
  const template = u.orders[0]!.order;
  const lines: Array<{ code: string; quantity?: number }> = [{ code: target === 'diagnostic-block' ? block.first : rf.first }];
  if (u.levelCount >= 2) lines.push({ code: target === 'diagnostic-block' ? block.second : rf.second, ...(target === 'radiofrequency' && u.levelCount > 2 ? { quantity: u.levelCount - 1 } : {}) });
  if (u.levelCount >= 3 && target === 'diagnostic-block') lines.push({ code: block['third-plus'], ...(u.levelCount > 3 ? { quantity: u.levelCount - 2 } : {}) });
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
    actions: [...u.orders.map((o) => cancelOrder(o, target === 'diagnostic-block' ? 'replaced by a diagnostic block' : 'replaced by conventional radiofrequency neurotomy')), ...creates],
  };
}

/** A draft order built from the one it replaces: same patient, requester, date, body sites and reasons. */
export function newOrder(
  template: ServiceRequest,
  patientId: string,
  code: string,
  quantity: number | undefined,
  ctx: SpineSuggesting,
  details: Array<{ system: string; code: string; display: string }>,
  note: string,
): ServiceRequest {
  const name = display(ctx.coding, code);
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: template.intent ?? 'order',
    code: { coding: [{ system: SYSTEMS.cpt, code, display: name }], text: name },
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

/** The replaced order's reasons; when it gives none, the patient's current back or neck pain diagnoses. */
export function reasonsFor(template: ServiceRequest, ctx: RegionReading): Pick<ServiceRequest, 'reasonCode' | 'reasonReference'> {
  if (template.reasonCode || template.reasonReference) {
    return {
      ...(template.reasonCode ? { reasonCode: structuredClone(template.reasonCode) } : {}),
      ...(template.reasonReference ? { reasonReference: structuredClone(template.reasonReference) } : {}),
    };
  }
  const pain = regionPainDiagnoses(ctx);
  return pain.length > 0 ? { reasonReference: pain.map((c) => ({ reference: c.ref, display: c.text })) } : {};
}

/** A concept with its text and displays cut to `maxChars` (a copy only when one is longer). */
function boundedConcept(concept: CodeableConcept, maxChars: number): CodeableConcept {
  if (!concept || typeof concept !== 'object') return concept;
  const cut = (text: string | undefined) => (text !== undefined && text.length > maxChars ? text.slice(0, maxChars) : text);
  const long = (concept.text?.length ?? 0) > maxChars || (Array.isArray(concept.coding) && concept.coding.some((c) => (c?.display?.length ?? 0) > maxChars));
  if (!long) return concept;
  return { ...concept, ...(concept.text !== undefined ? { text: cut(concept.text) } : {}), ...(Array.isArray(concept.coding) ? { coding: concept.coding.map((c) => (c?.display !== undefined ? { ...c, display: cut(c.display) } : c)) } : {}) };
}
