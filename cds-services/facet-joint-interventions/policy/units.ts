import type { DecisionUnit, PolicyInput } from '../../../src/decision/types';
import codingJson from '../coding.json';
import { buildChart } from './chart';
import { facetSessions, positiveBlocks, regionHistory, type HistoryContext } from './history';
import { readOrder } from './orders';
import { busiestSideCount, sortLevels } from './levels';
import { atOtherSites, atSameSite, siteMatch } from './sites';
import type { Chart, FacetContext, Intent, Laterality, Modality, OrderInfo, Pathway, PriorSession, Region, RegionHistory, Thresholds, UnitInfo } from './types';
import { otherPainOrders, proceduresForVisits, sameVisit } from './visit';

const chartCache = new WeakMap<object, Chart>();

/** The chart is built once per request (keyed on the request's fact set) and shared by every unit. */
export function chartFor(input: PolicyInput<Thresholds>): Chart {
  let chart = chartCache.get(input.facts);
  if (!chart) chartCache.set(input.facts, (chart = buildChart(input.facts, input.today)));
  return chart;
}

const KIND_LABEL = { injection: 'facet joint injection', radiofrequency: 'radiofrequency neurotomy', unlisted: 'facet denervation' } as const;

/**
 * Groups the in-scope orders into procedures (same date, kind and region: 64493 + 64494 are one
 * procedure) and derives each one's context: levels, laterality, intent, pathway and history.
 */
export function prepareUnits(input: PolicyInput<Thresholds>): Array<DecisionUnit<FacetContext>> {
  const { service, facts, today } = input;
  const vs = service.valueSets;
  const t = service.definition.thresholds;
  const coding = codingJson;
  const chart = chartFor(input);
  const records = new Map((facts.draftOrders ?? []).map((r) => [r.ref, r]));
  const orders = input.orders.map((order) => readOrder(order, records.get(`ServiceRequest/${order.id}`)!, { vs, coding, chart, today }));
  const hctx: HistoryContext = { chart, vs, coding, t };
  const sessions = facetSessions(hctx);
  // For one procedure per visit, a procedure planned for a later date (in preparation or in progress) is on
  // the chart for that date; a "completed" one dated after today is not evidence and is set aside.
  const visitProcedures = proceduresForVisits(chart);
  const recordedToday = facetSessions(hctx, ['completed', 'in-progress', 'preparation'], visitProcedures);
  const otherOrders = otherPainOrders(facts.draftOrders ?? [], orders, vs);

  const groups = groupIntoProcedures(orders);

  const units = [...groups.entries()].map(([key, group]) => {
    const info = unitInfo(group);
    const regions = info.region ? [info.region] : [...new Set(group.flatMap((o) => o.codes.flatMap((c) => c.regions)))];
    const history = regionHistory(sessions, regions, info.date, hctx, group.map((o) => o.ref));
    const { pathway, evidence } = pathwayOf(info, history, t);
    const unit: UnitInfo = { ...info, pathway, pathwayEvidence: evidence, sameVisit: [], otherOrdersSameDay: [] };
    const context: FacetContext = { today, unit, chart, history, sessionOrders: orders, t, vs, coding };
    return { key, context };
  });

  for (const { key, context } of units) {
    const others = units.filter((u) => u.key !== key).map(({ context: { unit } }) => ({ date: unit.date, label: label(unit), ref: unit.orders[0]!.ref }));
    const visit = sameVisit(context.unit, others, recordedToday, otherOrders, visitProcedures, chart, { vs, coding, today });
    context.unit.sameVisit = visit.evidence;
    context.unit.otherOrdersSameDay = visit.otherOrders;
  }

  return units.map(({ key, context }) => ({
    id: key,
    label: label(context.unit),
    orders: context.unit.orders.map((o) => o.order),
    context,
    readAs: readAs(context.unit),
    summary: {
      pathway: context.unit.pathway,
      region: context.unit.region ?? 'unknown',
      levels: context.unit.levelCount,
      kind: context.unit.kind,
    },
  }));
}

/**
 * Orders of the same date, kind and region are one procedure. An order whose region is not charted (an
 * add-on line without bodySite) joins the one procedure of that date and kind its code allows, if there is
 * exactly one; otherwise it stands alone and its region is left undetermined.
 */
