import type { ServiceRequest } from 'fhir/r4';
import type { Evidence, Finding, PolicyInput } from '../../decision/types';
import type { CriterionSpec } from '../criterion';
import { met, notMet } from '../criterion';
import type { FactSet } from '../../facts/extract';
import type { Chart } from '../chart/model';
import type { ChartModel } from '../chart/read';
import type { ValueSets } from '../types';
import { busiestSideCount, sortLevels, type Laterality } from './levels';
import { ORDER_FIELDS, isLineOf, readOrder, sessionFacetOrders, type Guidance, type GuidanceCited, type Intent, type Modality, type NonFacetJoint, type OrderInfo, type ProcedureKind, type SessionFacetOrder, type SpineCoding, type Target } from './orders';
import type { Region } from './regions';
import { facetSessions, type PriorSession } from './sessions';
import { otherPainOrders, proceduresForVisits, sameVisit } from './visit';

/**
 * The in-scope orders of a request as procedures: orders of the same date, kind and region are one
 * procedure (64493 + 64494 are one two-level block), read together (levels, side, guidance, intent), with
 * what else is done that day. Policies add their own reading of the history (pathways, caps) on top.
 */

export interface ProcedureUnit {
  orders: OrderInfo[];
  kind: ProcedureKind;
  guidance: Guidance;
  guidanceEvidence: string;
  modality?: Modality;
  region?: Region;
  regionEvidence: string;
  levelCount: number;
  levelNames: string[];
  levelEvidence: string;
  laterality: Laterality;
  date: string;
  dateFromOrder: boolean;
  /** Diagnostic or therapeutic as marked on the order(s). */
  intent?: Intent;
  intentEvidence?: string;
  /** Medial branch block or intra-articular, when every order that says says the same. */
  target?: Target;
  targetEvidence?: string;
  /** Set when the orders name a joint that is not a facet joint: the unit is not decided as a facet procedure. */
  nonFacetJoint?: NonFacetJoint;
}

/** A procedure with what else happens on its date. */
export interface ProcedureOfVisit extends ProcedureUnit {
  /** Other procedures on the same date (this session's orders or the record), each naming its resource. */
  sameVisit: Evidence[];
  /** Draft orders of this request (outside this policy's scope) for other invasive pain procedures that day. */
  otherOrdersSameDay: string[];
}

export interface SpinalProcedures {
  /** Every in-scope order, read. */
  orders: OrderInfo[];
  /** Facet procedures on record done by the decision date, one per session. */
  sessions: PriorSession[];
  /** The request's facet orders this call does not decide (order-select's unselected ones): procedures of their date too. */
  undecided: SessionFacetOrder[];
  /** The orders as procedures, each with its key (date|kind|region) and the regions its history is read for. */
  procedures: Array<{ key: string; unit: ProcedureOfVisit; regions: Region[] }>;
  /** Facet procedures on the chart for a visit: done, in progress or in preparation, those planned after today included. */
  visitSessions: PriorSession[];
}

export interface SpinalReading {
  facts: FactSet;
  orders: ServiceRequest[];
  chart: Chart;
  vs: ValueSets;
  coding: SpineCoding;
  today: string;
  /** The value sets of other invasive procedures a visit is read for (default `otherPainProcedures`). */
  otherProcedures?: string[];
  /** The policy's references for the guidance each code carries (readOrder). */
  guidanceCited?: GuidanceCited;
  /** Characters of each text field read (the service's limits.maxTextCharsPerField). */
  maxTextChars: number;
}

/**
 * A spine policy's request read: its chart (built once per request with the policy's chart model) and its
 * in-scope orders as procedures (readSpinalProcedures), with the policy's value sets and code tables.
 */
export function readSpinalRequest(
  input: PolicyInput<unknown, SpineCoding>,
  chartModel: ChartModel,
  options: Pick<SpinalReading, 'otherProcedures' | 'guidanceCited'> = {},
): SpinalProcedures & { chart: Chart } {
  const chart = chartModel.forRequest(input);
  const { valueSets: vs, coding } = input.policy;
  const maxTextChars = input.service.limits.maxTextCharsPerField;
  return { chart, ...readSpinalProcedures({ facts: input.facts, orders: input.orders, chart, vs, coding, today: input.today, maxTextChars, ...options }) };
}

