import type { Evidence, Finding } from '../../decision/types';
import { conditionEvidence, currentConditions, laterConditions } from '../conditions';
import { met, notMet } from '../criterion';
import { addMonths } from '../dates';
import { functionalChange, sustainedPainRelief, type ReliefSettings } from '../relief';
import { evidenceCutoff } from '../timeline';
import type { OrderInfo } from './orders';
import type { ProcedureReading } from './other-causes';
import { regionConditions } from './regions';
import type { PriorSession } from './sessions';
import { atOtherSites, atSameSite, siteEvidence } from './sites';

/**
 * Readings both facet policies make the same way, each returning a finding: how long the pain has lasted,
 * relief or function after an earlier procedure at the same site, and why radiofrequency is not an option.
 */

type NotDocumented = (summary: string, evidence: Evidence[]) => Finding;

/** Back or neck pain of the procedure's region lasting at least `months` before its date (a partial date must qualify at its last day). */
export function painLasted(ctx: ProcedureReading, months: number, notDocumented: NotDocumented): Finding {
  const { unit } = ctx;
  const { counted: pain, elsewhere } = regionConditions(ctx, 'painConditions');
  const setAside = [...elsewhere, ...laterConditions(ctx, 'painConditions')];
  if (pain.length === 0) {
    return elsewhere.length > 0
      ? notDocumented(`No current pain diagnosis of the ${unit.region} region on record (${elsewhere.length} ${elsewhere.length === 1 ? 'diagnosis' : 'diagnoses'} of another region not counted)`, setAside)
      : notDocumented('No current back or neck pain diagnosis on record', setAside);
  }
  // A partial date ("2025-06") may mean any day of its month or year: met only if its last day qualifies.
  const dated = pain
    .map((c) => ({ c, since: c.onset ?? c.recorded, last: c.onset ? c.onsetLast : c.recordedLast }))
    .filter((x): x is { c: (typeof pain)[number]; since: string; last: string } => x.since !== undefined && x.last !== undefined)
    .sort((a, b) => a.last.localeCompare(b.last));
  if (dated.length === 0) return notDocumented('Pain diagnosis on record without an onset or recorded date', [...pain.map(conditionEvidence), ...setAside]);
  const earliest = dated[0]!;
  const qualifies = addMonths(earliest.last, months);
  const evidence = [conditionEvidence(earliest.c), ...setAside];
  if (qualifies <= unit.date) return met(`Pain since ${earliest.last === earliest.since ? earliest.since : `${earliest.since} to ${earliest.last} at the latest`}, at least ${months} months before ${unit.date}`, evidence);
  const possibly = dated.find((d) => addMonths(d.since, months) <= unit.date);
  if (possibly) {
    return notDocumented(
      `Pain onset charted only to the ${/^\d{4}-\d{2}-01$/.test(possibly.since) && possibly.last.slice(0, 7) === possibly.since.slice(0, 7) ? 'month' : 'year'} (between ${possibly.since} and ${possibly.last}): ${months} months before ${unit.date} cannot be told`,
      [conditionEvidence(possibly.c), ...setAside],
    );
  }
  return notMet(`Pain since ${earliest.since}: less than ${months} months on ${unit.date}`, evidence, qualifies);
}

/**
 * The thresholds of a rule on a procedure repeated at the same site, named in thresholds.json by the rule's
 * prefix: `<prefix>ReliefPercent` relief for `<prefix>ReliefMonths`, or `<prefix>FunctionImprovementPercent`
 * consistent functional improvement (e.g. `therapeutic…`, `repeatRadiofrequency…`).
 */
export type SameSiteThresholds<P extends string> = { [K in `${P}ReliefPercent` | `${P}ReliefMonths` | `${P}FunctionImprovementPercent`]: number };

/** A rule on a procedure repeated at the same site: how the card names the earlier ones, and its thresholds' prefix. */
export interface SameSiteRule<P extends string> {
  /** "therapeutic injection", "ablation". */
  label: string;
  thresholds: P;
}

