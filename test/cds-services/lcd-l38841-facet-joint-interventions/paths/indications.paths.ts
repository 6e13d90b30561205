import { at, cpt, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';
import { LOINC } from '../../../helpers/builders';
import type { PathScenario } from '../../facet-joint-interventions/paths/scenario';
import { lumbarCandidate } from '../../facet-joint-interventions/paths/base-charts';
import { MEDICARE_FFS, NEXT_WEEK, mbbOrder, medicareCandidate } from './base-charts';

/** A path of the service with a Medicare (or other) member: `policy` is the declaration expected to decide (default the LCD). */
export interface LcdPathScenario extends PathScenario {
  policy?: 'lcd-l38841-facet-joint-interventions' | 'facet-joint-interventions';
}

const FIRST_BLOCK_MET = {
  'facet-joint-target': 'met',
  'c5-image-guidance': 'met',
  'n2-no-prolotherapy': 'met',
  'n4-no-implant-or-after-alif': 'met',
  's1-one-region-per-session': 'met',
  's3-two-levels-per-injection-session': 'met',
  's5-regions-follow-cpt': 'met',
  'x1-other-blocks-same-day': 'met',
  'c1-axial-pain-with-deficit': 'met',
  'c2-pain-three-months': 'met',
  'c2-conservative-care-failed': 'met',
  'c3-no-untreated-radiculopathy': 'met',
  'c4-no-other-pathology': 'met',
  'd4-diagnostic-sessions-per-year': 'met',
  'd5-diagnostics-beyond-two': 'met',
  'doc2-disability-scale': 'met',
  'doc3-single-score': 'met',
} as const;

/** Which policy decides: Medicare (fee-for-service or Advantage) → the LCD; everyone else → CP.MP.171. */
export const selectionPaths: LcdPathScenario[] = [
  {
    name: 'a Medicare FFS member (SOPT 121, paid by CMS): decided under the LCD, no Medicaid notice',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: FIRST_BLOCK_MET, notApplicable: ['pain-three-months', 'physical-therapy', 'nsaid-trial', 'radiofrequency-considered', 'a1-anesthesia', 'd2-second-diagnostic-relief'] } },
  },
  {
    name: 'a Medicare Advantage member (SOPT 111): decided under the LCD',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ sopt: { code: '111', display: 'Medicare HMO' }, payor: 'Wellcare', plan: 'Wellcare Medicare Advantage HMO' });
      c.painScore(6, at(daysBefore(20)));
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c1-axial-pain-with-deficit': 'met' } } },
  },
  {
    name: 'a Medicare member recognised by the payor name only (Centers for Medicare & Medicaid Services): the LCD',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ payor: 'Centers for Medicare & Medicaid Services' });
      c.painScore(6, at(daysBefore(20)));
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c1-axial-pain-with-deficit': 'met' } } },
  },
  {
    name: 'a member with Medicare and Medicaid (SOPT 141, dual eligibility): the LCD decides, with the Medicaid note',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ sopt: { code: '141', display: 'Dual eligibility' }, payor: 'Sunshine Health' });
      c.painScore(6, at(daysBefore(20)));
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c1-axial-pain-with-deficit': 'met' } } },
    notices: ['medicaid'],
  },
  {
    name: 'a Medicaid member: CP.MP.171 decides, with the state Medicaid note',
    policy: 'facet-joint-interventions',
    chart: (c) => {
      lumbarCandidate(c, ['coverage']);
      c.coverage({ sopt: { code: '2', display: 'Medicaid' }, payor: 'Sunshine Health' });
    },
    orders: () => [order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Radiofrequency ablation will be considered if the blocks are positive' }] })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met', 'nsaid-trial': 'met' }, notApplicable: ['c1-axial-pain-with-deficit'] } },
    notices: ['medicaid'],
  },
];

