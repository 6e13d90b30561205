import { busiestSideCount, lateralityOf, levelsOf } from './levels';
import { procedureCodes, levelsForCodes, regionOf } from './orders';
import { blockRelief } from './relief';
import type { Chart, ChartProcedure, CodingData, Intent, Modality, PriorSession, Region, RegionHistory, Thresholds, ValueSets } from './types';

export interface HistoryContext {
  chart: Chart;
  vs: ValueSets;
  coding: CodingData;
  t: Thresholds;
}

const KIND_LABEL = { injection: 'facet injection', radiofrequency: 'radiofrequency neurotomy', unlisted: 'facet denervation (64999)' } as const;

/**
 * Facet procedures on record with their kind, region, levels and intent; one entry per session (date, kind,
 * region). By default the chart's procedures done by the decision date; `procedures` reads another list.
 */
export function facetSessions(ctx: HistoryContext, statuses: string[] = ['completed'], procedures: ChartProcedure[] = ctx.chart.procedures): PriorSession[] {
  const sessions = new Map<string, PriorSession[]>();
  for (const procedure of procedures) {
    if (!statuses.includes(procedure.status) || !procedure.date) continue;
    const session = readSession(procedure, ctx);
    if (!session) continue;
    const key = `${session.date}|${session.kind}|${session.region ?? '?'}`;
    sessions.set(key, [...(sessions.get(key) ?? []), session]);
  }
  return [...sessions.values()].map(mergeLines).sort((a, b) => a.date.localeCompare(b.date));
}

/** Procedures of one session (e.g. a left and a right line, or a primary and an add-on) as one. */
function mergeLines(lines: PriorSession[]): PriorSession {
  const [first, ...rest] = lines as [PriorSession, ...PriorSession[]];
  if (rest.length === 0) return first;
  const levels = [...new Set(lines.flatMap((l) => l.levels))];
  const explicit = lines.find((l) => l.intentExplicit);
  const sides = new Set(lines.map((l) => l.laterality));
  return {
    ...first,
    refs: lines.flatMap((l) => l.refs),
    basedOn: lines.flatMap((l) => l.basedOn),
    levels,
    levelCount: levels.length > 0 ? levels.length : busiestSideCount(lines.map((l) => ({ laterality: l.laterality, levels: l.levelCount }))),
    laterality: sides.has('bilateral') || (sides.has('left') && sides.has('right')) ? 'bilateral' : first.laterality,
    ...(lines.find((l) => l.start)?.start ? { start: lines.find((l) => l.start)!.start } : {}),
    ...(explicit ? { intent: explicit.intent, intentExplicit: true } : {}),
  };
}

function readSession(p: ChartProcedure, ctx: HistoryContext): PriorSession | undefined {
  const codes = procedureCodes(p.codings, ctx.coding);
  if (codes.length === 0) return undefined;
  const unlistedOnly = codes.every((c) => c.procedure === 'unlisted');
  const text = [p.text, ...p.notes].join(' ');
  if (unlistedOnly && !ctx.vs.facetDenervationText!.matchesText(text)) return undefined;
  const kind = codes.some((c) => c.procedure === 'radiofrequency') ? 'radiofrequency' : codes.some((c) => c.procedure === 'injection') ? 'injection' : 'unlisted';
  const levels = levelsOf(p.bodySites, ctx.coding);
  const { region } = regionOf(codes, levels, p.bodySites, p.reasonConcepts, text, ctx.vs);
  const modality: Modality = ctx.vs.pulsedRadiofrequency!.matchesText(text)
    ? 'pulsed'
    : kind === 'unlisted' || ctx.vs.nonConventionalDenervation!.matchesText(text)
      ? 'non-conventional'
      : 'conventional';
  const intent = intentOf(p, ctx.vs);
  return {
    refs: [p.ref],
    basedOn: [...p.basedOn],
    date: p.date!,
    ...(p.start && /T\d{2}:\d{2}/.test(p.start) ? { start: p.start } : {}),
    kind,
    modality,
    ...(region ? { region } : {}),
    regionAssumed: false,
    levels,
    levelCount: levels.length > 0 ? levels.length : levelsForCodes(codes, undefined),
    laterality: lateralityOf(p.bodySites, ctx.vs),
    ...(intent ? { intent } : {}),
    intentExplicit: intent !== undefined,
    label: `${KIND_LABEL[kind]} on ${p.date}`,
  };
}

function intentOf(p: ChartProcedure, vs: ValueSets): Intent | undefined {
  const diagnostic = p.categories.some((c) => vs.diagnosticIntent!.matchesConcept(c));
  const therapeutic = p.categories.some((c) => vs.therapeuticIntent!.matchesConcept(c));
  if (diagnostic !== therapeutic) return diagnostic ? 'diagnostic' : 'therapeutic';
  return undefined;
}

/**
 * The region's history: injections in date order are diagnostic until two diagnostic blocks gave at least
 * the threshold relief, and therapeutic after (unless marked otherwise); conventional neurotomies apart.
 * `regions` is the order's region, or every region its code allows when the region is not charted.
 * A cervical/thoracic procedure with no charted region is counted for the order's region, and says so.
 * A procedure completed on the order's own date counts too (a block this morning is an earlier block),
 * unless its basedOn names one of `ownOrders`: then it is the record of the order being signed.
 */
export function regionHistory(sessions: PriorSession[], regions: Region[], before: string, ctx: HistoryContext, ownOrders: string[]): RegionHistory {
  const inRegion = sessions
    .filter((s) => s.date < before || (s.date === before && !s.basedOn.some((ref) => ownOrders.includes(ref))))
    .flatMap((s): PriorSession[] => {
      if (s.region !== undefined) return regions.includes(s.region) ? [{ ...s }] : [];
      return regions.some((r) => r !== 'lumbar') ? [{ ...s, regionAssumed: true }] : [];
    });
  const history: RegionHistory = { diagnosticBlocks: [], therapeuticInjections: [], radiofrequency: [] };
  let positive = 0;
  for (const s of inRegion) {
    if (s.kind === 'radiofrequency' && s.modality === 'conventional') {
      history.radiofrequency.push(s);
      continue;
    }
    if (s.kind !== 'injection') continue;
    s.intent ??= positive >= 2 ? 'therapeutic' : 'diagnostic';
    if (s.intent === 'therapeutic') {
      history.therapeuticInjections.push(s);
      continue;
    }
    s.relief = blockRelief(s, ctx.chart, ctx.vs, ctx.t);
    if ((s.relief.percent ?? -1) >= ctx.t.diagnosticReliefPercent) positive++;
    history.diagnosticBlocks.push(s);
  }
  return history;
}

export function positiveBlocks(history: RegionHistory, t: Thresholds): PriorSession[] {
  return history.diagnosticBlocks.filter((b) => (b.relief?.percent ?? -1) >= t.diagnosticReliefPercent);
}

export function sessionText(s: PriorSession): string {
  const levels = s.levels.length > 0 ? `, ${s.levels.join(', ')}` : '';
  const assumed = s.regionAssumed ? ', region not charted (assumed the same)' : '';
  return `${s.label}${levels}${assumed}`;
}

