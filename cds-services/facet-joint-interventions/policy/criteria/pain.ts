import type { Evidence, Finding } from '../../../../src/decision/types';
import {
  addMonths,
  conditionEvidence,
  evidenceCutoff,
  functionalScores,
  laterConditions,
  laterEvidence,
  met,
  notMet,
  observationRegions,
  otherRegionEvidence,
  painLasted,
  regionConditions,
  regionFit,
  scaleFits,
  scoreEvidence,
  setAsideNote,
  type Region,
} from '../../../../src/kit';
import type { FacetContext } from '../types';
import { criterion, notDocumented, outsideThoracic, type DocumentableId } from './define';

/** Back or neck pain lasting at least the threshold (3 months) before the order date. */
function painDuration(id: DocumentableId) {
  return (ctx: FacetContext): Finding => painLasted(ctx, ctx.t.painDurationMonths, (summary, evidence) => notDocumented(id, summary, evidence));
}

/** I.A.1.a: pain has lasted at least 3 months. */
export const painThreeMonths = criterion('pain-three-months', {
  dependsOn: ['conditions'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: painDuration('pain-three-months'),
});

/** I.B.1.a: neck or back pain present for at least 3 months (initial neurotomy). */
export const radiofrequencyPainThreeMonths = criterion('rf-pain-three-months', {
  dependsOn: ['conditions'],
  pathways: ['initial-radiofrequency'],
  appliesTo: outsideThoracic,
  evaluate: painDuration('rf-pain-three-months'),
});

/**
 * Pain interferes with ADLs: the latest score of a functional scale of the order's region (Oswestry for the
 * low back, NDI for the neck, PROMIS / BPI / PEG for either) in the look-back at or past its threshold, or a
 * coded finding. Only low scores on record means the record shows it does not. Scores of another region's
 * scale, and records dated after today, are set aside and listed.
 */
export function adlInterference(ctx: FacetContext): { interferes: boolean | undefined; finding: Finding } {
  const { unit, t, vs, chart } = ctx;
  const from = addMonths(unit.date, -t.functionalScaleLookbackMonths);
  const until = evidenceCutoff(ctx.today, unit.date);
  const scores = functionalScores(chart, t.functionalScales, vs).filter((s) => s.obs.date! >= from && s.obs.date! <= until);
  const latestOf = (list: typeof scores) => [...new Map(list.map((s) => [s.scale.valueSet, s])).values()];
  const latest = latestOf(scores.filter((s) => scaleFits(s.scale, unit.region)));
  const setAside: Evidence[] = [
    ...latestOf(scores.filter((s) => !scaleFits(s.scale, unit.region))).map((s) =>
      otherRegionEvidence(`${scoreEvidence(s.obs, s.scale.label).text}, a ${s.scale.region} scale`, s.obs.ref, [s.scale.region as Region], unit.region),
    ),
    ...laterEvidence(
      chart.later.observations
        .filter((o) => t.functionalScales.some((scale) => o.codings.some((c) => vs[scale.valueSet]!.matchesCoding(c))) || o.codings.some((c) => vs.adlInterference!.matchesCoding(c)))
        .map((o) => ({ ref: o.ref, text: `${o.codings[0]?.display ?? o.codeText ?? o.codings[0]?.code} ${o.value ?? ''}`.trim(), date: o.date })),
      ctx.today,
    ),
    ...laterConditions(ctx, 'adlInterference'),
  ];
  const interfering = latest.filter((s) => (s.scale.higherIsWorse ? s.obs.value! >= s.scale.interferesAt : s.obs.value! <= s.scale.interferesAt));
  if (interfering.length > 0) {
    const s = interfering[0]!;
    return {
      interferes: true,
      finding: met(`${s.scale.label} ${s.obs.value} on ${s.obs.date} (interferes at ${s.scale.higherIsWorse ? '≥' : '≤'} ${s.scale.interferesAt})`, [...interfering.map((x) => scoreEvidence(x.obs, x.scale.label)), ...setAside]),
    };
  }
  const matcher = vs.adlInterference!;
  const codedConditions = regionConditions(ctx, 'adlInterference');
  const codedObservations = chart.observations.filter((o) => o.codings.some((c) => matcher.matchesCoding(c)) && o.boolean !== false && (o.date ?? '') <= until);
  const coded = [
    ...codedConditions.counted.map(conditionEvidence),
    ...codedObservations
      .filter((o) => regionFit(observationRegions(o, vs), unit.region) !== 'other')
      .map((o) => ({ text: `finding recorded ${o.date ?? ''}: pain limits daily activities`, reference: o.ref })),
  ];
  setAside.push(
    ...codedConditions.elsewhere,
    ...codedObservations
      .filter((o) => regionFit(observationRegions(o, vs), unit.region) === 'other')
      .map((o) => otherRegionEvidence(`finding recorded ${o.date ?? ''}: pain limits daily activities`, o.ref, observationRegions(o, vs), unit.region)),
  );
  if (coded.length > 0) return { interferes: true, finding: met('Coded finding: pain limits activities of daily living', [...coded, ...setAside]) };
  if (latest.length > 0) {
    return {
      interferes: false,
      finding: notMet(
        `Latest functional scores are below the interference thresholds: ${latest.map((s) => `${s.scale.label} ${s.obs.value} (threshold ${s.scale.higherIsWorse ? '≥' : '≤'} ${s.scale.interferesAt})`).join('; ')}`,
        [...latest.map((s) => scoreEvidence(s.obs, s.scale.label)), ...setAside],
      ),
    };
  }
  const region = unit.region ? ` of the ${unit.region} region (or a region-neutral one)` : '';
  return {
    interferes: undefined,
    finding: notDocumented(
      'pain-interferes-with-adls',
      `No functional-scale score${region} in the ${t.functionalScaleLookbackMonths} months before ${unit.date}, and no coded ADL limitation${setAsideNote(setAside)}`,
      setAside,
    ),
  };
}

/** I.A.1.a: the pain interferes with activities of daily living. */
export const painInterferesWithAdls = criterion('pain-interferes-with-adls', {
  dependsOn: ['observations', 'conditions'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx) => adlInterference(ctx).finding,
});
