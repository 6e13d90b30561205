import type { DecisionUnit, PolicyInput } from '../../../src/decision/types';
import {
  CHART_SECTIONS,
  ChartModel,
  ORDER_FIELDS,
  atSameSite,
  sortSessions,
  readSpinalRequest,
  unitLabel,
  unitReadAs,
  type Chart,
  procedureUnit,
  type OrderInfo,
  type PriorSession,
  type ProcedureOfVisit,
  type ProcedureUnit,
  type Region,
  type SpineSuggestionCoding,
  type ValueSets,
} from '../../../src/kit';
import type { CptRegion, LcdContext, LcdHistory, LcdPathway, LcdThresholds, LcdUnit } from './types';

type Input = PolicyInput<LcdThresholds, SpineSuggestionCoding>;

/** The chart the LCD reads: every kind of record, from the service's facts with the LCD's additions. */
export const chartModel = new ChartModel({ sections: CHART_SECTIONS, factNames: { plannedOrders: 'plannedRadiofrequency' } });

/** The LCD's coding article lists the fluoroscopic/CT codes; ultrasound-guided codes are not covered (secondary source). */
const GUIDANCE_CITED = { fluoroscopy: 'A57787', ultrasound: 'not covered: VER' };

/** Other blocks the same day (X1): the service's invasive pain procedures, and trigger point injections. */
export const OTHER_BLOCKS = ['otherPainProcedures', 'triggerPointInjection'];

/** The CPT region of a spinal region, or of the codes when the region is not charted (64490 is cervical/thoracic either way). */
export function cptRegionOf(region: Region | undefined, codeRegions: Region[]): CptRegion | undefined {
  const regions = region ? [region] : codeRegions;
  if (regions.length === 0) return undefined;
  if (regions.every((r) => r === 'lumbar')) return 'lumbar/sacral';
  if (regions.every((r) => r !== 'lumbar')) return 'cervical/thoracic';
  return undefined;
}

/**
 * The request's facet orders as procedures under the LCD: the same reading of orders as CP.MP.171 (the kit's
 * spine module), then the LCD's own history (by CPT region, IA and MBB told apart) and pathway.
 */
export function prepareUnits(input: Input): Array<DecisionUnit<LcdContext>> {
  const { today, policy } = input;
  const { valueSets: vs, thresholds: t, coding } = policy;
  const { chart, orders, sessions, procedures: read0, visitSessions, undecided } = readSpinalRequest(input, chartModel, { otherProcedures: OTHER_BLOCKS, guidanceCited: GUIDANCE_CITED });
  const procedures = read0.flatMap((p) => linesBeyondLevelCap(p, t));
  const read = procedures.map(({ key, unit: procedure, beyondLevelCap }) => {
    const cptRegion = cptRegionOf(procedure.region, procedure.orders.flatMap((o) => o.codes.flatMap((c) => c.regions)));
    const history = lcdHistory(sessions, cptRegion, procedure.date, procedure.orders.map((o) => o.ref), { chart, vs, t });
    const { pathway, evidence } = pathwayOf(procedure, history, t);
    const unit: LcdUnit = { ...procedure, pathway, pathwayEvidence: evidence, ...(cptRegion ? { cptRegion } : {}), ...(beyondLevelCap ? { beyondLevelCap } : {}) };
    return { key, unit, history };
  });
  const units = read.map((r) => r.unit);
  return read.map(({ key, unit, history }) => ({
    id: key,
    label: unitLabel(unit),
    orders: unit.orders.map((o) => o.order),
    context: { today, unit, units, chart, history, visitSessions, drafts: ORDER_FIELDS.records(input.facts), facts: input.facts, sessionOrders: orders, undecided, t, vs, coding },
    readAs: unit.nonFacetJoint ? unitReadAs(unit) : [...unitReadAs(unit), `Under the LCD: ${unit.pathwayEvidence}`],
    levels: unit.levelCount,
    summary: { pathway: unit.pathway, region: unit.region ?? 'unknown', cptRegion: unit.cptRegion ?? 'unknown', levels: unit.levelCount, kind: unit.kind, ...(unit.target ? { target: unit.target } : {}) },
  }));
}

/**
 * S3 per line: "A third or further level (+64492/+64495) is paid on appeal only". An injection session over the
 * level cap whose third-level add-on is its own order line is decided per line: the add-on line (with the whole
 * session's levels, so S3 is not met for it) apart from the first lines, which are decided as the session
 * they would be without it. Lines that cannot be told apart (levels on one line) stay one procedure.
 */