/** Reads the request's in-scope orders as procedures, with the facet history and what else happens each day. */
export function readSpinalProcedures({ facts, orders, chart, vs, coding, today, otherProcedures, guidanceCited, maxTextChars }: SpinalReading): SpinalProcedures {
  const drafts = ORDER_FIELDS.records(facts);
  const records = new Map(drafts.map((r) => [r.ref, r]));
  const read = orders.map((order) => readOrder(order, records.get(`ServiceRequest/${order.id}`)!, { vs, coding, chart, today, maxTextChars, ...(guidanceCited ? { guidanceCited } : {}) }));
  const hctx = { chart, vs, coding };
  const sessions = facetSessions(hctx);
  // For a visit, a procedure planned for a later date (in preparation or in progress) is on the chart for that
  // date; a "completed" one dated after today is not evidence and is set aside.
  const visitProcedures = proceduresForVisits(chart);
  const recordedToday = facetSessions(hctx, ['completed', 'in-progress', 'preparation'], visitProcedures);
  const otherOrders = otherPainOrders(drafts, read, vs, otherProcedures);
  const undecided = sessionFacetOrders(drafts, read, { vs, coding, today });
  const procedures = [...groupIntoProcedures(read).entries()].map(([key, group]) => {
    const unit = procedureUnit(group);
    const regions = unit.region ? [unit.region] : [...new Set(group.flatMap((o) => o.codes.flatMap((c) => c.regions)))];
    return { key, unit: { ...unit, sameVisit: [] as Evidence[], otherOrdersSameDay: [] as string[] }, regions };
  });
  for (const { key, unit } of procedures) {
    const others = [
      ...procedures.filter((p) => p.key !== key).map((p) => ({ date: p.unit.date, label: unitLabel(p.unit), ref: p.unit.orders[0]!.ref })),
      ...undecided.filter((o) => !isLineOf(o, unit)).map((o) => ({ date: o.date, label: o.label, ref: o.ref })),
    ];
    const visit = sameVisit(unit, others, recordedToday, otherOrders, visitProcedures, chart, { vs, coding, today, ...(otherProcedures ? { otherProcedures } : {}) });
    unit.sameVisit = visit.evidence;
    unit.otherOrdersSameDay = visit.otherOrders;
  }
  return { orders: read, sessions, procedures, undecided, visitSessions: recordedToday };
}

/**
 * Orders of the same date, kind and region are one procedure. An order whose region is not charted (an
 * add-on line without bodySite) joins the one procedure of that date and kind its code allows, if there is
 * exactly one; otherwise it stands alone and its region is left undetermined.
 */
export function groupIntoProcedures(orders: OrderInfo[]): Map<string, OrderInfo[]> {
  const groups = new Map<string, OrderInfo[]>();
  const add = (key: string, order: OrderInfo) => groups.set(key, [...(groups.get(key) ?? []), order]);
  // An order naming another joint (a sacroiliac joint under a facet code) is not part of a facet procedure.
  for (const order of orders.filter((o) => o.nonFacetJoint)) add(`${order.date}|${order.kind}|non-facet|${order.ref}`, order);
  const facet = orders.filter((o) => !o.nonFacetJoint);
  for (const order of facet.filter((o) => o.region)) add(`${order.date}|${order.kind}|${order.region}`, order);
  for (const order of facet.filter((o) => !o.region)) {
    const allowed = new Set(order.codes.flatMap((c) => c.regions));
    const candidates = [...groups.keys()].filter((key) => {
      const [date, kind, region, nonFacet] = key.split('|');
      return date === order.date && kind === order.kind && allowed.has(region as Region) && nonFacet === undefined;
    });
    add(candidates.length === 1 ? candidates[0]! : `${order.date}|${order.kind}|unknown`, order);
  }
  return groups;
}

/** One procedure's orders read together: levels, side, guidance, technique, date and intent. */
export function procedureUnit(orders: OrderInfo[]): ProcedureUnit {
  const first = orders[0]!;
  const ultrasound = orders.find((o) => o.guidance === 'ultrasound');
  const modality = worstModality(orders.map((o) => o.modality).filter((m): m is Modality => m !== undefined));
  const laterality = combinedLaterality(orders.map((o) => o.laterality));
  const explicitLevels = orders.every((o) => o.levels.length > 0);
  const levelNames = explicitLevels ? sortLevels(orders.flatMap((o) => o.levels)) : [];
  const codeCount = busiestSideCount(orders.map((o) => ({ laterality: o.laterality, levels: o.levelsFromCodes })));
  // The claim bills what the CPT lines say: when they count more levels than bodySite names, they are the count.
  const levelCount = explicitLevels ? Math.max(levelNames.length, codeCount) : codeCount;
  const intents = new Set(orders.map((o) => o.intent).filter((i): i is Intent => i !== undefined));
  const intentOrder = intents.size === 1 ? orders.find((o) => o.intent) : undefined;
  const targets = new Set(orders.map((o) => o.target).filter((t): t is Target => t !== undefined));
  const targetOrder = targets.size === 1 ? orders.find((o) => o.target) : undefined;
  return {
    orders,
    kind: first.kind,
    guidance: ultrasound ? 'ultrasound' : 'fluoroscopy-ct',
    guidanceEvidence: (ultrasound ?? first).guidanceEvidence,
    ...(modality ? { modality } : {}),
    ...(first.region ? { region: first.region } : {}),
    regionEvidence: first.regionEvidence,
    levelCount,
    levelNames,
    levelEvidence: explicitLevels
      ? `${levelNames.join(', ')} on the order${codeCount > levelNames.length ? `, but the CPT lines bill ${codeCount}` : codeCount < levelNames.length ? `; the CPT lines account for ${codeCount}` : ''}`
      : `counted from CPT ${orders.flatMap((o) => o.codes.map((c) => c.code)).join(', ')}${laterality === 'bilateral' ? ' (bilateral counts once)' : ''}`,
    laterality,
    date: first.date,
    dateFromOrder: first.dateFromOrder,
    ...(intentOrder ? { intent: intentOrder.intent, intentEvidence: intentOrder.intentEvidence } : {}),
    ...(targetOrder ? { target: targetOrder.target, targetEvidence: targetOrder.targetEvidence } : {}),
    ...(first.nonFacetJoint ? { nonFacetJoint: first.nonFacetJoint } : {}),
  };
}

