import type { Chart, ChartProcedure } from '../chart/model';
import type { Relief } from '../relief';
import type { ValueSets } from '../types';
import { busiestSideCount, lateralityOf, levelsOf, type Laterality } from './levels';
import { levelsForCodes, procedureCodes, regionOf, targetOf, type Intent, type Modality, type ProcedureKind, type SpineCoding, type Target } from './orders';
import type { Region } from './regions';

/** A facet procedure on record, sessions merged (same date, kind and region). */
export interface PriorSession {
  refs: string[];
  /** The orders its procedures fulfil. */
  basedOn: string[];
  date: string;
  /** Earliest performed dateTime with a time of day, when charted. */
  start?: string;
  kind: ProcedureKind;
  modality: Modality;
  region?: Region;
  regionAssumed: boolean;
  levels: string[];
  levelCount: number;
  laterality: Laterality;
  intent?: Intent;
  intentExplicit: boolean;
  /** Medial branch block or intra-articular injection, when the record says (declarations with target value sets). */
  target?: Target;
  relief?: Relief;
  label: string;
}

/** What prior sessions are read with. */
export interface HistoryContext {
  chart: Chart;
  vs: ValueSets;
  coding: SpineCoding;
}

/** The value sets prior sessions are read with (with the order value sets). */
export const SESSION_VALUE_SETS = ['facetDenervationText', 'pulsedRadiofrequency', 'nonConventionalDenervation', 'diagnosticIntent', 'therapeuticIntent'];

export const SESSION_KIND_LABEL = { injection: 'facet injection', radiofrequency: 'radiofrequency neurotomy', unlisted: 'facet denervation (64999)' } as const;

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
  const { target: _firstTarget, ...firstLine } = first;
  return {
    ...firstLine,
    refs: lines.flatMap((l) => l.refs),
    basedOn: lines.flatMap((l) => l.basedOn),
    levels,
    levelCount: levels.length > 0 ? levels.length : busiestSideCount(lines.map((l) => ({ laterality: l.laterality, levels: l.levelCount }))),
    laterality: sides.has('bilateral') || (sides.has('left') && sides.has('right')) ? 'bilateral' : first.laterality,
    ...(lines.find((l) => l.start)?.start ? { start: lines.find((l) => l.start)!.start } : {}),
    ...(explicit ? { intent: explicit.intent, intentExplicit: true } : {}),
    ...targetOfLines(lines),
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
  const target = kind === 'injection' ? targetOf([...p.categories, ...p.bodySites, { text }], ctx.vs) : undefined;
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
    ...(target ? { target: target.target } : {}),
    label: `${SESSION_KIND_LABEL[kind]} on ${p.date}`,
  };
}

/** The lines' target when they agree on one. */
function targetOfLines(lines: PriorSession[]): Pick<PriorSession, 'target'> {
  const targets = new Set(lines.map((l) => l.target));
  const [only] = [...targets];
  return targets.size === 1 && only ? { target: only } : {};
}

function intentOf(p: ChartProcedure, vs: ValueSets): Intent | undefined {
  const diagnostic = p.categories.some((c) => vs.diagnosticIntent!.matchesConcept(c));
  const therapeutic = p.categories.some((c) => vs.therapeuticIntent!.matchesConcept(c));
  if (diagnostic !== therapeutic) return diagnostic ? 'diagnostic' : 'therapeutic';
  return undefined;
}

export function sessionText(s: PriorSession): string {
  const levels = s.levels.length > 0 ? `, ${s.levels.join(', ')}` : '';
  const assumed = s.regionAssumed ? ', region not charted (assumed the same)' : '';
  return `${s.label}${levels}${assumed}`;
}

