import type { Evidence, Finding } from '../../../../src/decision/types';
import { addMonths, atOtherSites, atSameSite, evidenceCutoff, functionalChange, met, newLevels, notMet, plural, sessionText, siteEvidence, sustainedPainRelief, type PriorSession } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { criterion, notDocumented, onPathway, type CriterionId } from './define';

/**
 * I.B.1.b and I.D.1: a positive response to two diagnostic blocks "at each region to be treated", read at
 * the levels to be treated: each level needs two blocks that included it, each with at least 80% relief
 * (a second block at other levels does not confirm the first). A block whose levels are not charted, or
 * an order whose levels are not, is compared by region, and the card says the levels were not compared.
 */
export function blocksCoverLevels(id: CriterionId, ctx: FacetContext, levels: string[]): Finding {
  const { history, t, unit } = ctx;
  const blocks = history.diagnosticBlocks;
  const positive = (b: PriorSession) => (b.relief?.percent ?? -1) >= t.diagnosticReliefPercent;
  const unknown = (b: PriorSession) => b.relief?.percent === undefined;
  const evidence: Evidence[] = blocks.flatMap((b) => [
    { text: `${sessionText(b)}: ${b.relief?.percent !== undefined ? `${b.relief.percent}% relief` : `relief not charted (${b.relief?.problem})`}`, reference: b.refs[0] },
    ...(b.relief?.evidence ?? []),
  ]);
  if (levels.length === 0) {
    if (blocks.length > 0) evidence.push({ text: `levels of this order not charted: the levels could not be compared, blocks counted by region (${unit.region ?? 'same'})` });
    const pos = blocks.filter(positive);
    const unk = blocks.filter(unknown);
    if (pos.length >= 2) return met(`${plural(pos.length, 'diagnostic block')} with ≥ ${t.diagnosticReliefPercent}% relief in the ${unit.region} region (levels not compared)`, evidence);
    if (pos.length + unk.length >= 2 && unk.length > 0) {
      return notDocumented(id, `${plural(blocks.length, 'diagnostic block')} on record, but the relief after ${plural(unk.length, 'block')} is not charted`, evidence);
    }
    return notMet(`${plural(blocks.length, 'diagnostic block')} on record in the ${unit.region ?? 'same'} region, ${pos.length} with ≥ ${t.diagnosticReliefPercent}% relief; two are required`, evidence);
  }
  const covers = (b: PriorSession, level: string) => b.levels.length === 0 || b.levels.includes(level);
  const uncharted = blocks.filter((b) => b.levels.length === 0);
  if (uncharted.length > 0) {
    evidence.push(...uncharted.map((b) => ({ text: `levels of the ${b.label} not charted: the levels could not be compared, counted for every level of the region`, reference: b.refs[0] })));
  }
  const perLevel = levels.map((level) => ({
    level,
    positive: blocks.filter((b) => positive(b) && covers(b, level)).length,
    unknown: blocks.filter((b) => unknown(b) && covers(b, level)).length,
  }));
  const short = perLevel.filter((l) => l.positive < 2);
  if (short.length === 0) return met(`Two diagnostic blocks with ≥ ${t.diagnosticReliefPercent}% relief at each level to be treated (${levels.join(', ')})`, evidence);
  const describe = short.map((l) => `${l.level}: ${l.positive} positive`).join('; ');
  if (short.every((l) => l.positive + l.unknown >= 2)) {
    return notDocumented(id, `Relief not charted after a block at ${short.map((l) => l.level).join(', ')} (${describe}); two positive blocks are needed at each level to be treated`, evidence);
  }
  return notMet(
    `Two diagnostic blocks with ≥ ${t.diagnosticReliefPercent}% relief are needed at each level to be treated; ${describe} (${plural(blocks.length, 'block')} in the region)`,
    evidence,
  );
}

/** Earlier conventional neurotomies in the region at the order's levels (or with levels not charted). */
export function previousNeurotomies(ctx: FacetContext): PriorSession[] {
  return atSameSite(ctx.history.radiofrequency, ctx.unit.levelNames);
}

