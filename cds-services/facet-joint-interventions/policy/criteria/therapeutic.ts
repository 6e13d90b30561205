import { notRadiofrequencyCandidate as notRfCandidate, reliefOrFunctionAtSameSite } from '../../../../src/kit';
import { criterion, notDocumented, outsideThoracic } from './define';
import { positiveBlocksAtLevels } from './radiofrequency';

/** I.D.1: two diagnostic blocks with at least 80% relief before therapeutic injections. */
export const therapeuticTwoPositiveBlocks = criterion('therapeutic-two-positive-blocks', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  pathways: ['therapeutic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx) => positiveBlocksAtLevels('therapeutic-two-positive-blocks', ctx, ctx.unit.levelNames),
});

/**
 * I.D.2: a subsequent therapeutic injection "at the same anatomic site" (the same joint levels) needs the
 * prior one there to have given at least 50% relief for 3 months, or at least 50% consistent functional
 * improvement on the same scale (and at least the scale's MCID). An injection at a new level is not judged
 * by the relief from one at another level.
 */
export const therapeuticSustainedRelief = criterion('therapeutic-sustained-relief', {
  dependsOn: ['observations'],
  pathways: ['therapeutic'],
  appliesTo: (ctx) => outsideThoracic(ctx) && ctx.history.therapeuticInjections.length > 0,
  evaluate: (ctx) =>
    reliefOrFunctionAtSameSite(ctx, ctx.history.therapeuticInjections, { label: 'therapeutic injection', thresholds: 'therapeutic' }, (summary, evidence) =>
      notDocumented('therapeutic-sustained-relief', summary, evidence),
    ),
});

/** I.D.3: documentation of why the member is not a radiofrequency neurotomy candidate. */
export const notRadiofrequencyCandidate = criterion('not-rf-candidate', {
  dependsOn: ['conditions', 'devices', 'observations'],
  pathways: ['therapeutic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx) => notRfCandidate(ctx, (summary) => notDocumented('not-rf-candidate', summary)),
});