/**
 * A procedure repeated "at the same anatomic site" (the same joint levels) needs the last one there (of
 * `earlier`, in date order) to have given at least the rule's relief for its months, or its consistent
 * improvement on the same functional scale (and at least the scale's MCID). One at a new level is not
 * judged by the relief from one at another level.
 */
export function reliefOrFunctionAtSameSite<P extends string>(
  ctx: ProcedureReading & { unit: { levelNames: string[] }; t: ReliefSettings & SameSiteThresholds<P> },
  earlier: PriorSession[],
  rule: SameSiteRule<P>,
  notDocumented: NotDocumented,
): Finding {
  const { label, thresholds: prefix } = rule;
  const settings = ctx.t;
  // The parameter's type guarantees the three numbers; TypeScript cannot index a generic mapped type by a template.
  const named = settings as unknown as Record<string, number>;
  const [reliefPercent, reliefMonths, functionPercent] = [named[`${prefix}ReliefPercent`]!, named[`${prefix}ReliefMonths`]!, named[`${prefix}FunctionImprovementPercent`]!];
  const { unit, chart, vs } = ctx;
  const elsewhere = atOtherSites(earlier, unit.levelNames).map((s) => siteEvidence(s, unit.levelNames, `earlier ${label}`));
  const prior = atSameSite(earlier, unit.levelNames).at(-1);
  if (!prior) return met(`No earlier ${label} at ${unit.levelNames.join(', ')}: the first at this site, not judged by the relief from one at another level`, elsewhere);
  const until = evidenceCutoff(ctx.today, unit.date);
  const pain = sustainedPainRelief(prior, chart, vs, settings, reliefPercent, reliefMonths, until);
  const fn = functionalChange(prior, chart, vs, settings, until, unit.region, functionPercent);
  const evidence = [siteEvidence(prior, unit.levelNames, `prior ${label}`), ...pain.evidence, ...fn.evidence, ...elsewhere];
  if (pain.status === 'met') return met(`After ${prior.label}: ${pain.summary}`, evidence);
  if (fn.status === 'improved') return met(`After ${prior.label}: ${fn.summary}`, evidence);
  if (pain.status === 'not-met' && fn.status === 'not-improved') return notMet(`After ${prior.label}: ${pain.summary}; ${fn.summary}`, evidence);
  return notDocumented(`After ${prior.label}: ${pain.summary}; ${fn.summary}`, evidence);
}

/**
 * Why the member is not a radiofrequency neurotomy candidate, as documented: a pseudarthrosis or implanted
 * device diagnosis, an active implanted Device, a coded reason on the order, or a recorded finding.
 */
export function notRadiofrequencyCandidate(ctx: ProcedureReading & { unit: { orders: OrderInfo[] } }, notDocumented: NotDocumented): Finding {
  const { chart, vs, unit } = ctx;
  const evidence: Evidence[] = [
    ...currentConditions(ctx, 'notRfCandidate').map(conditionEvidence),
    ...chart.devices.filter((d) => d.active).map((d) => ({ text: `implanted device: ${d.name}`, reference: d.ref })),
    ...unit.orders.filter((o) => o.notRfCandidateReason).map((o) => ({ text: `reason on the order: ${o.notRfCandidateReason}`, reference: o.ref })),
    ...chart.observations
      .filter((o) => o.codings.some((c) => vs.notRfCandidate!.matchesCoding(c)) && o.boolean !== false)
      .map((o) => ({ text: `recorded ${o.date ?? ''}: not a radiofrequency candidate${o.string ? ` (${o.string})` : ''}`, reference: o.ref })),
  ];
  return evidence.length > 0
    ? met('Reason the member is not a radiofrequency neurotomy candidate is documented', evidence)
    : notDocumented('No documented reason the member cannot have radiofrequency neurotomy (e.g. pseudarthrosis, implanted electrical device)', []);
}
