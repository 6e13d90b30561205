import type { Finding } from '../../../../src/decision/types';
import { addMonths } from '../dates';
import { positiveBlocks, sessionText } from '../history';
import { functionalChange, sustainedPainRelief } from '../relief';
import type { FacetContext } from '../types';
import { criterion, met, notDocumented, notMet, onPathway, plural, type CriterionId } from './define';

/** I.B.1.b and I.D.1: two diagnostic blocks in the region, each with at least 80% relief. */
export function twoPositiveBlocks(id: CriterionId) {
  return (ctx: FacetContext): Finding => {
    const { history, t, unit } = ctx;
    const positive = positiveBlocks(history, t);
    const unknown = history.diagnosticBlocks.filter((b) => b.relief?.percent === undefined);
    const evidence = history.diagnosticBlocks.flatMap((b) => [
      { text: `${sessionText(b)}: ${b.relief?.percent !== undefined ? `${b.relief.percent}% relief` : `relief not charted (${b.relief?.problem})`}`, reference: b.refs[0] },
      ...(b.relief?.evidence ?? []),
    ]);
    if (positive.length >= 2) return met(`${plural(positive.length, 'diagnostic block')} with ≥ ${t.diagnosticReliefPercent}% relief in the ${unit.region} region`, evidence);
    if (positive.length + unknown.length >= 2 && unknown.length > 0) {
      return notDocumented(id, `${plural(history.diagnosticBlocks.length, 'diagnostic block')} on record, but the relief after ${plural(unknown.length, 'block')} is not charted`, evidence);
    }
    return notMet(
      `${plural(history.diagnosticBlocks.length, 'diagnostic block')} on record in the ${unit.region ?? 'same'} region, ${positive.length} with ≥ ${t.diagnosticReliefPercent}% relief; two are required`,
      evidence,
    );
  };
}

export const radiofrequencyTwoPositiveBlocks = criterion('rf-two-positive-blocks', {
  dependsOn: ['procedures', 'observations'],
  categorical: true,
  appliesTo: (ctx) => onPathway(ctx, 'initial-radiofrequency'),
  evaluate: twoPositiveBlocks('rf-two-positive-blocks'),
});

/** I.B.2.a: at least six months since the previous neurotomy. */
export const repeatRadiofrequencyInterval = criterion('repeat-rf-interval', {
  dependsOn: ['procedures'],
  categorical: true,
  appliesTo: (ctx) => onPathway(ctx, 'repeat-radiofrequency'),
  evaluate: ({ history, t, unit }): Finding => {
    const last = history.radiofrequency.at(-1)!;
    const eligible = addMonths(last.date, t.repeatRadiofrequencyMinMonths);
    const evidence = [{ text: sessionText(last), reference: last.refs[0] }];
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
    const { history, t, unit, chart, vs } = ctx;
    const last = history.radiofrequency.at(-1)!;
    const pain = sustainedPainRelief(last, chart, vs, t, t.repeatRadiofrequencyReliefPercent, t.repeatRadiofrequencyReliefMonths, unit.date);
    const fn = functionalChange(last, chart, vs, t, unit.date);
    const evidence = [...pain.evidence, ...fn.evidence];
    if (pain.status === 'not-met') return notMet(`Relief not sustained: ${pain.summary}`, evidence);
    if (fn.status === 'not-improved') return notMet(`No functional improvement: ${fn.summary}`, evidence);
    if (pain.status === 'unknown' || fn.status === 'unknown') {
      return notDocumented('repeat-rf-sustained-relief', [pain.status === 'unknown' ? pain.summary : '', fn.status === 'unknown' ? fn.summary : ''].filter((s) => s).join('; '), evidence);
    }
    return met(`${pain.summary}; ${fn.summary}`, evidence);
  },
});
