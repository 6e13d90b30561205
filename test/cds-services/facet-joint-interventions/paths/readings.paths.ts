import type { FhirResource } from 'fhir/r4';
import { CPT, LOCAL, SNOMED } from '../../../helpers/builders';
import { REFERENCE_DATE, at, cpt, daysBefore, icd, monthsBefore, order, type ChartBuilder } from '../../../helpers/chart';
import { NEXT_WEEK, RF_NOTE, afterTwoPositiveBlocks, firstBlockOrder, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

/**
 * The chart read as a utilization reviewer reads it (issue 11): is the evidence about this pain, in this
 * region, at these levels, and had it happened by today? Each reading has the evidence that counts and the
 * near-miss that does not.
 */

const CERVICAL_BLOCK = () => order('sr-neck', '64490', { levels: ['C5-C6'], date: NEXT_WEEK, note: RF_NOTE });

/** A cervical candidate: the lumbar workup's PT, NSAIDs and exam (no region), neck pain, a cervical MRI, and `adl` as the scale. */
function cervicalCandidate(c: ChartBuilder, adl: 'ndi' | 'oswestry' | 'peg' | 'none' = 'ndi'): void {
  lumbarCandidate(c, ['pain', 'adl', 'imaging']);
  c.condition(icd('M47.812'), { onset: monthsBefore(10) });
  c.spineImaging(monthsBefore(2), '72141');
  if (adl === 'ndi') c.functional('ndi', 22, at(daysBefore(12)));
  if (adl === 'oswestry') c.functional('oswestry', 38, at(daysBefore(12)));
  if (adl === 'peg') c.functional('peg', 6, at(daysBefore(12)));
}

/** An Observation with a body site (an exam finding of a region). */
function examAt(c: ChartBuilder, code: 'positive-facet-loading' | 'pain-on-extension-rotation', site: string, when: string): string {
  return c.observation({ system: LOCAL, code, display: code === 'positive-facet-loading' ? 'Facet loading test' : 'Pain on extension-rotation' }, when, {
    valueBoolean: true,
    bodySite: { text: site },
  });
}

/** A spine imaging report with its words in a plain-text presentedForm (base64), as radiology systems send it. */
function reportWithText(c: ChartBuilder, name: string, date: string, text: string): string {
  return c.add({
    resourceType: 'DiagnosticReport',
    id: `${c.patientId}-report-text-${c.resources.length}`,
    status: 'final',
    code: { text: name },
    subject: { reference: c.patientRef },
    effectiveDateTime: date,
    presentedForm: [{ contentType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') }],
  } as FhirResource);
}

function imagingStudy(c: ChartBuilder, description: string, started: string): string {
  return c.add({
    resourceType: 'ImagingStudy',
    id: `${c.patientId}-study-${c.resources.length}`,
    status: 'available',
    subject: { reference: c.patientRef },
    started,
    procedureCode: [{ coding: [cpt('72131', 'CT lumbar spine without contrast')] }],
    description,
  } as FhirResource);
}

/** I.A.1.a, I.A.1.b.i, I.A.1.c: the evidence is of the order's region. */
export const regionPaths: PathScenario[] = [
  {
    name: 'ADL scale region: the Neck Disability Index shows interference for a cervical block',
    chart: (c) => cervicalCandidate(c, 'ndi'),
    orders: () => [CERVICAL_BLOCK()],
    expect: { 'sr-neck': { outcome: 'covered', criteria: { 'pain-interferes-with-adls': 'met' }, evidence: { 'pain-interferes-with-adls': { counted: [/Neck Disability Index 22/] } } } },
  },
  {
    name: 'ADL scale region: Oswestry (a low-back index) is set aside for a cervical block, so ADL interference is not documented',
    chart: (c) => cervicalCandidate(c, 'oswestry'),
    orders: () => [CERVICAL_BLOCK()],
    expect: {
      'sr-neck': {
        outcome: 'conditional',
        criteria: { 'pain-interferes-with-adls': 'not-documented' },
        evidence: { 'pain-interferes-with-adls': { setAside: [/lumbar region \(this order is cervical\): Oswestry Disability Index 38/] } },
      },
    },
  },
  {
    name: 'ADL scale region: a region-neutral PEG score counts for a cervical block',
    chart: (c) => cervicalCandidate(c, 'peg'),
    orders: () => [CERVICAL_BLOCK()],
    expect: { 'sr-neck': { outcome: 'covered', criteria: { 'pain-interferes-with-adls': 'met' } } },
  },
  {
    name: 'ADL scale region: an NDI of 30 is set aside for a lumbar block, so ADL interference is not documented',
    chart: (c) => {
      lumbarCandidate(c, ['adl']);
      c.functional('ndi', 30, at(daysBefore(10)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-interferes-with-adls': 'not-documented' } } },
  },
  {
    name: 'imaging region: a whole-spine MRI counts for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI whole spine', monthsBefore(2), 'Multilevel facet arthropathy');
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'imaging-no-other-cause': 'met' }, evidence: { 'imaging-no-other-cause': { counted: [/MRI whole spine .*whole spine/] } } } },
  },
  {
    name: 'imaging region: a spine MRI whose region is not stated counts, and the card says so',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI spine', monthsBefore(2), 'Degenerative facet changes');
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'imaging-no-other-cause': 'met' }, evidence: { 'imaging-no-other-cause': { counted: [/region not stated \(counted\)/] } } } },
  },
  {
    name: 'imaging region: a cervical MRI (72141) alone is set aside for a lumbar block: imaging not documented',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.spineImaging(monthsBefore(2), '72141');
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'conditional',
        criteria: { 'imaging-no-other-cause': 'not-documented' },
        evidence: { 'imaging-no-other-cause': { setAside: [/cervical region \(this order is lumbar\): MRI cervical spine/] } },
      },
    },
  },
  {
    name: 'findings region: a lumbar facet loading test (bodySite) suggests facet syndrome for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c, ['pain', 'exam']);
      c.condition(icd('M54.50'), { onset: monthsBefore(8) });
      examAt(c, 'positive-facet-loading', 'Lumbar spine', at(daysBefore(15)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'facet-syndrome-findings': 'met' }, references: { 'facet-syndrome-findings': /^Observation\// } } },
  },
  {
    name: 'findings region: a cervical facet diagnosis and a cervical facet loading test are set aside for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c, ['pain', 'exam']);
      c.condition(icd('M54.50'), { onset: monthsBefore(8) });
      c.condition(icd('M47.812'), { onset: monthsBefore(8) });
      examAt(c, 'positive-facet-loading', 'Cervical spine', at(daysBefore(15)));
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'conditional',
        criteria: { 'facet-syndrome-findings': 'not-documented' },
        evidence: { 'facet-syndrome-findings': { setAside: [/cervical region .*Spondylosis .* cervical region/, /cervical region .*Facet loading test: positive/] } },
      },
    },
  },
  {
    name: 'therapy region: physical therapy charted for the low back counts for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      for (const days of [70, 63, 56, 49, 42]) c.procedure(cpt('97110'), { date: daysBefore(days), bodySite: ['Lumbar spine'] });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met' } } },
  },
  {
    name: 'therapy region: six weeks of physical therapy for neck pain (reason M54.2) do not count for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      for (const days of [70, 63, 56, 49, 42, 35]) c.procedure(cpt('97110'), { date: daysBefore(days), reason: [icd('M54.2')] });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'conditional',
        criteria: { 'physical-therapy': 'not-documented' },
        evidence: { 'physical-therapy': { setAside: [/cervical region \(this order is lumbar\): Therapeutic exercises/] } },
      },
    },
  },
  {
    name: 'exclusions by region: a cervical radiculopathy (M54.12) does not block a lumbar block',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M54.12', 'Radiculopathy, cervical region'), { onset: monthsBefore(6) });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'no-radiculopathy-or-myelopathy': 'met' },
        evidence: { 'no-radiculopathy-or-myelopathy': { setAside: [/cervical region \(this order is lumbar\): Radiculopathy, cervical region/] } },
      },
    },
  },
  {
    name: 'exclusions by region: a radiculopathy naming no region (M54.10) blocks a lumbar block',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M54.10', 'Radiculopathy, site unspecified'), { onset: monthsBefore(6) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' } } },
  },
  {
    name: 'exclusions by region: an old thoracic vertebral fracture (S22.0x) is not another cause of low back pain',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('S22.050A', 'Wedge compression fracture of T5-T6 vertebra, initial encounter'), { onset: monthsBefore(30) });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'imaging-no-other-cause': 'met' },
        evidence: { 'imaging-no-other-cause': { setAside: [/thoracic region \(this order is lumbar\): Wedge compression fracture/], notCounted: /fracture/i } },
      },
    },
  },
  {
    name: 'exclusions by region: a lumbar vertebral fracture (S32.0x) is another cause for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('S32.010A'), { onset: monthsBefore(2) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' } } },
  },
  {
    name: 'exclusions by region: an abdominal aortic aneurysm (a low-back extraspinal lesion) does not block a cervical block',
    chart: (c) => {
      cervicalCandidate(c);
      c.condition(icd('I71.40'), { onset: monthsBefore(12) });
    },
    orders: () => [CERVICAL_BLOCK()],
    expect: { 'sr-neck': { outcome: 'covered', criteria: { 'imaging-no-other-cause': 'met' } } },
  },
  {
    name: 'exclusions by region: an abdominal aortic aneurysm is another cause for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('I71.40'), { onset: monthsBefore(12) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' } } },
  },
];

