import type { Coding } from 'fhir/r4';
import type { Evidence } from '../../decision/types';
import type { FactRecord } from '../../facts/extract';
import type { Chart, ChartProcedure } from '../chart/model';
import { dateOf } from '../dates';
import { describe } from '../fields';
import { laterEvidence } from '../timeline';
import type { ValueSets } from '../types';
import { ORDER_FIELDS, procedureCodes, type OrderInfo, type ProcedureKind, type SpineCoding } from './orders';
import type { Region } from './regions';
import type { PriorSession } from './sessions';

/**
 * What else is done on a procedure's date (a visit): the other procedures of this request (facet or not)
 * and the procedures on the chart for that date. Policies limit it differently (CP.MP.171 one procedure per
 * visit; the LCD other blocks the same day only with documented necessity); the reading is the same.
 */

/** The procedure whose visit is read: its date, kind and region. */
export interface VisitProcedure {
  date: string;
  kind: ProcedureKind;
  region?: Region;
}

/** The value set of other invasive pain procedures a visit is read with. */
export const VISIT_VALUE_SETS = ['otherPainProcedures'];

/** Not yet done, so planned for their date: a procedure in preparation or in progress. */
const PLANNED = new Set(['preparation', 'in-progress']);
const VISIT_STATUS = new Set(['completed', 'in-progress', 'preparation']);

/** The chart's procedures done by today, and those planned for a later date (a completed one dated later is not evidence). */
export function proceduresForVisits(chart: Chart): ChartProcedure[] {
  return [...chart.procedures, ...chart.later.procedures.filter((p) => PLANNED.has(p.status))];
}

/** Codes or words of one of the value sets (by name). */
function namedBy(valueSets: string[], vs: ValueSets, codings: Coding[], text: string | undefined): boolean {
  return valueSets.some((name) => codings.some((c) => vs[name]!.matchesCoding(c)) || vs[name]!.matchesText(text));
}

/**
 * Draft orders of this request, outside this policy's scope, for another invasive pain procedure (an epidural,
 * an SI joint injection…; `valueSets` name what counts, by default `otherPainProcedures`).
 */
export function otherPainOrders(draftOrders: FactRecord[], inScope: OrderInfo[], vs: ValueSets, valueSets: string[] = VISIT_VALUE_SETS): FactRecord[] {
  const refs = new Set(inScope.map((o) => o.ref));
  return draftOrders.filter((r) => !refs.has(r.ref) && namedBy(valueSets, vs, ORDER_FIELDS.codings(r, 'codings'), ORDER_FIELDS.string(r, 'codeText')));
}

/** A procedure on the chart that is an invasive pain procedure and not a facet one. */
function isOtherPainProcedure(p: ChartProcedure, vs: ValueSets, coding: SpineCoding, valueSets: string[]): boolean {
  if (procedureCodes(p.codings, coding).length > 0) return false;
  return namedBy(valueSets, vs, p.codings, p.text);
}

function orderText(record: FactRecord): string {
  const list = ORDER_FIELDS.codings(record, 'codings');
  const text = describe(list, ORDER_FIELDS.string(record, 'codeText'));
  const code = list.find((c) => c.code)?.code;
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

/**
 * The other procedures of the unit's date, each naming its resource: other units of this request, facet
 * procedures on record (another kind or region), other invasive procedures ordered or on record; a
 * "completed" record dated after today is listed as set aside. `otherOrders` are the draft orders a
 * "keep only this procedure" suggestion may cancel.
 */
export function sameVisit(
  unit: VisitProcedure,
  otherUnits: Array<{ date: string; label: string; ref: string }>,
  facetOnRecord: PriorSession[],
  otherOrders: FactRecord[],
  visitProcedures: ChartProcedure[],
  chart: Chart,
  ctx: { vs: ValueSets; coding: SpineCoding; today: string; otherProcedures?: string[] },
): { evidence: Evidence[]; otherOrders: string[] } {
  const others = ctx.otherProcedures ?? VISIT_VALUE_SETS;
  const sameDay = (date: string | undefined) => date === unit.date;
  const units: Evidence[] = otherUnits.filter((u) => sameDay(u.date)).map((u) => ({ text: `${u.label}, ordered in this request`, reference: u.ref }));
  const recorded: Evidence[] = facetOnRecord
    .filter((s) => sameDay(s.date) && !(s.kind === unit.kind && (s.region ?? unit.region) === unit.region))
    .map((s) => ({ text: `${s.label}, on record`, reference: s.refs[0] }));
  const ordered = otherOrders.filter((r) => sameDay(dateOf(ORDER_FIELDS.string(r, 'occurrence')) ?? ctx.today));
  const orderedEvidence: Evidence[] = ordered.map((r) => ({ text: `${orderText(r)}, ordered in this request (an invasive pain procedure)`, reference: r.ref }));
  const onRecord: Evidence[] = visitProcedures
    .filter((p) => sameDay(p.date) && VISIT_STATUS.has(p.status) && isOtherPainProcedure(p, ctx.vs, ctx.coding, others))
    .map((p) => ({ text: `${p.text}, on record (${p.status}; an invasive pain procedure)`, reference: p.ref }));
  const setAside = laterEvidence(
    chart.later.procedures
      .filter((p) => sameDay(p.date) && !PLANNED.has(p.status) && (procedureCodes(p.codings, ctx.coding).length > 0 || isOtherPainProcedure(p, ctx.vs, ctx.coding, others)))
      .map((p) => ({ ref: p.ref, text: `${p.text} (${p.status})`, date: p.date })),
    ctx.today,
  );
  return {
    evidence: [...units, ...recorded, ...orderedEvidence, ...onRecord, ...setAside],
    // Only orders with an id can be cancelled by a suggestion.
    otherOrders: ordered.map((r) => r.ref).filter((ref) => !ref.includes('/#')),
  };
}