export function linesBeyondLevelCap<P extends { key: string; unit: ProcedureOfVisit }>(procedure: P, t: Pick<LcdThresholds, 'maxInjectionLevelsPerSession'>): Array<P & { beyondLevelCap?: true }> {
  const { key, unit } = procedure;
  if (unit.kind !== 'injection' || unit.nonFacetJoint || unit.levelCount <= t.maxInjectionLevelsPerSession) return [procedure];
  const isThirdLevelLine = (o: OrderInfo) => o.codes.length > 0 && o.codes.every((c) => c.level === 'third-plus');
  const beyond = unit.orders.filter(isThirdLevelLine);
  const within = unit.orders.filter((o) => !isThirdLevelLine(o));
  if (beyond.length === 0 || within.length === 0) return [procedure];
  const first: ProcedureOfVisit = { ...procedureUnit(within), sameVisit: unit.sameVisit, otherOrdersSameDay: unit.otherOrdersSameDay };
  return [
    { ...procedure, key, unit: first },
    { ...procedure, key: `${key}|beyond-level-cap`, unit: { ...unit, orders: beyond }, beyondLevelCap: true },
  ];
}

/** A session's CPT region. */
export function sessionCptRegion(s: PriorSession): CptRegion | undefined {
  if (s.region) return cptRegionOf(s.region, []);
  // Without a charted region, a cervical/thoracic code is still cervical/thoracic; an unlisted 64999 cannot be told.
  return s.kind === 'unlisted' ? undefined : 'cervical/thoracic';
}

/**
 * The history in the order's CPT region before it (a procedure done earlier on the order's own date counts,
 * unless its basedOn names the order being signed). Injections are diagnostic when marked so or when they
 * were medial branch blocks (therapeutic injections are intra-articular only, T1); unmarked intra-articular
 * or unknown ones are diagnostic until two diagnostics gave at least 80% relief, therapeutic after; an
 * ablation starts the count again.
 */
export function lcdHistory(sessions: PriorSession[], region: CptRegion | undefined, before: string, ownOrders: string[], ctx: { chart: Chart; vs: ValueSets; t: LcdThresholds }): LcdHistory {
  const earlier = (s: PriorSession) => s.date < before || (s.date === before && !s.basedOn.some((ref) => ownOrders.includes(ref)));
  const inRegion = sessions.filter((s) => region !== undefined && sessionCptRegion(s) === region && earlier(s));
  // An MBB is diagnostic (therapeutic injections are intra-articular only); after an ablation, blocks are diagnostic again (R3).
  return sortSessions(inRegion, ctx, {
    unmarked: (s, positive) => (s.target === 'medial-branch' || positive < 2 ? 'diagnostic' : 'therapeutic'),
    restartAfterNeurotomy: true,
  });
}

function pathwayOf(unit: ProcedureUnit, history: LcdHistory, t: LcdThresholds): { pathway: LcdPathway; evidence: string } {
  if (unit.kind !== 'injection') {
    const last = atSameSite(history.radiofrequency, unit.levelNames).at(-1);
    return last
      ? { pathway: 'repeat-radiofrequency', evidence: `repeat radiofrequency ablation: ${last.label}${last.levels.length > 0 ? ` at ${last.levels.join(', ')}` : ''}` }
      : { pathway: 'initial-radiofrequency', evidence: 'initial radiofrequency ablation: none at these levels in this CPT region on record' };
  }
  const target = unit.target ? ` (${unit.target === 'medial-branch' ? 'medial branch block' : 'intra-articular'}: ${unit.targetEvidence})` : '';
  if (unit.intent) return { pathway: unit.intent, evidence: `${unit.intent} (${unit.intentEvidence ?? 'marked on the order'})${target}` };
  if (unit.target === 'medial-branch') return { pathway: 'diagnostic', evidence: `diagnostic: a medial branch block (the order says "${unit.targetEvidence}") is diagnostic (therapeutic injections are intra-articular only, T1)` };
  const positive = history.diagnostic.filter((b) => (b.relief?.percent ?? -1) >= t.diagnosticReliefPercent).length;
  return positive >= 2
    ? { pathway: 'therapeutic', evidence: `therapeutic (inferred: ${positive} diagnostic blocks with ≥ ${t.diagnosticReliefPercent}% relief on record in this CPT region)${target}` }
    : { pathway: 'diagnostic', evidence: `diagnostic block ${history.diagnostic.length + 1} (inferred: ${positive} of ${history.diagnostic.length} diagnostic blocks on record with ≥ ${t.diagnosticReliefPercent}% relief)${target}` };
}