/** The synovial cyst: the exception to radiculopathy and the PT note, part by part. */
export const cystPaths: PathScenario[] = [
  {
    name: 'cyst: a cyst at L4-L5 can cause an L5 radiculopathy (an adjacent level): the radiculopathy is allowed',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst L4-L5' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4), text: 'Left L5 radiculopathy' });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'no-radiculopathy-or-myelopathy': 'met' },
        evidence: { 'no-radiculopathy-or-myelopathy': { counted: [/synovial cyst L4-L5.*same or adjacent level/] } },
      },
    },
  },
  {
    name: 'cyst: a cyst at L1-L2 cannot cause an L5 radiculopathy: not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst L1-L2' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4), text: 'Left L5 radiculopathy' });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' },
        evidence: { 'no-radiculopathy-or-myelopathy': { setAside: [/not at the same or an adjacent level/] } },
      },
    },
  },
  {
    name: 'cyst: a cervical cyst cannot cause a lumbar radiculopathy: not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst C5-C6' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' } } },
  },
  {
    name: 'cyst note: each part charted (cyst, root compression in the MRI report, pain 7/10, Oswestry 38) waives physical therapy',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst L4-L5' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4), text: 'Left L5 radiculopathy' });
      c.imagingReport('MRI lumbar spine without contrast', monthsBefore(3), 'Left L4-L5 facet synovial cyst compressing the traversing L5 nerve root');
      c.painScore(7, at(daysBefore(10)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met' }, evidence: { 'physical-therapy': { counted: [/compressing the traversing L5 nerve root/, /pain 7/] } } } },
  },
  {
    name: 'cyst note: nerve root compression not charted, so the PT waiver is not documented (conditional)',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst L4-L5' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4), text: 'Severe left L5 radiculopathy' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'physical-therapy': 'not-documented' } } },
  },
  {
    name: 'cyst note: radicular pain 3/10 is mild, so the note does not waive two weeks of PT: not covered',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.physicalTherapy(monthsBefore(4), 2);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst L4-L5 compressing the L5 nerve root' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4), text: 'Left L5 radiculopathy' });
      c.painScore(3, at(daysBefore(10)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'physical-therapy': 'not-met' } } },
  },
];

