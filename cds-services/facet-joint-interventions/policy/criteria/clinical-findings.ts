import type { Evidence, Finding } from '../../../../src/decision/types';
import { conditionEvidence, cystCausing, cystsElsewhere, evidenceCutoff, facetSynovialCysts, linkEvidence, laterConditions, laterEvidence, met, notMet, observationRegions, otherRegionEvidence, regionConditions, regionFit, setAsideNote, type ChartObservation } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { criterion, notDocumented, outsideThoracic } from './define';

type FindingValue = 'positive' | 'negative' | 'unknown';

function examValue(o: ChartObservation, ctx: FacetContext): FindingValue {
  const { vs } = ctx;
  if (o.boolean === true) return 'positive';
  if (o.boolean === false) return 'negative';
  const concepts = [...(o.concept ? [o.concept] : []), ...o.interpretation, ...(o.string ? [{ text: o.string }] : [])];
  if (concepts.some((c) => vs.negativeFinding!.matchesConcept(c))) return 'negative';
  if (concepts.some((c) => vs.positiveFinding!.matchesConcept(c))) return 'positive';
  return concepts.length === 0 && o.value === undefined ? 'positive' : 'unknown';
}

function examLabel(o: ChartObservation): string {
  return o.codings[0]?.display ?? o.codeText ?? o.codings[0]?.code ?? 'exam finding';
}

/**
 * I.A.1.c: clinical findings suggest facet joint syndrome (a facet diagnosis, or a positive exam finding),
 * of the order's region or naming none: a lumbar facet diagnosis does not suggest cervical facet syndrome.
 */
export const facetSyndromeFindings = criterion('facet-syndrome-findings', {
  dependsOn: ['conditions', 'observations'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const { unit, vs, chart } = ctx;
    const until = evidenceCutoff(ctx.today, unit.date);
    const diagnoses = regionConditions(ctx, 'facetSyndrome');
    const examConditions = regionConditions(ctx, 'facetExamFindings');
    const exams = chart.observations.filter((o) => o.codings.some((c) => vs.facetExamFindings!.matchesCoding(c)) && (o.date ?? '') <= until);
    const examsHere = exams.filter((o) => regionFit(observationRegions(o, vs), unit.region) !== 'other');
    const setAside: Evidence[] = [
      ...diagnoses.elsewhere,
      ...examConditions.elsewhere,
      ...exams
        .filter((o) => !examsHere.includes(o) && examValue(o, ctx) === 'positive')
        .map((o) => otherRegionEvidence(`${examLabel(o)}: positive on ${o.date}`, o.ref, observationRegions(o, vs), unit.region)),
      ...laterConditions(ctx, 'facetSyndrome', 'facetExamFindings'),
      ...laterEvidence(
        chart.later.observations.filter((o) => o.codings.some((c) => vs.facetExamFindings!.matchesCoding(c))).map((o) => ({ ref: o.ref, text: examLabel(o), date: o.date })),
        ctx.today,
      ),
    ];
    const positive = examsHere.filter((o) => examValue(o, ctx) === 'positive');
    const evidence: Evidence[] = [
      ...diagnoses.counted.map(conditionEvidence),
      ...examConditions.counted.map(conditionEvidence),
      ...positive.map((o) => ({ text: `${examLabel(o)}: positive on ${o.date}`, reference: o.ref })),
    ];
    if (evidence.length > 0) return met(diagnoses.counted.length > 0 ? 'Facet joint syndrome diagnosed' : 'Positive facet exam finding', [...evidence, ...setAside]);
    const negative = examsHere.filter((o) => examValue(o, ctx) === 'negative');
    if (negative.length > 0) {
      return notMet('Facet exam findings on record are negative, and no facet syndrome diagnosis', [
        ...negative.map((o) => ({ text: `${examLabel(o)}: negative on ${o.date}`, reference: o.ref })),
        ...setAside,
      ]);
    }
    return notDocumented('facet-syndrome-findings', `No facet syndrome diagnosis or facet exam finding${unit.region ? ` of the ${unit.region} region` : ''} on record${setAsideNote(setAside)}`, setAside);
  },
});

/**
 * I.A.1.c: pain not associated with radiculopathy (unless caused by a facet synovial cyst) or myelopathy,
 * of the order's region: a cervical radiculopathy does not block a lumbar block. The cyst must be able to
 * cause the radiculopathy: same region, and the same or an adjacent level when both are charted.
 */
export const noRadiculopathyOrMyelopathy = criterion('no-radiculopathy-or-myelopathy', {
  dependsOn: ['conditions'],
  pathways: ['diagnostic'],
  appliesTo: outsideThoracic,
  evaluate: (ctx): Finding => {
    const { unit } = ctx;
    const myelopathy = regionConditions(ctx, 'myelopathy');
    const radiculopathy = regionConditions(ctx, 'radiculopathy');
    const setAside = [...myelopathy.elsewhere, ...radiculopathy.elsewhere, ...laterConditions(ctx, 'myelopathy', 'radiculopathy')];
    if (myelopathy.counted.length > 0) return notMet('Myelopathy on the problem list', [...myelopathy.counted.map(conditionEvidence), ...setAside]);
    if (radiculopathy.counted.length === 0) {
      return met(`No current radiculopathy or myelopathy${unit.region ? ` of the ${unit.region} region` : ''} on the problem list`, setAside);
    }
    const cysts = facetSynovialCysts(ctx);
    const links = radiculopathy.counted.map((r) => ({ r, ...cystCausing(r, cysts, ctx) }));
    const rejected = [...links.flatMap((l) => l.rejected), ...cystsElsewhere(ctx)];
    const unexplained = links.filter((l) => !l.link);
    if (unexplained.length === 0) {
      return met('Radiculopathy caused by a facet joint synovial cyst (allowed)', [...links.flatMap((l) => linkEvidence(l.r, l.link!)), ...rejected, ...setAside]);
    }
    return notMet(
      cysts.length > 0 ? 'Radiculopathy on the problem list, with no facet synovial cyst that can cause it' : 'Radiculopathy on the problem list, with no facet synovial cyst',
      [...unexplained.map((l) => conditionEvidence(l.r)), ...rejected, ...setAside],
    );
  },
});
