import type { Evidence, Finding } from '../../../../src/decision/types';
import type { ChartObservation, FacetContext } from '../types';
import { conditionEvidence, criterion, currentConditions, met, notDocumented, notMet, onPathway } from './define';
import { facetSynovialCysts } from './cyst';

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

/** I.A.1.c: clinical findings suggest facet joint syndrome (a facet diagnosis, or a positive exam finding). */
export const facetSyndromeFindings = criterion('facet-syndrome-findings', {
  dependsOn: ['conditions', 'observations'],
  appliesTo: (ctx) => onPathway(ctx, 'diagnostic'),
  evaluate: (ctx): Finding => {
    const diagnoses = currentConditions(ctx, 'facetSyndrome');
    const exams = ctx.chart.observations.filter((o) => o.codings.some((c) => ctx.vs.facetExamFindings!.matchesCoding(c)) && (o.date ?? '') <= ctx.unit.date);
    const positive = exams.filter((o) => examValue(o, ctx) === 'positive');
    const examConditions = currentConditions(ctx, 'facetExamFindings');
    const evidence: Evidence[] = [
      ...diagnoses.map(conditionEvidence),
      ...examConditions.map(conditionEvidence),
      ...positive.map((o) => ({ text: `${o.codings[0]?.display ?? o.codings[0]?.code}: positive on ${o.date}`, reference: o.ref })),
    ];
    if (evidence.length > 0) return met(diagnoses.length > 0 ? 'Facet joint syndrome diagnosed' : 'Positive facet exam finding', evidence);
    const negative = exams.filter((o) => examValue(o, ctx) === 'negative');
    if (negative.length > 0) {
      return notMet('Facet exam findings on record are negative, and no facet syndrome diagnosis', negative.map((o) => ({ text: `${o.codings[0]?.display ?? o.codings[0]?.code}: negative on ${o.date}`, reference: o.ref })));
    }
    return notDocumented('facet-syndrome-findings', 'No facet syndrome diagnosis or facet exam finding on record');
  },
});

const OTHER_CAUSES: Array<[string, string]> = [
  ['vertebralFracture', 'fracture'],
  ['spinalNeoplasm', 'tumour'],
  ['spinalInfection', 'infection'],
  ['extraspinalLesion', 'extraspinal lesion'],
];

/** I.A.1.c: imaging suggests no other obvious cause (fracture, tumour, infection, extraspinal lesion). */
export const imagingNoOtherCause = criterion('imaging-no-other-cause', {
  dependsOn: ['conditions', 'procedures', 'imagingReports'],
  appliesTo: (ctx) => onPathway(ctx, 'diagnostic'),
  evaluate: (ctx): Finding => {
    const { vs, chart, unit } = ctx;
    const causes: Evidence[] = [];
    for (const [valueSet, label] of OTHER_CAUSES) {
      for (const c of currentConditions(ctx, valueSet)) causes.push({ ...conditionEvidence(c), text: `${label}: ${conditionEvidence(c).text}` });
      for (const report of chart.imaging) {
        if (report.conclusionConcepts.some((concept) => vs[valueSet]!.matchesConcept(concept))) causes.push({ text: `${label} in the imaging conclusion of ${report.name}`, reference: report.ref });
      }
    }
    if (causes.length > 0) return notMet(`Another cause of the pain is on record (${[...new Set(causes.map((c) => c.text.split(':')[0]))].join(', ')})`, causes);
    const imaging: Evidence[] = [
      ...chart.procedures
        .filter((p) => p.status === 'completed' && (p.date ?? '') <= unit.date && (p.codings.some((c) => vs.spineImaging!.matchesCoding(c)) || vs.spineImaging!.matchesText(p.text)))
        .map((p) => ({ text: `${p.text} on ${p.date}`, reference: p.ref })),
      ...chart.imaging.filter((i) => (i.date ?? '') <= unit.date).map((i) => ({ text: `${i.name}${i.date ? ` on ${i.date}` : ''}${i.conclusion ? `: ${i.conclusion}` : ''}`, reference: i.ref })),
    ];
    if (imaging.length === 0) return notDocumented('imaging-no-other-cause', 'No spine imaging on record');
    return met('Spine imaging on record, and no fracture, tumour, infection or extraspinal lesion on the problem list', imaging);
  },
});

/** I.A.1.c: pain not associated with radiculopathy (unless caused by a facet synovial cyst) or myelopathy. */
export const noRadiculopathyOrMyelopathy = criterion('no-radiculopathy-or-myelopathy', {
  dependsOn: ['conditions'],
  appliesTo: (ctx) => onPathway(ctx, 'diagnostic'),
  evaluate: (ctx): Finding => {
    const myelopathy = currentConditions(ctx, 'myelopathy');
    if (myelopathy.length > 0) return notMet('Myelopathy on the problem list', myelopathy.map(conditionEvidence));
    const radiculopathy = currentConditions(ctx, 'radiculopathy');
    if (radiculopathy.length === 0) return met('No current radiculopathy or myelopathy on the problem list');
    const cysts = facetSynovialCysts(ctx);
    if (cysts.length > 0) return met('Radiculopathy caused by a facet joint synovial cyst (allowed)', [...radiculopathy, ...cysts].map(conditionEvidence));
    return notMet('Radiculopathy on the problem list, with no facet synovial cyst', radiculopathy.map(conditionEvidence));
  },
});