/** C1-C5: what every facet procedure needs, and Codes: a facet procedure at all. */
export const indicationPaths: LcdPathScenario[] = [
  {
    name: 'C2 conservative care of no set kind or length: two weeks of physical therapy and no NSAID are enough (CP.MP.171 wants 4 weeks and 3 weeks)',
    chart: (c) => {
      medicareCandidate(c, ['pt', 'nsaid']);
      c.physicalTherapy(monthsBefore(4), 2);
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c2-conservative-care-failed': 'met' }, notApplicable: ['physical-therapy', 'nsaid-trial'] } },
  },
  {
    name: 'C2 conservative care: none on record, not documented',
    chart: (c) => medicareCandidate(c, ['pt', 'nsaid']),
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'c2-conservative-care-failed': 'not-documented' } } },
  },
  {
    name: 'C2 conservative care stopped because it was not tolerated counts ("as tolerated")',
    chart: (c) => {
      medicareCandidate(c, ['pt', 'nsaid']);
      c.procedure(cpt('97110'), { date: monthsBefore(3), status: 'stopped', statusReason: 'Unable to tolerate: too painful' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c2-conservative-care-failed': 'met' }, evidence: { 'c2-conservative-care-failed': { counted: [/not tolerated/] } } } },
  },
  {
    name: 'C2 pain for six weeks: not covered yet, with the date three months after onset',
    chart: (c) => {
      medicareCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: daysBefore(42) });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c2-pain-three-months': 'not-met' }, firstEligibleDate: monthsBefore(-3, daysBefore(42)), suggestions: [/^Schedule on /] } },
  },
  {
    name: 'C2 no pain diagnosis: pain duration not documented',
    chart: (c) => medicareCandidate(c, ['pain']),
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'c2-pain-three-months': 'not-documented', 'c1-axial-pain-with-deficit': 'not-documented' } } },
  },
  {
    name: 'C1 no pain or disability score in the year: not documented',
    chart: (c) => {
      lumbarCandidate(c, ['coverage', 'adl']);
      c.coverage({ sopt: MEDICARE_FFS });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'c1-axial-pain-with-deficit': 'not-documented', 'doc2-disability-scale': 'met' } } },
  },
  {
    name: 'C1 mild pain (2/10) and Oswestry 12: not moderate to severe, not covered',
    chart: (c) => {
      lumbarCandidate(c, ['coverage', 'adl']);
      c.coverage({ sopt: MEDICARE_FFS });
      c.functional('oswestry', 12, at(daysBefore(15)));
      c.painScore(2, at(daysBefore(15)));
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c1-axial-pain-with-deficit': 'not-met' } } },
  },
  {
    name: 'C1 a moderate 0-10 pain score alone measures the deficit (no disability scale needed, DOC2 read as Q3)',
    chart: (c) => {
      lumbarCandidate(c, ['coverage', 'adl']);
      c.coverage({ sopt: MEDICARE_FFS });
      c.painScore(5, at(daysBefore(10)));
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c1-axial-pain-with-deficit': 'met', 'doc2-disability-scale': 'met' } } },
  },
  {
    name: 'C3 an untreated lumbar radiculopathy: not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.condition(icd('M54.16'), { onset: monthsBefore(5) });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c3-no-untreated-radiculopathy': 'not-met' } } },
  },
  {
    name: 'C3 a radiculopathy treated with an epidural steroid injection since: met (CP.MP.171 excludes any radiculopathy)',
    chart: (c) => {
      medicareCandidate(c);
      c.condition(icd('M54.16'), { onset: monthsBefore(5) });
      c.procedure(cpt('62323', 'Transforaminal epidural steroid injection, lumbar'), { date: monthsBefore(3) });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c3-no-untreated-radiculopathy': 'met' }, evidence: { 'c3-no-untreated-radiculopathy': { counted: [/treated/] } } } },
  },
  {
    name: 'C3 untreated neurogenic claudication: not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.condition(icd('M48.062', 'Spinal stenosis, lumbar region with neurogenic claudication'), { onset: monthsBefore(4) });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c3-no-untreated-radiculopathy': 'not-met' } } },
  },
  {
    name: 'C4 no spine imaging on record: met, the LCD does not require imaging (CP.MP.171 does)',
    chart: (c) => medicareCandidate(c, ['imaging']),
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'c4-no-other-pathology': 'met' }, notApplicable: ['imaging-no-other-cause'] } },
  },
  {
    name: 'C4 a significant deformity in the MRI report: not covered',
    chart: (c) => {
      medicareCandidate(c, ['imaging']);
      c.imagingReport('MRI lumbar spine', monthsBefore(2), 'Severe levoscoliosis of the lumbar spine. Facet arthropathy at L4-L5.');
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c4-no-other-pathology': 'not-met' }, evidence: { 'c4-no-other-pathology': { counted: [/significant deformity/] } } } },
  },
  {
    name: 'C4 a scoliosis diagnosis not charted as significant is set aside; a vertebral fracture is another cause',
    chart: (c) => {
      medicareCandidate(c);
      c.condition(icd('M41.26', 'Other idiopathic scoliosis, lumbar region'), { onset: monthsBefore(24) });
      c.condition(icd('S32.010A'), { onset: monthsBefore(2) });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'c4-no-other-pathology': 'not-met' }, evidence: { 'c4-no-other-pathology': { counted: [/fracture/], setAside: [/deformity not charted as significant/] } } } },
  },
  {
    name: 'C5/N1 an ultrasound-guided injection (0216T): not covered, the fluoroscopic code suggested',
    chart: (c) => medicareCandidate(c),
    orders: () => [order('sr-us', '0216T', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [{ text: 'Medial branch block' }] })],
    expect: { 'sr-us': { outcome: 'not-covered', criteria: { 'c5-image-guidance': 'not-met' }, suggestions: [/^Order the same injection under fluoroscopic or CT guidance \(CPT 64493\)/] } },
  },
  {
    name: 'C5/N1 an MRI-guided block: not covered',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder('sr-mri', { note: [{ text: 'MRI-guided medial branch block' }] })],
    expect: { 'sr-mri': { outcome: 'not-covered', criteria: { 'c5-image-guidance': 'not-met' } } },
  },
  {
    name: 'Codes: a facet code on an order naming the sacroiliac joint is not a facet procedure',
    chart: (c) => medicareCandidate(c),
    orders: () => [order('sr-si', '64493', { date: NEXT_WEEK, bodySite: [{ text: 'Left sacroiliac joint' }] })],
    expect: { 'sr-si': { outcome: 'not-covered', criteria: { 'facet-joint-target': 'not-met' }, notApplicable: ['c1-axial-pain-with-deficit'] } },
  },
  {
    name: 'DOC3 the latest pain score charted as a range (4-6): not documented',
    chart: (c) => {
      lumbarCandidate(c, ['coverage', 'adl']);
      c.coverage({ sopt: MEDICARE_FFS });
      c.observation({ system: LOINC, code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }, at(daysBefore(5)), { valueString: '4-6' });
      c.painScore(5, at(daysBefore(40)));
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'doc3-single-score': 'not-documented', 'c1-axial-pain-with-deficit': 'met' } } },
  },
];
