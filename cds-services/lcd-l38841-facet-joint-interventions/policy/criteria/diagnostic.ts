import type { Finding } from '../../../../src/decision/types';
import { addDays, addMonths, atSameSite, daysBetween, met, newLevels, notMet, reliefOrFunctionAtSameSite, rollingCount, sessionText, siteEvidence } from '../../../../src/kit';
import type { LcdContext } from '../types';
import { sessionsPerYear } from './caps';
import { REPEAT_ABLATION, criterion, facetProcedure, notDocumented, ordersSaying } from './define';

const isFurtherDiagnostic = (ctx: LcdContext) => facetProcedure(ctx) && ctx.history.diagnostic.length > 0;

/**
 * D2: a further diagnostic block at the same levels follows one that gave at least 80% relief (a confirmatory
 * block). Relief is read as charted (peak relief after the block): "a duration consistent with the agent" has
 * no table of hours (open question Q4), so it is not read. A block at other levels is a first block there.
 */
export const secondDiagnosticRelief = criterion('d2-second-diagnostic-relief', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: (ctx) => isFurtherDiagnostic(ctx) && atSameSite(ctx.history.diagnostic, ctx.unit.levelNames).length > 0,
  evaluate: (ctx): Finding => {
    const last = atSameSite(ctx.history.diagnostic, ctx.unit.levelNames).at(-1)!;
    const relief = last.relief!;
    const evidence = [siteEvidence(last, ctx.unit.levelNames, 'previous diagnostic block'), ...relief.evidence];
    if (relief.percent === undefined) return notDocumented('d2-second-diagnostic-relief', `Relief after the previous block (${last.label}) cannot be read: ${relief.problem}`, evidence);
    return relief.percent >= ctx.t.diagnosticReliefPercent
      ? met(`The previous block at these levels gave ${relief.percent}% relief (≥ ${ctx.t.diagnosticReliefPercent}%)`, evidence)
      : notMet(`The previous block at these levels gave ${relief.percent}% relief, under ${ctx.t.diagnosticReliefPercent}%: a confirmatory block is not covered`, evidence);
  },
});

/** D3 (secondary source): diagnostic blocks at least 2 weeks apart; otherwise the first eligible date. */
export const diagnosticInterval = criterion('d3-diagnostic-interval', {
  dependsOn: ['procedures'],
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: isFurtherDiagnostic,
  evaluate: (ctx): Finding => {
    const last = ctx.history.diagnostic.at(-1)!;
    const days = daysBetween(last.date, ctx.unit.date);
    const evidence = [{ text: sessionText(last), reference: last.refs[0] }];
    return days >= ctx.t.diagnosticMinDaysApart
      ? met(`${days} days after the last diagnostic block (at least ${ctx.t.diagnosticMinDaysApart})`, evidence)
      : notMet(`Only ${days} days after the last diagnostic block; at least ${ctx.t.diagnosticMinDaysApart} apart`, evidence, addDays(last.date, ctx.t.diagnosticMinDaysApart));
  },
});

/** D4: at most 4 diagnostic sessions per rolling 12 months in the CPT region, with the first eligible date at the cap. */
export const diagnosticSessionsPerYear = criterion('d4-diagnostic-sessions-per-year', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: facetProcedure,
  evaluate: (ctx) => sessionsPerYear(ctx, ctx.history.diagnostic, ctx.t.maxDiagnosticSessions, 'diagnostic'),
});

/**
 * D5: usually two diagnostic sessions in 12 months; a further one (for example at other levels after
 * negative blocks) is billed with KX, the modifier that attests the documentation is on file. Met with the
 * KX modifier on the order, or when the order's levels are new and every earlier block was negative; else
 * the reason must be documented.
 */
export const diagnosticsBeyondTwo = criterion('d5-diagnostics-beyond-two', {
  dependsOn: ['procedures', 'observations'],
  pathways: ['diagnostic'],
  appliesTo: facetProcedure,
  evaluate: (ctx): Finding => {
    const { unit, history, t } = ctx;
    const { within } = rollingCount([...new Set(history.diagnostic.map((b) => b.date))], unit.date, t.rollingWindowMonths, Number.POSITIVE_INFINITY);
    const evidence = history.diagnostic.filter((b) => within.includes(b.date)).map((b) => ({ text: sessionText(b), reference: b.refs[0] }));
    if (within.length < t.usualDiagnosticSessions) return met(`Diagnostic session ${within.length + 1} in ${t.rollingWindowMonths} months (usually up to ${t.usualDiagnosticSessions})`, evidence);
    const kx = ordersSaying(ctx, 'kxModifier');
    if (kx.length > 0) return met('A further diagnostic block, billed with the KX modifier (the need is documented)', [...evidence, ...kx.map(({ order }) => ({ text: 'KX modifier on the order', reference: order.ref }))]);
    const negative = history.diagnostic.every((b) => b.relief?.percent !== undefined && b.relief.percent < t.diagnosticReliefPercent);
    if (unit.levelNames.length > 0 && newLevels(history.diagnostic, unit.levelNames).length === unit.levelNames.length && negative) {
      return met(`A further diagnostic block at other levels (${unit.levelNames.join(', ')}) after negative blocks`, evidence);
    }
    return notDocumented('d5-diagnostics-beyond-two', `${within.length} diagnostic sessions in ${t.rollingWindowMonths} months already: a further one needs its reason documented and the KX modifier`, evidence);
  },
});

/**
 * D6 (secondary source): no diagnostic block at the level of a previously successful ablation: one at the same
 * levels, less than two years before (R3 asks for repeat blocks after two years), that gave the relief or
 * function a repeat ablation needs (R2). A success not charted either way is not held against the order.
 */
export const noBlockAtSuccessfulAblation = criterion('d6-no-block-at-successful-rfa-level', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: (ctx) => facetProcedure(ctx) && atSameSite(ctx.history.radiofrequency, ctx.unit.levelNames).length > 0,
  evaluate: (ctx): Finding => {
    const { unit, t, history } = ctx;
    const last = atSameSite(history.radiofrequency, unit.levelNames).at(-1)!;
    const evidence = [siteEvidence(last, unit.levelNames, 'earlier ablation')];
    if (addMonths(last.date, t.repeatDiagnosticsAfterMonths) <= unit.date) {
      return met(`The last ablation at these levels (${last.date}) is ${t.repeatDiagnosticsAfterMonths / 12} years old or more: diagnostic blocks are repeated before another (R3)`, evidence);
    }
    const success = reliefOrFunctionAtSameSite(ctx, [last], REPEAT_ABLATION, (summary, lines) => ({ status: 'not-documented', summary, evidence: lines }));
    if (success.status === 'met') return notMet(`A diagnostic block at the levels of a successful ablation (${success.summary})`, [...evidence, ...(success.evidence ?? [])]);
    return met(`The ablation at these levels on ${last.date} is not charted as successful (${success.summary})`, [...evidence, ...(success.evidence ?? [])]);
  },
});
