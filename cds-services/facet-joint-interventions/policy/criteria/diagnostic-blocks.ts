import type { Finding } from '../../../../src/decision/types';
import { addDays, daysBetween, met, notMet, plural, sessionText } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { criterion, notDocumented, outsideThoracic } from './define';

const ACTIVE_ORDER = new Set(['draft', 'active', 'on-hold']);

function firstBlock(ctx: FacetContext) {
  return ctx.history.diagnosticBlocks[0]!;
}

function isSecondBlock(ctx: FacetContext): boolean {
  return outsideThoracic(ctx) && ctx.history.diagnosticBlocks.length === 1;
}

/**
 * Earlier blocks whose relief is not charted, when they decide whether this (unmarked) injection is a
 * third diagnostic block or a therapeutic one: with their relief at 80% or more it would be therapeutic.
 */
function undecidedBlocks(ctx: FacetContext) {
  const { history, t, unit } = ctx;
  if (unit.intent || history.diagnosticBlocks.length < t.maxDiagnosticBlocks) return [];
  const unknown = history.diagnosticBlocks.filter((b) => b.relief?.percent === undefined);
  const positive = history.diagnosticBlocks.filter((b) => (b.relief?.percent ?? -1) >= t.diagnosticReliefPercent);
  return positive.length + unknown.length >= t.maxDiagnosticBlocks ? unknown : [];
}

/** I.A.1: up to two diagnostic blocks per region; a third is not covered. */
export const diagnosticBlockLimit = criterion('diagnostic-block-limit', {
  dependsOn: ['procedures', 'observations'],
  // Relief only matters when it decides the pathway of an unmarked injection after two blocks.
  dependsOnFor: (ctx) => (!ctx.unit.intent && ctx.history.diagnosticBlocks.length >= ctx.t.maxDiagnosticBlocks ? ['procedures', 'observations'] : ['procedures']),
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const { history, t, unit } = ctx;
    const done = history.diagnosticBlocks.length;
    const evidence = history.diagnosticBlocks.map((b) => ({ text: sessionText(b), reference: b.refs[0] }));
    const undecided = undecidedBlocks(ctx);
    if (undecided.length > 0) {
      return notDocumented(
        'diagnostic-block-limit',
        `${plural(done, 'diagnostic block')} on record in the ${unit.region ?? 'same'} region, relief not charted after ${undecided.map((b) => b.label).join(' and ')}: with ≥ ${t.diagnosticReliefPercent}% relief this order is a therapeutic injection (I.D), otherwise a third diagnostic block (not covered)`,
        evidence,
      );
    }
    return done >= t.maxDiagnosticBlocks
      ? notMet(`${plural(done, 'diagnostic block')} already on record in the ${unit.region ?? 'same'} region; the policy covers up to ${t.maxDiagnosticBlocks}`, evidence)
      : met(`Diagnostic block ${done + 1} of at most ${t.maxDiagnosticBlocks} in this region`, evidence);
  },
});

/** I.A.1.e and the note: a second block only after the first gave at least 80% relief. */
export const secondBlockRelief = criterion('second-block-relief', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: isSecondBlock,
  evaluate: (ctx): Finding => {
    const first = firstBlock(ctx);
    const relief = first.relief!;
    if (relief.percent === undefined) {
      return notDocumented('second-block-relief', `Relief after the first block (${first.label}) cannot be read: ${relief.problem}`, relief.evidence);
    }
    return relief.percent >= ctx.t.diagnosticReliefPercent
      ? met(`First block gave ${relief.percent}% relief (≥ ${ctx.t.diagnosticReliefPercent}%)`, relief.evidence)
      : notMet(`First block gave ${relief.percent}% relief, under ${ctx.t.diagnosticReliefPercent}%: a second block is not medically necessary`, relief.evidence);
  },
});

