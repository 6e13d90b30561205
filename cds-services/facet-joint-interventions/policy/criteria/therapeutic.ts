import type { Evidence, Finding } from '../../../../src/decision/types';
import { functionalChange, sustainedPainRelief } from '../relief';
import { conditionEvidence, criterion, currentConditions, met, notDocumented, notMet, onPathway } from './define';
import { twoPositiveBlocks } from './radiofrequency';

/** I.D.1: two diagnostic blocks with at least 80% relief before therapeutic injections. */
export const therapeuticTwoPositiveBlocks = criterion('therapeutic-two-positive-blocks', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  appliesTo: (ctx) => onPathway(ctx, 'therapeutic'),
  evaluate: twoPositiveBlocks('therapeutic-two-positive-blocks'),
});

/**
 * I.D.2: a subsequent therapeutic injection needs the prior one to have given at least 50% relief for
 * 3 months, or at least 50% consistent functional improvement on the same scale.
 */
export const therapeuticSustainedRelief = criterion('therapeutic-sustained-relief', {
  dependsOn: ['observations'],
  appliesTo: (ctx) => onPathway(ctx, 'therapeutic') && ctx.history.therapeuticInjections.length > 0,
  evaluate: (ctx): Finding => {
    const { history, t, unit, chart, vs } = ctx;
    const prior = history.therapeuticInjections.at(-1)!;
    const pain = sustainedPainRelief(prior, chart, vs, t, t.therapeuticReliefPercent, t.therapeuticReliefMonths, unit.date);
    const fn = functionalChange(prior, chart, vs, t, unit.date, t.therapeuticFunctionImprovementPercent);
    const evidence = [...pain.evidence, ...fn.evidence];
    if (pain.status === 'met') return met(`After ${prior.label}: ${pain.summary}`, evidence);
    if (fn.status === 'improved') return met(`After ${prior.label}: ${fn.summary}`, evidence);
    if (pain.status === 'not-met' && fn.status === 'not-improved') return notMet(`After ${prior.label}: ${pain.summary}; ${fn.summary}`, evidence);
    return notDocumented('therapeutic-sustained-relief', `After ${prior.label}: ${pain.summary}; ${fn.summary}`, evidence);
  },
});

/** I.D.3: documentation of why the member is not a radiofrequency neurotomy candidate. */
export const notRadiofrequencyCandidate = criterion('not-rf-candidate', {
  dependsOn: ['conditions', 'devices', 'observations'],
  appliesTo: (ctx) => onPathway(ctx, 'therapeutic'),
  evaluate: (ctx): Finding => {
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
      : notDocumented('not-rf-candidate', 'No documented reason the member cannot have radiofrequency neurotomy (e.g. pseudarthrosis, implanted electrical device)');
  },
});