/** I.A.1.c: the imaging report's words, negation-aware. */
export const reportWordPaths: PathScenario[] = [
  {
    name: 'report words: a conclusion "pars defect with fracture at L5" is another cause (no conclusion code needed)',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI lumbar spine without contrast', monthsBefore(2), 'Pars defect with fracture at L5. Mild facet arthropathy L4-L5.');
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'imaging-no-other-cause': 'not-met' },
        evidence: { 'imaging-no-other-cause': { counted: [/fracture in the report of MRI lumbar spine .*"Pars defect with fracture at L5"/] } },
        references: { 'imaging-no-other-cause': /^DiagnosticReport\// },
      },
    },
  },
  {
    name: 'report words: "No fracture or listhesis" is not another cause, and the met line never quotes a fracture',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI lumbar spine without contrast', monthsBefore(2), 'Facet arthropathy L4-L5. No fracture or listhesis.');
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'imaging-no-other-cause': 'met' },
        evidence: { 'imaging-no-other-cause': { setAside: [/negated: "No fracture or listhesis"/], notCounted: /fracture/i } },
      },
    },
  },
  {
    name: 'report words: a burst fracture in the report text (presentedForm) is another cause',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      reportWithText(c, 'CT lumbar spine', monthsBefore(1), 'FINDINGS: Acute burst fracture of the L1 vertebral body with 30% height loss.\nIMPRESSION: L1 burst fracture.');
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' } } },
  },
  {
    name: 'report words: an ImagingStudy description naming vertebral osteomyelitis is another cause',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      imagingStudy(c, 'CT lumbar spine: findings of L3-L4 discitis-osteomyelitis', monthsBefore(1));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' }, references: { 'imaging-no-other-cause': /^ImagingStudy\// } } },
  },
  {
    name: 'report words: the note of an imaging Procedure (72148) naming a metastasis is another cause',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      const ref = c.spineImaging(monthsBefore(2));
      const procedure = c.resources.find((r) => `${r.resourceType}/${r.id}` === ref) as unknown as { note: Array<{ text: string }> };
      procedure.note = [{ text: 'Read: lytic lesion of the L3 vertebral body, suspicious for metastasis' }];
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' }, references: { 'imaging-no-other-cause': /^Procedure\// } } },
  },
  {
    name: 'report words: an imaging Procedure note "no lytic lesion, no metastasis" is not another cause',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      const ref = c.spineImaging(monthsBefore(2));
      const procedure = c.resources.find((r) => `${r.resourceType}/${r.id}` === ref) as unknown as { note: Array<{ text: string }> };
      procedure.note = [{ text: 'Read: degenerative facets at L4-L5; no lytic lesion; no metastasis' }];
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'imaging-no-other-cause': 'met' }, evidence: { 'imaging-no-other-cause': { setAside: [/negated: "no lytic lesion"/], notCounted: /lytic|metasta/i } } } },
  },
  {
    name: 'report words: an old T8 fracture on a whole-spine MRI is set aside for a lumbar block',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI whole spine', monthsBefore(2), 'Old healed T8 compression fracture. Facet arthropathy L4-L5 and L5-S1.');
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'imaging-no-other-cause': 'met' },
        evidence: { 'imaging-no-other-cause': { setAside: [/thoracic region \(this order is lumbar\): fracture in the report of MRI whole spine/], notCounted: /fracture/i } },
      },
    },
  },
];

