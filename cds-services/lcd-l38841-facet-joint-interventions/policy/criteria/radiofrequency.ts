import type { Finding } from '../../../../src/decision/types';
import { addMonths, atSameSite, met, notMet, reliefOrFunctionAtSameSite, siteEvidence } from '../../../../src/kit';
import { twoConsecutiveMedialBranchBlocks } from './blocks';
import { sessionsPerYear } from './caps';
import { REPEAT_ABLATION, criterion, facetProcedure, notDocumented, ordersSaying } from './define';

/** R1: an initial ablation after two medial branch blocks in a row, each with at least 80% relief, at each level. */
export const twoPositiveMedialBranchBlocks = criterion('r1-two-positive-medial-branch-blocks', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['initial-radiofrequency'],
  appliesTo: facetProcedure,
  evaluate: (ctx) => twoConsecutiveMedialBranchBlocks(ctx, ctx.history.diagnostic, (summary, evidence) => notDocumented('r1-two-positive-medial-branch-blocks', summary, evidence)),
});

/** R2: a repeat ablation at the same site after one that gave at least 50% relief for 6 months, OR 50% functional improvement. */
export const repeatReliefOrFunction = criterion('r2-repeat-relief-or-function', {
  dependsOn: ['observations'],
  pathways: ['repeat-radiofrequency'],
  appliesTo: facetProcedure,
  evaluate: (ctx) =>
    reliefOrFunctionAtSameSite(ctx, ctx.history.radiofrequency, REPEAT_ABLATION, (summary, evidence) => notDocumented('r2-repeat-relief-or-function', summary, evidence)),
});

/**
 * R3 and N5: two years or more ("≥ 2 years", PAL-CL; open question Q6) after the last ablation at the site, the
 * diagnostic blocks are repeated first: two medial branch blocks in a row with at least 80% relief since it.
 */
export const repeatDiagnosticsAfterTwoYears = criterion('r3-repeat-diagnostics-after-two-years', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['repeat-radiofrequency'],
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit, t, history } = ctx;
    const last = atSameSite(history.radiofrequency, unit.levelNames).at(-1)!;
    const due = addMonths(last.date, t.repeatDiagnosticsAfterMonths);
    const evidence = [siteEvidence(last, unit.levelNames, 'last ablation')];
    if (unit.date < due) return met(`Last ablation at these levels on ${last.date}: less than ${t.repeatDiagnosticsAfterMonths / 12} years, no repeat diagnostic blocks needed`, evidence);
    const since = history.diagnostic.filter((b) => b.date > last.date);
    const blocks = twoConsecutiveMedialBranchBlocks(ctx, since, (summary, lines) => notDocumented('r3-repeat-diagnostics-after-two-years', summary, lines));
    const lead = `Last ablation at these levels on ${last.date}, ${t.repeatDiagnosticsAfterMonths / 12} years or more before ${unit.date}`;
    if (since.length === 0) return notMet(`${lead}: the diagnostic medial branch blocks must be repeated first, and none is on record since`, evidence);
    return { ...blocks, summary: `${lead}; repeat blocks since: ${blocks.summary}`, evidence: [...evidence, ...(blocks.evidence ?? [])] };
  },
});

/** R4: at most 2 ablation sessions per rolling 12 months in the CPT region (no minimum interval, ◐). */
export const ablationSessionsPerYear = criterion('r4-rfa-sessions-per-year', {
  dependsOn: ['procedures'],
  categorical: true,
  pathways: ['initial-radiofrequency', 'repeat-radiofrequency'],
  appliesTo: facetProcedure,
  evaluate: (ctx) => sessionsPerYear(ctx, ctx.history.radiofrequency, ctx.t.maxRadiofrequencySessions, 'radiofrequency ablation'),
});

/**
 * N3: thermal radiofrequency only. Chemical and low-grade thermal denervation are not reasonable and necessary
 * (PAL-CL); pulsed radiofrequency, laser and cryoablation come from a secondary source (RUB). Unlisted 64999
 * is how non-thermal denervation is reported.
 */
export const thermalOnly = criterion('n3-thermal-denervation-only', {
  dependsOn: [],
  categorical: true,
  appliesTo: (ctx) => ctx.unit.nonFacetJoint === undefined && ctx.unit.kind !== 'injection',
  evaluate: (ctx): Finding => {
    const { unit } = ctx;
    const codes = unit.orders.map((o) => ({ text: `CPT ${o.codes.map((c) => c.code).join(', ')}`, reference: o.ref }));
    if (unit.modality === 'conventional') return met(`Conventional (thermal) radiofrequency ablation (${codes.map((c) => c.text).join('; ')})`);
    const verified = ordersSaying(ctx, 'verifiedNonThermal');
    if (verified.length > 0) return notMet('Chemical or low-grade thermal denervation (N3)', [...verified.map(({ order, concept }) => ({ text: `the order says "${concept.text ?? concept.coding?.[0]?.code}"`, reference: order.ref })), ...codes]);
    const what = unit.modality === 'pulsed' ? 'Pulsed radiofrequency' : unit.kind === 'unlisted' ? 'Denervation ordered as unlisted CPT 64999' : 'A denervation method other than thermal radiofrequency';
    return notMet(`${what}: not thermal radiofrequency (N3; pulsed, laser and cryoablation from a secondary source, RUB)`, codes);
  },
});

/** S4 (not verified): no level cap for ablation was seen in the LCD text; the levels ablated need two medial branch blocks each (R1). */
export const ablationLevels = criterion('s4-rfa-levels', {
  dependsOn: [],
  pathways: ['initial-radiofrequency', 'repeat-radiofrequency'],
  appliesTo: facetProcedure,
  evaluate: ({ unit }) => met(`${unit.levelCount} level${unit.levelCount === 1 ? '' : 's'}: no level cap for ablation in the LCD text read (S4), each level needs its medial branch blocks (R1)`),
});