/** The order's levels no earlier neurotomy treated: for these a repeat is an initial neurotomy (I.B.1). */
export function levelsNewToRadiofrequency(ctx: FacetContext): string[] {
  return ctx.unit.pathway === 'repeat-radiofrequency' ? newLevels(previousNeurotomies(ctx), ctx.unit.levelNames) : ctx.unit.levelNames;
}

/** I.B.1.b: two positive diagnostic blocks at each level of an initial neurotomy (and at the new levels of a repeat one). */
export const radiofrequencyTwoPositiveBlocks = criterion('rf-two-positive-blocks', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  appliesTo: (ctx) => onPathway(ctx, 'initial-radiofrequency') || (onPathway(ctx, 'repeat-radiofrequency') && levelsNewToRadiofrequency(ctx).length > 0),
  evaluate: (ctx) => {
    const finding = blocksCoverLevels('rf-two-positive-blocks', ctx, levelsNewToRadiofrequency(ctx));
    const elsewhere = atOtherSites(ctx.history.radiofrequency, ctx.unit.levelNames).map((s) => siteEvidence(s, ctx.unit.levelNames, 'earlier neurotomy'));
    return elsewhere.length > 0 ? { ...finding, evidence: [...(finding.evidence ?? []), ...elsewhere] } : finding;
  },
});

/** I.B.2.a: at least six months since the previous neurotomy. */
export const repeatRadiofrequencyInterval = criterion('repeat-rf-interval', {
  dependsOn: ['procedures'],
  categorical: true,
  appliesTo: (ctx) => onPathway(ctx, 'repeat-radiofrequency'),
  evaluate: (ctx): Finding => {
    const { t, unit } = ctx;
    const last = previousNeurotomies(ctx).at(-1)!;
    const eligible = addMonths(last.date, t.repeatRadiofrequencyMinMonths);
    const evidence = [siteEvidence(last, unit.levelNames, 'previous treatment')];
    return unit.date >= eligible
      ? met(`Previous neurotomy ${last.date}, at least ${t.repeatRadiofrequencyMinMonths} months before ${unit.date}`, evidence)
      : notMet(`Previous neurotomy ${last.date}: less than ${t.repeatRadiofrequencyMinMonths} months before ${unit.date}`, evidence, eligible);
  },
});

/** I.B.2.b: at least 50% relief for at least six months after the previous neurotomy, with functional improvement. */
export const repeatRadiofrequencySustainedRelief = criterion('repeat-rf-sustained-relief', {
  dependsOn: ['observations'],
  appliesTo: (ctx) => onPathway(ctx, 'repeat-radiofrequency'),
  evaluate: (ctx): Finding => {
    const { t, unit, chart, vs } = ctx;
    // "The previous treatment" is the last neurotomy at the same joint levels, not one elsewhere in the region.
    const last = previousNeurotomies(ctx).at(-1)!;
    const until = evidenceCutoff(ctx.today, unit.date);
    const pain = sustainedPainRelief(last, chart, vs, t, t.repeatRadiofrequencyReliefPercent, t.repeatRadiofrequencyReliefMonths, until);
    const fn = functionalChange(last, chart, vs, t, until, unit.region);
    const evidence = [siteEvidence(last, unit.levelNames, 'previous treatment'), ...pain.evidence, ...fn.evidence];
    if (pain.status === 'not-met') return notMet(`Relief not sustained: ${pain.summary}`, evidence);
    if (fn.status === 'not-improved') return notMet(`No functional improvement: ${fn.summary}`, evidence);
    if (pain.status === 'unknown' || fn.status === 'unknown') {
      return notDocumented('repeat-rf-sustained-relief', [pain.status === 'unknown' ? pain.summary : '', fn.status === 'unknown' ? fn.summary : ''].filter((s) => s).join('; '), evidence);
    }
    return met(`${pain.summary}; ${fn.summary}`, evidence);
  },
});