/** Evidence must have happened by the decision day; baselines come before the procedure. */
export const timelinePaths: PathScenario[] = [
  {
    name: 'timeline: physical therapy dated next month is not evidence (set aside, said on the card)',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.physicalTherapy(daysBefore(-10), 6);
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'conditional',
        criteria: { 'physical-therapy': 'not-documented' },
        evidence: { 'physical-therapy': { setAside: [new RegExp(`dated ${daysBefore(-10)} \\(after today, ${REFERENCE_DATE}\\)`)] } },
      },
    },
  },
  {
    name: 'timeline: a pain diagnosis with an onset after today is not evidence of pain',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: daysBefore(-3) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-three-months': 'not-documented' }, evidence: { 'pain-three-months': { setAside: [/after today/] } } } },
  },
  {
    name: 'timeline: the order date is used for timing: pain since 80 days ago qualifies for a block in three weeks',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: daysBefore(80) });
    },
    orders: () => [firstBlockOrder({ occurrenceDateTime: daysBefore(-21) })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'pain-three-months': 'met' } } },
  },
  {
    name: 'timeline: an NSAID course starting after today is not a trial',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaid('request', 'naproxen', daysBefore(-2), 30);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'nsaid-trial': 'not-documented' }, evidence: { 'nsaid-trial': { setAside: [/naproxen/] } } } },
  },
  {
    name: 'timeline: NSAID days after today are not counted: 16 days taken of a 30-day course started 15 days ago (23 by the order date)',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaid('request', 'naproxen', daysBefore(15), 30);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'nsaid-trial': 'not-met' } } },
  },
  {
    name: 'timeline: a "completed" block dated tomorrow is not a first block; the order is the first',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(-1), relief: 90 });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'diagnostic-block-limit': 'met' }, notApplicable: ['second-block-relief', 'second-block-interval'] } },
  },
  {
    name: 'baseline: relief needs a pain score before the block; two linked scores both after it do not make a baseline',
    chart: (c) => {
      lumbarCandidate(c);
      const ref = c.procedure(cpt('64493'), { date: at(daysBefore(21)), bodySite: ['L4-L5'] });
      c.painScore(6, at(daysBefore(21), '10:00'), ref);
      c.painScore(1, at(daysBefore(21), '11:00'), ref);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'second-block-relief': 'not-documented' } } },
  },
  {
    name: 'baseline: with the score before the block charted, the same block gives 87.5% relief',
    chart: (c) => {
      lumbarCandidate(c);
      const ref = c.procedure(cpt('64493'), { date: at(daysBefore(21)), bodySite: ['L4-L5'] });
      c.painScore(8, at(daysBefore(21), '08:30'), ref);
      c.painScore(1, at(daysBefore(21), '11:00'), ref);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'second-block-relief': 'met' } } },
  },
  {
    name: 'baseline: a same-day post-injection score linked by partOf is never the baseline for sustained relief (I.D.2)',
    chart: (c) => therapeuticHistory(c, { pre: false, linkedPostSameDay: 2, painAfter: [3, 3, 3, 3], odi: [44, 42] }),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'conditional', criteria: { 'therapeutic-sustained-relief': 'not-documented' } } },
  },
  {
    name: 'baseline: with the score before the injection charted (8), pain 3 for four months is sustained relief',
    chart: (c) => therapeuticHistory(c, { pre: true, linkedPostSameDay: 2, painAfter: [3, 3, 3, 3] }),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'covered', criteria: { 'therapeutic-sustained-relief': 'met' } } },
  },
];

