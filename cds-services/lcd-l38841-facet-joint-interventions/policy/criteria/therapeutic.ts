import type { Finding } from '../../../../src/decision/types';
import { blocksCoverLevels, met, notMet, notRadiofrequencyCandidate, reliefOrFunctionAtSameSite } from '../../../../src/kit';
import { sessionsPerYear } from './caps';
import { THERAPEUTIC, criterion, facetProcedure, notDocumented } from './define';

/**
 * T1: therapeutic facet injections are intra-articular only. The chart tells the two apart by what the order
 * says (orderDetail, bodySite or category coded intra-articular or medial-branch-block, or the words): CPT
 * 64490-64495 are used for both.
 */
export const intraArticularOnly = criterion('t1-intra-articular-only', {
  dependsOn: [],
  categorical: true,
  pathways: ['therapeutic'],
  appliesTo: facetProcedure,
  evaluate: ({ unit }): Finding => {
    const evidence = unit.orders.filter((o) => o.target).map((o) => ({ text: `${o.target === 'medial-branch' ? 'medial branch block' : 'intra-articular'}: ${o.targetEvidence}`, reference: o.ref }));
    if (unit.target === 'intra-articular') return met(`Intra-articular injection (${unit.targetEvidence})`, evidence);
    if (unit.target === 'medial-branch') return notMet(`A therapeutic medial branch block: therapeutic injections are covered intra-articular only (${unit.targetEvidence})`, evidence);
    return notDocumented('t1-intra-articular-only', 'The order does not say the therapeutic injection is intra-articular', evidence);
  },
});

/** T2: two prior diagnostic blocks (intra-articular or medial branch), each with at least 80% relief, at each level to be treated. */
export const twoPositiveDiagnostics = criterion('t2-two-positive-diagnostics', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['therapeutic'],
  appliesTo: facetProcedure,
  evaluate: (ctx) =>
    blocksCoverLevels({
      blocks: ctx.history.diagnostic,
      levels: ctx.unit.levelNames,
      reliefPercent: ctx.t.diagnosticReliefPercent,
      ...(ctx.unit.region ? { region: ctx.unit.region } : {}),
      notDocumented: (summary, evidence) => notDocumented('t2-two-positive-diagnostics', summary, evidence),
    }),
});

/**
 * T3: a subsequent therapeutic injection at the same site needs the prior one there to have given at least 50%
 * relief for 3 months, or at least 50% consistent functional improvement on the same scale. The first
 * therapeutic injection needs T2 and T4 only (open question Q5).
 */
export const subsequentReliefOrFunction = criterion('t3-subsequent-relief-or-function', {
  dependsOn: ['observations'],
  pathways: ['therapeutic'],
  appliesTo: (ctx) => facetProcedure(ctx) && ctx.history.therapeutic.length > 0,
  evaluate: (ctx) =>
    reliefOrFunctionAtSameSite(ctx, ctx.history.therapeutic, THERAPEUTIC, (summary, evidence) => notDocumented('t3-subsequent-relief-or-function', summary, evidence)),
});

/** T4 and N5: why the patient is not a radiofrequency ablation candidate, documented. */
export const notAblationCandidate = criterion('t4-not-rfa-candidate', {
  dependsOn: ['conditions', 'devices', 'observations'],
  pathways: ['therapeutic'],
  appliesTo: facetProcedure,
  evaluate: (ctx) => notRadiofrequencyCandidate(ctx, (summary) => notDocumented('t4-not-rfa-candidate', summary)),
});

/** T5: at most 4 therapeutic sessions per rolling 12 months in the CPT region. */
export const therapeuticSessionsPerYear = criterion('t5-therapeutic-sessions-per-year', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['therapeutic'],
  appliesTo: facetProcedure,
  evaluate: (ctx) => sessionsPerYear(ctx, ctx.history.therapeutic, ctx.t.maxTherapeuticSessions, 'therapeutic'),
});
