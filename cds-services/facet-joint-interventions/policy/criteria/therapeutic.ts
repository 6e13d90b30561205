import type { Evidence, Finding } from '../../../../src/decision/types';
import { atOtherSites, atSameSite, conditionEvidence, currentConditions, evidenceCutoff, functionalChange, met, notMet, siteEvidence, sustainedPainRelief } from '../../../../src/kit';
import { criterion, notDocumented, onPathway } from './define';
import { blocksCoverLevels } from './radiofrequency';

/** I.D.1: two diagnostic blocks with at least 80% relief before therapeutic injections. */
export const therapeuticTwoPositiveBlocks = criterion('therapeutic-two-positive-blocks', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  appliesTo: (ctx) => onPathway(ctx, 'therapeutic'),
  evaluate: (ctx) => blocksCoverLevels('therapeutic-two-positive-blocks', ctx, ctx.unit.levelNames),
});

/**
 * I.D.2: a subsequent therapeutic injection "at the same anatomic site" (the same joint levels) needs the
 * prior one there to have given at least 50% relief for 3 months, or at least 50% consistent functional
 * improvement on the same scale (and at least the scale's MCID). An injection at a new level is not judged
 * by the relief from one at another level.
 */
export const therapeuticSustainedRelief = criterion('therapeutic-sustained-relief', {
  dependsOn: ['observations'],
  appliesTo: (ctx) => onPathway(ctx, 'therapeutic') && ctx.history.therapeuticInjections.length > 0,
  evaluate: (ctx): Finding => {
    const { history, t, unit, chart, vs } = ctx;
    const elsewhere = atOtherSites(history.therapeuticInjections, unit.levelNames).map((s) => siteEvidence(s, unit.levelNames, 'earlier therapeutic injection'));
    const prior = atSameSite(history.therapeuticInjections, unit.levelNames).at(-1);
    if (!prior) {
      return met(`No earlier therapeutic injection at ${unit.levelNames.join(', ')}: the first at this site, not judged by the relief from one at another level`, elsewhere);
    }
    const until = evidenceCutoff(ctx.today, unit.date);
    const pain = sustainedPainRelief(prior, chart, vs, t, t.therapeuticReliefPercent, t.therapeuticReliefMonths, until);
    const fn = functionalChange(prior, chart, vs, t, until, unit.region, t.therapeuticFunctionImprovementPercent);
    const evidence = [siteEvidence(prior, unit.levelNames, 'prior therapeutic injection'), ...pain.evidence, ...fn.evidence, ...elsewhere];
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