/**
 * Two positive blocks at L4-L5 and L5-S1 (9 and 8 months ago), pseudarthrosis, and a therapeutic injection at
 * L4-L5 five months ago: pain 8 before it (`pre`), a linked score later that day, monthly scores after it, and
 * Oswestry before and after (`odi`).
 */
function therapeuticHistory(c: ChartBuilder, options: { pre: boolean; linkedPostSameDay?: number; painAfter: number[]; odi?: [number, number] }): void {
  lumbarCandidate(c, ['adl']);
  c.block({ date: monthsBefore(9), relief: 90, levels: ['L4-L5', 'L5-S1'] });
  c.block({ date: monthsBefore(8), relief: 85, levels: ['L4-L5', 'L5-S1'] });
  c.condition(icd('M96.0'), { onset: monthsBefore(24) });
  const date = monthsBefore(5);
  if (options.pre) c.painScore(8, at(date, '08:00'));
  if (options.odi) c.functional('oswestry', options.odi[0], at(date, '08:05'));
  const ref = c.procedure(cpt('64493'), { date: at(date), bodySite: ['L4-L5'], intent: 'therapeutic' });
  if (options.linkedPostSameDay !== undefined) c.painScore(options.linkedPostSameDay, at(date, '11:00'), ref);
  options.painAfter.forEach((v, i) => c.painScore(v, at(monthsBefore(4 - i))));
  if (options.odi) c.functional('oswestry', options.odi[1], at(monthsBefore(3)));
}

/** Blocks at L4-L5 and L2-L3, then a neurotomy `monthsAgo` months ago at `levels`: baseline pain 8 and Oswestry 40, then pain 3 and Oswestry `odiAfter`. */
function neurotomyAt(c: ChartBuilder, levels: string[], monthsAgo: number, odiAfter: number, painAfter = 3): void {
  lumbarCandidate(c, ['adl']);
  c.block({ date: monthsBefore(monthsAgo + 3), relief: 90, levels: ['L4-L5', 'L2-L3'] });
  c.block({ date: monthsBefore(monthsAgo + 2), relief: 90, levels: ['L4-L5', 'L2-L3'] });
  const date = monthsBefore(monthsAgo);
  c.functional('oswestry', 40, at(date, '08:00'));
  c.painScore(8, at(date, '08:15'));
  c.procedure(cpt('64635'), { date: at(date), bodySite: levels });
  [1, 3, 6].filter((m) => m <= monthsAgo).forEach((m) => c.painScore(painAfter, at(monthsBefore(monthsAgo - m))));
  c.functional('oswestry', odiAfter, at(monthsBefore(Math.max(0, monthsAgo - 6)), '10:00'));
}

