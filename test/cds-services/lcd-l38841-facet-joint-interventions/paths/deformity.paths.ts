import { icd, monthsBefore } from '../../../helpers/chart';
import { mbbOrder, medicareCandidate } from './base-charts';
import type { LcdPathScenario } from './indications.paths';

/**
 * C4: "No non-facet pathology on clinical assessment or imaging that could explain the pain (fracture, tumor,
 * infection, significant deformity, among others)". A curve of at least `significantDeformityCobbDegrees`
 * (thresholds.json: 30°, the SRS-Schwab major coronal curve) is a significant deformity, whatever words name it.
 */
export const deformityPaths: LcdPathScenario[] = [
  {
    name: 'C4 severe degenerative lumbar scoliosis, Cobb 38°, on the problem list and in the MRI report: not covered',
    chart: (c) => {
      medicareCandidate(c, ['imaging']);
      c.condition(icd('M41.86', 'Other forms of scoliosis, lumbar region'), { onset: monthsBefore(30), text: 'Severe degenerative lumbar scoliosis (Cobb 38 degrees) with rotatory subluxation L3-L4' });
      c.imagingReport('MRI lumbar spine without contrast', monthsBefore(3), 'Severe degenerative lumbar scoliosis, Cobb angle 38 degrees, apex L2. Facet arthropathy L3-L4 to L5-S1. No fracture.');
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c4-no-other-pathology': 'not-met' }, evidence: { 'c4-no-other-pathology': { counted: [/significant deformity/] } } } },
  },
  {
    name: 'C4 a scoliosis diagnosis stating Cobb 34° (no severity word, no Condition.severity) is significant: not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.condition(icd('M41.26', 'Other idiopathic scoliosis, lumbar region'), { onset: monthsBefore(24), text: 'Lumbar scoliosis, Cobb 34°' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c4-no-other-pathology': 'not-met' }, evidence: { 'c4-no-other-pathology': { counted: [/Cobb 34° ≥ 30°/] } } } },
  },
  {
    name: 'C4 an MRI report measuring a 38-degree curve is significant: not covered',
    chart: (c) => {
      medicareCandidate(c, ['imaging']);
      c.imagingReport('MRI lumbar spine', monthsBefore(2), 'Degenerative levoconvex lumbar curve, Cobb angle of 38°. Facet arthropathy at L4-L5.');
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c4-no-other-pathology': 'not-met' }, evidence: { 'c4-no-other-pathology': { counted: [/Cobb 38° ≥ 30°/] } } } },
  },
  {
    name: 'C4 a mild curve (Cobb 14°) is not a significant deformity: covered, the diagnosis set aside',
    chart: (c) => {
      medicareCandidate(c, ['imaging']);
      c.condition(icd('M41.86', 'Other forms of scoliosis, lumbar region'), { onset: monthsBefore(30), text: 'Mild degenerative lumbar scoliosis, Cobb 14 degrees' });
      c.imagingReport('MRI lumbar spine', monthsBefore(2), 'Mild lumbar scoliosis, Cobb angle 14 degrees. Facet arthropathy at L4-L5. No fracture.');
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c4-no-other-pathology': 'met' }, evidence: { 'c4-no-other-pathology': { setAside: [/deformity not charted as significant/] } } } },
  },
];
