import type { Finding } from '../../../../src/decision/types';
import { addMonths, atOtherSites, atSameSite, blocksCoverLevels, evidenceCutoff, functionalChangeDuringRelief, met, newLevels, notMet, siteEvidence, sustainedPainRelief, type PriorSession } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { RADIOFREQUENCY_PATHWAYS, criterion, notDocumented, outsideThoracic, type DocumentableId } from './define';

/** I.B.1.b and I.D.1: two diagnostic blocks with at least 80% relief at each level to be treated (src/kit/spine/blocks.ts). */
export function positiveBlocksAtLevels(id: DocumentableId, ctx: FacetContext, levels: string[]): Finding {
  return blocksCoverLevels({
    blocks: ctx.history.diagnosticBlocks,
    levels,
    reliefPercent: ctx.t.diagnosticReliefPercent,
    ...(ctx.unit.region ? { region: ctx.unit.region } : {}),
    notDocumented: (summary, evidence) => notDocumented(id, summary, evidence),
  });
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
  pathways: RADIOFREQUENCY_PATHWAYS,
  appliesTo: (ctx) => outsideThoracic(ctx) && (ctx.unit.pathway === 'initial-radiofrequency' || levelsNewToRadiofrequency(ctx).length > 0),
  evaluate: (ctx) => {
    const finding = positiveBlocksAtLevels('rf-two-positive-blocks', ctx, levelsNewToRadiofrequency(ctx));
    const elsewhere = atOtherSites(ctx.history.radiofrequency, ctx.unit.levelNames).map((s) => siteEvidence(s, ctx.unit.levelNames, 'earlier neurotomy'));
    return elsewhere.length > 0 ? { ...finding, evidence: [...(finding.evidence ?? []), ...elsewhere] } : finding;
  },
});

/** I.B.2.a: at least six months since the previous neurotomy. */
export const repeatRadiofrequencyInterval = criterion('repeat-rf-interval', {
  dependsOn: ['procedures'],
  categorical: true,
  pathways: ['repeat-radiofrequency'],
  appliesTo: outsideThoracic,
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
  pathways: ['repeat-radiofrequency'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const { t, unit, chart, vs } = ctx;
    // "The previous treatment" is the last neurotomy at the same joint levels, not one elsewhere in the region.
    const last = previousNeurotomies(ctx).at(-1)!;
    const until = evidenceCutoff(ctx.today, unit.date);
    const pain = sustainedPainRelief(last, chart, vs, t, t.repeatRadiofrequencyReliefPercent, t.repeatRadiofrequencyReliefMonths, until);
    // The functional improvement goes with the relief: read within the relief period, not from a later score after the pain came back.
    const fn = functionalChangeDuringRelief(last, chart, vs, t, until, unit.region, t.repeatRadiofrequencyReliefMonths);
    const evidence = [siteEvidence(last, unit.levelNames, 'previous treatment'), ...pain.evidence, ...fn.evidence];
    if (pain.status === 'not-met') return notMet(`Relief not sustained: ${pain.summary}`, evidence);
    if (fn.status === 'not-improved') return notMet(`No functional improvement: ${fn.summary}`, evidence);
    if (pain.status === 'unknown' || fn.status === 'unknown') {
      return notDocumented('repeat-rf-sustained-relief', [pain.status === 'unknown' ? pain.summary : '', fn.status === 'unknown' ? fn.summary : ''].filter((s) => s).join('; '), evidence);
    }
    return met(`${pain.summary}; ${fn.summary}`, evidence);
  },
});