function groupIntoProcedures(orders: OrderInfo[]): Map<string, OrderInfo[]> {
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

function unitInfo(orders: OrderInfo[]): Omit<UnitInfo, 'pathway' | 'pathwayEvidence' | 'sameVisit' | 'otherOrdersSameDay'> {
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
      ? `${levelNames.join(', ')} from bodySite${codeCount > levelNames.length ? `, but the CPT lines bill ${codeCount}` : codeCount < levelNames.length ? `; the CPT lines account for ${codeCount}` : ''}`
      : `counted from CPT ${orders.flatMap((o) => o.codes.map((c) => c.code)).join(', ')}${laterality === 'bilateral' ? ' (bilateral counts once)' : ''}`,
    laterality,
    date: first.date,
    dateFromOrder: first.dateFromOrder,
    ...(intentOrder ? { intent: intentOrder.intent, intentEvidence: intentOrder.intentEvidence } : {}),
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

function pathwayOf(info: ReturnType<typeof unitInfo>, history: RegionHistory, t: Thresholds): { pathway: Pathway; evidence: string } {
  if (info.kind !== 'injection') {
    // A repeat neurotomy repeats "the previous treatment": one at the same joint levels (I.B.2).
    const last = atSameSite(history.radiofrequency, info.levelNames).at(-1);
    if (last) {
      const uncharted = siteMatch(last.levels, info.levelNames) === 'uncharted' ? ' (levels not charted on both: compared by region)' : '';
      return { pathway: 'repeat-radiofrequency', evidence: `repeat neurotomy: ${last.label}${uncharted}` };
    }
    const elsewhere = atOtherSites(history.radiofrequency, info.levelNames);
    return {
      pathway: 'initial-radiofrequency',
      evidence:
        elsewhere.length > 0
          ? `initial neurotomy at ${info.levelNames.join(', ')}: the earlier neurotomy in this region (${elsewhere.at(-1)!.label}, ${elsewhere.at(-1)!.levels.join(', ')}) was at other levels`
          : 'initial neurotomy: no earlier conventional radiofrequency neurotomy in this region on record',
    };
  }
  if (info.intent) return { pathway: info.intent, evidence: `${info.intent} (${info.intentEvidence ?? 'marked on the order'})` };
  const positive = positiveBlocks(history, t).length;
  if (positive >= 2) {
    return { pathway: 'therapeutic', evidence: `therapeutic (inferred: ${positive} diagnostic blocks with ≥ ${t.diagnosticReliefPercent}% relief on record in this region)` };
  }
  const blocks = history.diagnosticBlocks.length;
  return {
    pathway: 'diagnostic',
    evidence: `diagnostic block ${blocks + 1} (inferred: ${blocks} diagnostic block${blocks === 1 ? '' : 's'} on record in this region, ${positive} with ≥ ${t.diagnosticReliefPercent}% relief)`,
  };
}

export function label(unit: Omit<UnitInfo, 'pathway' | 'pathwayEvidence' | 'sameVisit' | 'otherOrdersSameDay'>): string {
  if (unit.nonFacetJoint) {
    return `CPT ${[...new Set(unit.orders.flatMap((o) => o.codes.map((c) => c.code)))].join(', ')} order naming another joint`;
  }
  const region = unit.region ? `${unit.region[0]!.toUpperCase()}${unit.region.slice(1)}` : 'Cervical/thoracic';
  const kind = unit.kind === 'radiofrequency' && unit.modality === 'pulsed' ? 'pulsed radiofrequency neurotomy' : KIND_LABEL[unit.kind];
  const guidance = unit.guidance === 'ultrasound' ? ' (ultrasound-guided)' : '';
  const codes = [...new Set(unit.orders.flatMap((o) => o.codes.map((c) => c.code)))].join(', ');
  return `${region} ${kind}${guidance}, ${unit.levelCount} level${unit.levelCount === 1 ? '' : 's'} (CPT ${codes})`;
}

function readAs(unit: UnitInfo): string[] {
  if (unit.nonFacetJoint) {
    return [`Not decided as a facet procedure: its ${unit.nonFacetJoint.evidence} names a joint that is not a facet joint; it appears to be ${unit.nonFacetJoint.appearsToBe}`];
  }
  return [
    `Procedure: ${KIND_LABEL[unit.kind]}${unit.modality ? `, ${unit.modality} technique` : ''}; ${unit.guidanceEvidence}`,
    `Region: ${unit.region ?? 'not determined'} (${unit.regionEvidence})`,
    `Levels: ${unit.levelCount} (${unit.levelEvidence}); side: ${unit.laterality}`,
    `Date: ${unit.date} (${unit.dateFromOrder ? 'occurrence on the order' : 'no occurrence on the order, so the decision date'})`,
    `Pathway: ${unit.pathwayEvidence}`,
  ];
}

export type { PriorSession };