function combinedLaterality(sides: Laterality[]): Laterality {
  if (sides.includes('bilateral') || (sides.includes('left') && sides.includes('right'))) return 'bilateral';
  if (sides.includes('left')) return 'left';
  if (sides.includes('right')) return 'right';
  return 'unspecified';
}

function worstModality(list: Modality[]): Modality | undefined {
  if (list.includes('pulsed')) return 'pulsed';
  if (list.includes('non-conventional')) return 'non-conventional';
  return list[0];
}

const KIND_LABEL = { injection: 'facet joint injection', radiofrequency: 'radiofrequency neurotomy', unlisted: 'facet denervation' } as const;

/** The codes of a procedure's orders, each once: "64493, 64494". */
export function unitCodes(unit: Pick<ProcedureUnit, 'orders'>): string {
  return [...new Set(unit.orders.flatMap((o) => o.codes.map((c) => c.code)))].join(', ');
}

/** "Lumbar facet joint injection, 2 levels (CPT 64493, 64494)". */
export function unitLabel(unit: ProcedureUnit): string {
  if (unit.nonFacetJoint) return `CPT ${unitCodes(unit)} order naming another joint`;
  const region = unit.region ? `${unit.region[0]!.toUpperCase()}${unit.region.slice(1)}` : 'Cervical/thoracic';
  const kind = unit.kind === 'radiofrequency' && unit.modality === 'pulsed' ? 'pulsed radiofrequency neurotomy' : KIND_LABEL[unit.kind];
  const guidance = unit.guidance === 'ultrasound' ? ' (ultrasound-guided)' : '';
  return `${region} ${kind}${guidance}, ${unit.levelCount} level${unit.levelCount === 1 ? '' : 's'} (CPT ${unitCodes(unit)})`;
}

/** How the orders were read (procedure, region, levels, date), shown on the card; a policy adds its pathway line. */
export function unitReadAs(unit: ProcedureUnit): string[] {
  if (unit.nonFacetJoint) {
    return [`Not decided as a facet procedure: its ${unit.nonFacetJoint.evidence} names a joint that is not a facet joint; it appears to be ${unit.nonFacetJoint.appearsToBe}`];
  }
  return [
    `Procedure: ${KIND_LABEL[unit.kind]}${unit.modality ? `, ${unit.modality} technique` : ''}; ${unit.guidanceEvidence}`,
    `Region: ${unit.region ?? 'not determined'} (${unit.regionEvidence})`,
    `Levels: ${unit.levelCount} (${unit.levelEvidence}); side: ${unit.laterality}`,
    `Date: ${unit.date} (${unit.dateFromOrder ? 'occurrence on the order' : 'no occurrence on the order, so the decision date'})`,
  ];
}

/**
 * Whether the procedure is a facet joint procedure at all: a facet CPT code is not enough, an order whose
 * code text or bodySite names another joint (a sacroiliac joint) is not one; the card says what it appears
 * to be and asks for the order to be corrected.
 */
export function facetJointFinding(unit: ProcedureUnit): Finding {
  const other = unit.nonFacetJoint;
  if (!other) return met('The order names no joint other than a facet joint');
  return notMet(
    `It appears to be ${other.appearsToBe}, not a facet joint procedure: its ${other.evidence} names another joint under CPT ${unitCodes(unit)}. Correct the order's code, or its text and body site`,
    unit.orders.map((o) => ({ text: `${o.nonFacetJoint?.evidence ?? 'order'} under CPT ${o.codes.map((c) => c.code).join(', ')}`, reference: o.ref })),
  );
}

/**
 * The criterion every facet policy starts with (CP.MP.171 Table 1, the LCD's codes): the order is a facet
 * joint procedure, whatever else applies (facetJointFinding). A policy cites it under its own id.
 */
export const FACET_JOINT_TARGET: CriterionSpec<{ unit: ProcedureUnit }> = {
  dependsOn: [],
  categorical: true,
  appliesTo: () => true,
  evaluate: ({ unit }) => facetJointFinding(unit),
};