/** I.A.1.e: the two blocks at least two weeks apart. */
export const secondBlockInterval = criterion('second-block-interval', {
  dependsOn: ['procedures'],
  categorical: true,
  pathways: ['diagnostic'],
  appliesTo: isSecondBlock,
  evaluate: (ctx): Finding => {
    const first = firstBlock(ctx);
    const days = daysBetween(first.date, ctx.unit.date);
    const evidence = [{ text: sessionText(first), reference: first.refs[0] }];
    return days >= ctx.t.secondBlockMinDays
      ? met(`${days} days after the first block (at least ${ctx.t.secondBlockMinDays})`, evidence)
      : notMet(`Only ${days} days after the first block; at least ${ctx.t.secondBlockMinDays} required`, evidence, addDays(first.date, ctx.t.secondBlockMinDays));
  },
});

/** I.A.1.e: the second block at the same level(s) as the first. */
export const secondBlockSameLevels = criterion('second-block-same-levels', {
  dependsOn: ['procedures'],
  pathways: ['diagnostic'],
  appliesTo: isSecondBlock,
  evaluate: (ctx): Finding => {
    const first = firstBlock(ctx);
    const { unit } = ctx;
    const evidence = [{ text: sessionText(first), reference: first.refs[0] }];
    if (first.levels.length > 0 && unit.levelNames.length > 0) {
      const same = first.levels.length === unit.levelNames.length && first.levels.every((l) => unit.levelNames.includes(l));
      return same
        ? met(`Same levels as the first block (${unit.levelNames.join(', ')})`, evidence)
        : notMet(`Levels differ: first block ${first.levels.join(', ')}, this order ${unit.levelNames.join(', ')}`, evidence);
    }
    if (first.levelCount !== unit.levelCount) {
      return notMet(`The first block treated ${plural(first.levelCount, 'level')}, this order ${unit.levelCount}`, evidence);
    }
    return notDocumented('second-block-same-levels', `Both treat ${plural(unit.levelCount, 'level')}, but the levels are not charted on ${first.levels.length === 0 ? 'the first block' : 'this order'}`, evidence);
  },
});

/** I.A.1.f: radiofrequency neurotomy is being considered (not met when the order names it only to negate it). */
export const radiofrequencyConsidered = criterion('radiofrequency-considered', {
  dependsOn: ['serviceRequests'],
  // The order itself, or an RF order signed with it, settles it without the record's orders.
  dependsOnFor: ({ unit, sessionOrders }) =>
    unit.orders.some((o) => o.mentionsRadiofrequency || o.deniesRadiofrequency) || sessionOrders.some((o) => o.kind === 'radiofrequency') ? [] : ['serviceRequests'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: ({ unit, sessionOrders, chart }): Finding => {
    const mentioned = unit.orders.filter((o) => o.mentionsRadiofrequency);
    if (mentioned.length > 0) return met('The order says radiofrequency neurotomy is being considered', mentioned.map((o) => ({ text: 'reason, note or detail on the order', reference: o.ref })));
    const draftRf = sessionOrders.filter((o) => o.kind === 'radiofrequency');
    if (draftRf.length > 0) return met('A radiofrequency neurotomy is ordered in this session', draftRf.map((o) => ({ text: `CPT ${o.codes.map((c) => c.code).join(', ')}`, reference: o.ref })));
    // The order's own words that RF is not being considered outweigh an older plan on the record.
    const denied = unit.orders.filter((o) => o.deniesRadiofrequency);
    if (denied.length > 0) {
      return notMet('The order says radiofrequency neurotomy is not being considered (negated on the order)', denied.map((o) => ({ text: 'reason, note or detail on the order names radiofrequency neurotomy only to negate it', reference: o.ref })));
    }
    const planned = chart.plannedOrders.filter((p) => ACTIVE_ORDER.has(p.status));
    if (planned.length > 0) return met('A radiofrequency neurotomy is planned or ordered', planned.map((p) => ({ text: `CPT ${p.codes.join(', ')} (${p.status}, ${p.intent})`, reference: p.ref })));
    return notDocumented('radiofrequency-considered', 'Nothing on the order or in the record says radiofrequency neurotomy is being considered');
  },
});