/** Levels: the second block confirms at the same levels; RF and therapeutic need blocks at each treated level; the same site. */
export const levelPaths: PathScenario[] = [
  {
    name: 'blocks cover the levels: an RF at L4-L5 and L5-S1 after blocks only at L4-L5 is not covered',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5', 'L5-S1'], date: NEXT_WEEK }), order('sr-rf2', '64636', { levels: ['L5-S1'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'rf-two-positive-blocks': 'not-met' } } },
  },
  {
    name: 'blocks cover the levels: one positive block at L3-L4 and one at L4-L5 do not confirm each other for an RF at L4-L5',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90, levels: ['L3-L4'] });
      c.block({ date: monthsBefore(2), relief: 90, levels: ['L4-L5'] });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'rf-two-positive-blocks': 'not-met' } } },
  },
  {
    name: 'blocks cover the levels: blocks charted without levels are compared by region, and the card says so',
    chart: (c) => {
      lumbarCandidate(c);
      for (const [m, relief] of [[3, 90], [2, 85]] as const) {
        const ref = c.procedure(cpt('64493'), { date: at(monthsBefore(m)) });
        c.reliefPercent(relief, at(monthsBefore(m), '11:00'), ref);
      }
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'covered', criteria: { 'rf-two-positive-blocks': 'met' }, evidence: { 'rf-two-positive-blocks': { counted: [/levels of the facet injection on .* not charted: the levels could not be compared/] } } } },
  },
  {
    name: 'blocks cover the levels: a therapeutic injection at L5-S1 after blocks at L4-L5 is not covered (I.D.1)',
    chart: (c) => {
      afterTwoPositiveBlocks(c);
      c.condition(icd('M96.0'), { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-tx', '64493', { levels: ['L5-S1'], date: NEXT_WEEK })],
    expect: { 'sr-tx': { outcome: 'not-covered', criteria: { 'therapeutic-two-positive-blocks': 'not-met' } } },
  },
  {
    name: 'same site: an RF at L2-L3 three months after one at L4-L5 is an initial neurotomy of a new site, covered',
    chart: (c) => neurotomyAt(c, ['L4-L5'], 3, 22),
    orders: () => [order('sr-rf', '64635', { levels: ['L2-L3'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'covered', criteria: { 'rf-two-positive-blocks': 'met' }, notApplicable: ['repeat-rf-interval', 'repeat-rf-sustained-relief'] } },
  },
  {
    name: 'same site: an RF at L4-L5 three months after one at L4-L5 repeats the previous treatment: too early',
    chart: (c) => neurotomyAt(c, ['L4-L5'], 3, 22),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'repeat-rf-interval': 'not-met' } } },
  },
  {
    name: 'same site: a therapeutic injection at L5-S1 is not judged by poor relief from one at L4-L5',
    chart: (c) => therapeuticHistory(c, { pre: true, painAfter: [7, 8, 8] }),
    orders: () => [order('sr-tx2', '64493', { levels: ['L5-S1'], date: NEXT_WEEK })],
    expect: {
      'sr-tx2': {
        outcome: 'covered',
        criteria: { 'therapeutic-sustained-relief': 'met' },
        evidence: { 'therapeutic-sustained-relief': { setAside: [/earlier therapeutic injection: .*another site/] } },
      },
    },
  },
  {
    name: 'same site: the same injection at L4-L5 is judged by that poor relief: not covered',
    chart: (c) => therapeuticHistory(c, { pre: true, painAfter: [7, 8, 8], odi: [44, 42] }),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'not-covered', criteria: { 'therapeutic-sustained-relief': 'not-met' } } },
  },
  {
    name: 'MCID: Oswestry 40 to 39 after the last neurotomy is not functional improvement (I.B.2.b)',
    chart: (c) => neurotomyAt(c, ['L4-L5'], 8, 39),
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: {
      'sr-rrf': {
        outcome: 'not-covered',
        criteria: { 'repeat-rf-sustained-relief': 'not-met', 'repeat-rf-interval': 'met' },
      },
    },
  },
  {
    name: 'MCID: Oswestry 40 to 28 (12 points, at least the MCID of 10) is functional improvement',
    chart: (c) => neurotomyAt(c, ['L4-L5'], 8, 28),
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'covered', criteria: { 'repeat-rf-sustained-relief': 'met' } } },
  },
  {
    name: 'MCID: Oswestry 10 to 4 is 60% better but under the MCID of 10 points: not the improvement I.D.2 asks for',
    chart: (c) => therapeuticHistory(c, { pre: true, painAfter: [7, 8, 8], odi: [10, 4] }),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'not-covered', criteria: { 'therapeutic-sustained-relief': 'not-met' } } },
  },
];

const ESI = (id: string, date: string) => ({
  resourceType: 'ServiceRequest' as const,
  id,
  status: 'draft' as const,
  intent: 'order' as const,
  code: { coding: [{ system: CPT, code: '64483', display: 'Transforaminal epidural injection, lumbar or sacral, single level' }] },
  subject: { reference: 'Patient/pat-1' },
  occurrenceDateTime: date,
});

/** I: one procedure per visit counts every invasive pain procedure; a facet code naming another joint is not a facet procedure. */
export const visitPaths: PathScenario[] = [
  {
    name: 'one procedure per visit: a transforaminal epidural (64483) ordered for the same day makes the facet block a second procedure',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder(), ESI('sr-esi', NEXT_WEEK)],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'one-procedure-per-visit': 'not-met' },
        suggestions: [/^Keep only this/],
        references: { 'one-procedure-per-visit': /^ServiceRequest\/sr-esi$/ },
      },
    },
  },
  {
    name: 'one procedure per visit: the same epidural ordered for another day is another visit',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder(), ESI('sr-esi', daysBefore(-30))],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'one-procedure-per-visit': 'met' } } },
  },
  {
    name: 'one procedure per visit: a sacroiliac joint injection (27096) scheduled on the chart for that day counts',
    chart: (c) => {
      lumbarCandidate(c);
      c.procedure(cpt('27096', 'Injection procedure for sacroiliac joint, with image guidance'), { date: at(NEXT_WEEK, '08:00'), status: 'preparation' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'one-procedure-per-visit': 'not-met' }, references: { 'one-procedure-per-visit': /^Procedure\// } } },
  },
  {
    name: 'one procedure per visit: a spinal cord stimulator trial (63650) done a month ago is another visit',
    chart: (c) => {
      lumbarCandidate(c);
      c.procedure(cpt('63650', 'Percutaneous implantation of neurostimulator electrode array, epidural'), { date: at(monthsBefore(1)) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'one-procedure-per-visit': 'met' } } },
  },
  {
    name: 'facet code, other joint: 64493 with bodySite "Left sacroiliac joint" is not decided as a facet injection',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-si', '64493', { date: NEXT_WEEK, bodySite: [{ text: 'Left sacroiliac joint' }] })],
    expect: {
      'sr-si': {
        outcome: 'not-covered',
        criteria: { 'facet-joint-target': 'not-met' },
        notApplicable: ['pain-three-months', 'physical-therapy', 'image-guidance', 'levels-diagnostic', 'one-procedure-per-visit'],
        suggestions: [/^Cancel this order; re-enter it with the code for what it is \(a sacroiliac joint injection/],
      },
    },
  },
  {
    name: 'facet code, other joint: a SNOMED sacroiliac joint body site under 64635 appears to be SI joint radiofrequency',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-si', '64635', { date: NEXT_WEEK, bodySite: [{ coding: [{ system: SNOMED, code: '39723000', display: 'Sacroiliac joint structure' }] }] })],
    expect: { 'sr-si': { outcome: 'not-covered', criteria: { 'facet-joint-target': 'not-met' }, suggestions: [/sacroiliac joint nerves \(CPT 64625\)/] } },
  },
  {
    name: 'facet code, other joint: a note that the pain radiates toward the SI joint does not make the facet block something else',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder({ note: [...RF_NOTE, { text: 'Pain radiates toward the left SI joint region' }], code: { coding: [cpt('64493')], text: 'L4-L5 facet block, not the sacroiliac joint' } })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'facet-joint-target': 'met' } } },
  },
  {
    name: 'facet code, other joint: an SI joint injection coded 64493 in the same request makes the real facet block a second procedure',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder(), order('sr-si', '64493', { date: NEXT_WEEK, bodySite: [{ text: 'Right SI joint' }] })],
    expect: {
      'sr-block': { outcome: 'not-covered', criteria: { 'one-procedure-per-visit': 'not-met', 'facet-joint-target': 'met' } },
      'sr-si': { outcome: 'not-covered', criteria: { 'facet-joint-target': 'not-met' } },
    },
  },
];

