import { REFERENCE_DATE, at, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';
import { LOCAL } from '../../../helpers/builders';
import { NEXT_WEEK, RF_NOTE, cervicalWorkup, firstBlockOrder, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

/** I.A.1: diagnostic facet joint injections / medial branch blocks. */
export const diagnosticPaths: PathScenario[] = [
  {
    name: 'a first lumbar diagnostic block with every criterion documented is covered',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: {
          'one-procedure-per-visit': 'met',
          'image-guidance': 'met',
          'thoracic-injection': 'met',
          'diagnostic-block-limit': 'met',
          'pain-three-months': 'met',
          'pain-interferes-with-adls': 'met',
          'physical-therapy': 'met',
          'nsaid-trial': 'met',
          'facet-syndrome-findings': 'met',
          'imaging-no-other-cause': 'met',
          'no-radiculopathy-or-myelopathy': 'met',
          'levels-diagnostic': 'met',
          'radiofrequency-considered': 'met',
        },
        notApplicable: ['second-block-relief', 'second-block-interval', 'second-block-same-levels', 'rf-two-positive-blocks', 'not-rf-candidate'],
        noSuggestions: true,
      },
    },
  },
  {
    name: 'no back or neck pain diagnosis on record: pain duration is not documented (conditional)',
    chart: (c) => lumbarCandidate(c, ['pain']),
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-three-months': 'not-documented', 'facet-syndrome-findings': 'met' } } },
  },
  {
    name: 'a pain diagnosis without onset or recorded date is not enough to show 3 months',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M54.50'), {});
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-three-months': 'not-documented' } } },
  },
  {
    name: 'pain for six weeks: not covered yet, qualifies three months after onset, with a reschedule suggestion',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: daysBefore(42) });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'pain-three-months': 'not-met' },
        firstEligibleDate: monthsBefore(-3, daysBefore(42)),
        suggestions: [/^Schedule on \d{4}-\d{2}-\d{2}/],
      },
    },
  },
  {
    name: 'onset falls back to the recorded date when onset[x] is absent',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { recorded: monthsBefore(5) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'pain-three-months': 'met' } } },
  },
  {
    name: 'a resolved or refuted pain condition does not count',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: monthsBefore(8), clinicalStatus: 'resolved' });
      c.condition(icd('M54.50'), { onset: monthsBefore(9), verificationStatus: 'refuted' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-three-months': 'not-documented' } } },
  },
  {
    name: 'Oswestry 12% shows the pain does not interfere with daily activities: not covered',
    chart: (c) => {
      lumbarCandidate(c, ['adl']);
      c.functional('oswestry', 12, at(daysBefore(10)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'pain-interferes-with-adls': 'not-met' } } },
  },
  {
    name: 'no functional scale and no coded limitation: ADL interference is not documented',
    chart: (c) => lumbarCandidate(c, ['adl']),
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-interferes-with-adls': 'not-documented' } } },
  },
  {
    name: 'a coded ADL limitation (Z73.6) shows interference without a scale',
    chart: (c) => {
      lumbarCandidate(c, ['adl']);
      c.condition(icd('Z73.6'), { onset: monthsBefore(2) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'pain-interferes-with-adls': 'met' } } },
  },
  {
    name: 'PROMIS physical function T-score 35 (lower is worse) shows interference',
    chart: (c) => {
      lumbarCandidate(c, ['adl']);
      c.functional('promis', 35, at(daysBefore(15)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'pain-interferes-with-adls': 'met' } } },
  },
  {
    name: 'two weeks of physical therapy in the past year is not enough: not covered, with a PT referral suggested',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.physicalTherapy(monthsBefore(4), 2);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'physical-therapy': 'not-met' }, suggestions: [/physical therapy referral/] } },
  },
  {
    name: 'physical therapy only more than a year ago does not count',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.physicalTherapy(monthsBefore(18), 6);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'physical-therapy': 'not-met' } } },
  },
  {
    name: 'no physical therapy on record: not documented, with a PT referral suggested',
    chart: (c) => lumbarCandidate(c, ['pt']),
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'physical-therapy': 'not-documented' }, suggestions: [/physical therapy referral/] } },
  },
  {
    name: 'physical therapy not done because the patient could not tolerate it counts',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '97110', display: 'Therapeutic exercises' }, { date: monthsBefore(3), status: 'not-done', statusReason: 'Unable to tolerate exercises due to pain' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met' } } },
  },
  {
    name: 'a 22-day home exercise program is short of four weeks: not met',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.homeExercise(daysBefore(60), daysBefore(39));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'physical-therapy': 'not-met' } } },
  },
  {
    name: 'four weekly physical therapy visits make four weeks of therapy',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      for (const days of [60, 53, 46, 39]) c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '97110', display: 'Therapeutic exercises' }, { date: daysBefore(days) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met' } } },
  },
  {
    name: 'three weekly visits, however many sessions, are three weeks: not met',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      for (const days of [60, 58, 53, 51, 46, 44]) c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '97110', display: 'Therapeutic exercises' }, { date: daysBefore(days) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'physical-therapy': 'not-met' } } },
  },
  {
    name: 'only the part of a home exercise program inside the past year counts (19 of its days): not met',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.homeExercise(monthsBefore(14), daysBefore(340));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'physical-therapy': 'not-met' } } },
  },
  {
    name: 'a five-week home exercise program counts as conservative therapy',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.homeExercise(monthsBefore(3), daysBefore(55));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met' } } },
  },
  {
    name: 'a facet synovial cyst with radiculopathy and functional limits waives PT and allows the radiculopathy (notes to I.A.1.b.i and I.A.1.c)',
    chart: (c) => {
      lumbarCandidate(c, ['pt']);
      c.condition(icd('M71.38'), { onset: monthsBefore(4), text: 'Facet joint synovial cyst L4-L5 compressing the L5 nerve root' });
      c.condition(icd('M54.16'), { onset: monthsBefore(4), text: 'Severe left L5 radiculopathy' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'physical-therapy': 'met', 'no-radiculopathy-or-myelopathy': 'met' } } },
  },
  {
    name: 'ten days of NSAIDs in the past year is not three weeks: not covered',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaid('statement', 'ibuprofen', monthsBefore(2), 10);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'nsaid-trial': 'not-met' } } },
  },
  {
    name: 'no NSAID, intolerance or contraindication on record: not documented',
    chart: (c) => lumbarCandidate(c, ['nsaid']),
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'nsaid-trial': 'not-documented' } } },
  },
  {
    name: 'several NSAID courses add up: a 14-day prescription and a 10-day dispense make 24 days',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaid('request', 'meloxicam', monthsBefore(6), 14);
      c.nsaid('dispense', 'ibuprofen', monthsBefore(3), 10);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'nsaid-trial': 'met' } } },
  },
  {
    name: 'overlapping NSAID courses are not counted twice',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaid('request', 'naproxen', monthsBefore(3), 14);
      c.nsaid('statement', 'naproxen', monthsBefore(3), 14);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'nsaid-trial': 'not-met' } } },
  },
  {
    name: 'an NSAID intolerance (AllergyIntolerance) satisfies the NSAID criterion',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaidAllergy('ibuprofen');
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'nsaid-trial': 'met' } } },
  },
  {
    name: 'a bleeding gastric ulcer contraindicates NSAIDs',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.condition(icd('K25.4'), { onset: monthsBefore(14) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'nsaid-trial': 'met' } } },
  },
  {
    name: 'an NSAID stopped for GI upset counts as not tolerated',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      c.nsaid('statement', 'naproxen', monthsBefore(3), 5, { status: 'stopped', statusReason: 'GI upset' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'nsaid-trial': 'met' } } },
  },
  {
    name: 'low back pain with a negative facet loading test and no facet diagnosis: findings do not suggest facet syndrome',
    chart: (c) => {
      lumbarCandidate(c, ['pain', 'exam']);
      c.condition(icd('M54.50'), { onset: monthsBefore(8) });
      c.examFinding('positive-facet-loading', false, at(daysBefore(15)));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'facet-syndrome-findings': 'not-met', 'pain-three-months': 'met' } } },
  },
  {
    name: 'low back pain with no facet diagnosis or exam finding: facet findings not documented',
    chart: (c) => {
      lumbarCandidate(c, ['pain', 'exam']);
      c.condition(icd('M54.50'), { onset: monthsBefore(8) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'facet-syndrome-findings': 'not-documented' } } },
  },
  {
    name: 'a vertebral fracture on the problem list is another cause of the pain: not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('S32.010A'), { onset: monthsBefore(2) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' } } },
  },
  {
    name: 'a tumour named in the imaging conclusion is another cause',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI lumbar spine without contrast', monthsBefore(1), 'Lytic lesion at L3 consistent with metastasis', icd('C79.51'));
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'imaging-no-other-cause': 'not-met' } } },
  },
  {
    name: 'no spine imaging on record: not documented',
    chart: (c) => lumbarCandidate(c, ['imaging']),
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'imaging-no-other-cause': 'not-documented' } } },
  },
  {
    name: 'a spine MRI report (DiagnosticReport) counts as imaging',
    chart: (c) => {
      lumbarCandidate(c, ['imaging']);
      c.imagingReport('MRI lumbar spine without contrast', monthsBefore(2), 'Facet arthropathy L4-L5, no fracture');
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'imaging-no-other-cause': 'met' } } },
  },
  {
    name: 'lumbar radiculopathy without a synovial cyst: not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M54.16'), { onset: monthsBefore(3) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' } } },
  },
  {
    name: 'myelopathy: not covered (no exception)',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M47.16'), { onset: monthsBefore(3) });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'no-radiculopathy-or-myelopathy': 'not-met' } } },
  },
  {
    name: 'four levels in one session (64493 + 64494 + 64495 × 2) are over the limit: drop to three',
    chart: (c) => lumbarCandidate(c),
    orders: () => [
      order('sr-l1', '64493', { date: NEXT_WEEK, note: RF_NOTE }),
      order('sr-l2', '64494', { date: NEXT_WEEK }),
      order('sr-l3', '64495', { date: NEXT_WEEK, quantityQuantity: { value: 2 } }),
    ],
    expect: {
      'sr-l1': { outcome: 'not-covered', criteria: { 'levels-diagnostic': 'not-met' }, suggestions: [/^Treat at most 3 levels/] },
      'sr-l3': { outcome: 'not-covered' },
    },
  },
  {
    name: 'four levels charted in bodySite: the suggestion drops the lowest level',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-4', '64493', { levels: ['L2-L3', 'L3-L4', 'L4-L5', 'L5-S1'], date: NEXT_WEEK, note: RF_NOTE })],
    expect: { 'sr-4': { outcome: 'not-covered', criteria: { 'levels-diagnostic': 'not-met' }, suggestions: [/drop L5-S1/] } },
  },
  {
    name: 'CPT lines billing four levels (64493 + 64494 + 64495 × 2) are four levels even when bodySite names three: not covered, the extra 64495 unit dropped',
    chart: (c) => lumbarCandidate(c),
    orders: () => [
      order('sr-l1', '64493', { levels: ['L3-L4'], date: NEXT_WEEK, note: RF_NOTE }),
      order('sr-l2', '64494', { levels: ['L4-L5'], date: NEXT_WEEK }),
      order('sr-l3', '64495', { levels: ['L5-S1'], date: NEXT_WEEK, quantityQuantity: { value: 2 } }),
    ],
    expect: { 'sr-l1': { outcome: 'not-covered', criteria: { 'levels-diagnostic': 'not-met' }, suggestions: [/^Treat at most 3 levels/] } },
  },
  {
    name: 'two levels done bilaterally (modifier 50) count as two levels, not four',
    chart: (c) => lumbarCandidate(c),
    orders: () => [
      order('sr-b1', '64493', { date: NEXT_WEEK, note: RF_NOTE, orderDetail: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '50', display: 'Bilateral procedure' }] }] }),
      order('sr-b2', '64494', { date: NEXT_WEEK, orderDetail: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '50', display: 'Bilateral procedure' }] }] }),
    ],
    expect: { 'sr-b1': { outcome: 'covered', criteria: { 'levels-diagnostic': 'met' } }, 'sr-b2': { outcome: 'covered' } },
  },
  {
    name: 'left and right lines of the same levels count once',
    chart: (c) => lumbarCandidate(c),
    orders: () => [
      order('sr-left', ['64493'], { date: NEXT_WEEK, note: RF_NOTE, orderDetail: [{ coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'LT' }] }] }),
      order('sr-right', ['64493'], { date: NEXT_WEEK, orderDetail: [{ coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: 'RT' }] }] }),
    ],
    expect: { 'sr-left': { outcome: 'covered', criteria: { 'levels-diagnostic': 'met' } } },
  },
  {
    name: 'a second block three weeks after a first with 85% relief, at the same level, is covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(14), relief: 85, levels: ['L4-L5'] });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'covered',
        criteria: { 'diagnostic-block-limit': 'met', 'second-block-relief': 'met', 'second-block-interval': 'met', 'second-block-same-levels': 'met' },
      },
    },
  },
  {
    name: 'a second block after 60% relief from the first is not medically necessary: cancel it',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(14), relief: 60, levels: ['L4-L5'] });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'second-block-relief': 'not-met' }, suggestions: [/^Cancel this diagnostic block/] } },
  },
  {
    name: 'a second block ten days after the first is too early: qualifies 14 days after it',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(3), relief: 90, levels: ['L4-L5'] });
    },
    orders: () => [firstBlockOrder()],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'second-block-interval': 'not-met', 'second-block-relief': 'met' },
        firstEligibleDate: daysBefore(-11),
        suggestions: [new RegExp(`^Schedule on ${daysBefore(-11)}`)],
      },
    },
  },
  {
    name: 'a second block at a different level does not confirm the first',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(21), relief: 90, levels: ['L3-L4'] });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'second-block-same-levels': 'not-met' } } },
  },
  {
    name: 'levels not charted on the first block: same levels not documented',
    chart: (c) => {
      lumbarCandidate(c);
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }, { date: at(daysBefore(21)) });
      const ref = `Procedure/${c.resources.at(-1)!.id}`;
      c.painScore(8, at(daysBefore(21), '08:30'), ref);
      c.painScore(1, at(daysBefore(21), '10:00'), ref);
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'second-block-same-levels': 'not-documented', 'second-block-relief': 'met' } } },
  },
  {
    name: 'relief after the first block not charted: not documented',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(21), levels: ['L4-L5'], reliefCharting: 'none' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'second-block-relief': 'not-documented' } } },
  },
  {
    name: 'relief read from same-day scores without partOf: last before the block, lowest within 8 hours',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(21), relief: 90, levels: ['L4-L5'], reliefCharting: 'same-day-unlinked' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'second-block-relief': 'met' } } },
  },
  {
    name: 'an explicit percent-relief observation linked to the block counts',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(21), relief: 80, levels: ['L4-L5'], reliefCharting: 'percent' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'second-block-relief': 'met' } } },
  },
  {
    name: 'a third diagnostic block (the first two not both positive) is not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90, levels: ['L4-L5'] });
      c.block({ date: monthsBefore(2), relief: 50, levels: ['L4-L5'] });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'diagnostic-block-limit': 'not-met' }, suggestions: [/^Cancel this diagnostic block/] } },
  },
  {
    name: 'nothing says radiofrequency is being considered: not documented',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'radiofrequency-considered': 'not-documented' } } },
  },
  {
    name: 'a planned radiofrequency neurotomy on record shows it is being considered',
    chart: (c) => {
      lumbarCandidate(c);
      c.plannedRadiofrequency('64635', 'active');
    },
    orders: () => [order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'radiofrequency-considered': 'met' } } },
  },
  {
    name: 'an order explicitly marked diagnostic is read as diagnostic even after two positive blocks',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), relief: 90 });
    },
    orders: () => [firstBlockOrder({ orderDetail: [{ coding: [{ system: LOCAL, code: 'diagnostic' }] }] })],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'diagnostic-block-limit': 'not-met' } } },
  },
  {
    name: 'a cervical block at C5-C6 is read as cervical and covered',
    chart: (c) => {
      lumbarCandidate(c, ['pain', 'imaging']);
      cervicalWorkup(c);
    },
    orders: () => [order('sr-neck', '64490', { levels: ['C5-C6'], date: NEXT_WEEK, note: RF_NOTE })],
    expect: { 'sr-neck': { outcome: 'covered', criteria: { 'thoracic-injection': 'met', 'pain-three-months': 'met' } } },
  },
  {
    name: 'a block already done this morning makes an order for another block today a second block 0 days later: not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: REFERENCE_DATE, relief: 90 });
    },
    orders: () => [firstBlockOrder({ date: REFERENCE_DATE })],
    expect: { 'sr-block': { outcome: 'not-covered', criteria: { 'second-block-interval': 'not-met', 'diagnostic-block-limit': 'met' } } },
  },
  {
    name: 'a procedure recorded today for the very order being signed (basedOn) is not an earlier block',
    chart: (c) => {
      lumbarCandidate(c);
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }, { date: at(REFERENCE_DATE), bodySite: ['L4-L5'], basedOn: 'ServiceRequest/sr-block' });
    },
    orders: () => [firstBlockOrder({ date: REFERENCE_DATE })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'diagnostic-block-limit': 'met', 'one-procedure-per-visit': 'met' }, notApplicable: ['second-block-interval'] } },
  },
  {
    name: 'a bilateral first block charted as a left and a right Procedure is one level, like the bilateral second block',
    chart: (c) => {
      lumbarCandidate(c);
      const date = at(monthsBefore(1));
      const left = c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }, { date, bodySite: ['left'] });
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }, { date, bodySite: ['right'] });
      c.reliefPercent(90, at(monthsBefore(1), '11:00'), left);
    },
    orders: () => [order('sr-block', '64493', { date: NEXT_WEEK, note: RF_NOTE, orderDetail: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '50', display: 'Bilateral procedure' }] }] })],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'second-block-same-levels': 'not-documented', 'second-block-relief': 'met' } } },
  },
  {
    name: 'an unmarked injection after two blocks, the second without charted relief: third block or therapeutic is not documented (conditional)',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), reliefCharting: 'none' });
      c.condition(icd('M96.0'), { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-inj', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-inj': { outcome: 'conditional', criteria: { 'diagnostic-block-limit': 'not-documented' } } },
  },
  {
    name: 'an unmarked injection after a block under 80% and one without charted relief is a third diagnostic block: not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 50 });
      c.block({ date: monthsBefore(2), reliefCharting: 'none' });
    },
    orders: () => [order('sr-inj', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expect: { 'sr-inj': { outcome: 'not-covered', criteria: { 'diagnostic-block-limit': 'not-met' } } },
  },
  {
    name: 'pain scores that could not be fetched leave an unmarked injection after two blocks indeterminate, not a third block',
    chart: (c) => {
      lumbarCandidate(c, ['adl', 'exam']);
      c.block({ date: monthsBefore(3), reliefCharting: 'none' });
      c.block({ date: monthsBefore(2), reliefCharting: 'none' });
      c.condition(icd('M96.0'), { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-inj', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    failedKeys: ['observations'],
    expect: { 'sr-inj': { outcome: 'indeterminate', criteria: { 'diagnostic-block-limit': 'indeterminate' } } },
  },
  {
    name: 'a third block explicitly marked diagnostic is not covered even when pain scores could not be fetched',
    chart: (c) => {
      lumbarCandidate(c, ['adl', 'exam']);
      c.block({ date: monthsBefore(3), reliefCharting: 'none' });
      c.block({ date: monthsBefore(2), reliefCharting: 'none' });
    },
    orders: () => [order('sr-inj', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE, orderDetail: [{ coding: [{ system: LOCAL, code: 'diagnostic' }] }] })],
    failedKeys: ['observations'],
    expect: { 'sr-inj': { outcome: 'not-covered', criteria: { 'diagnostic-block-limit': 'not-met' } } },
  },
  {
    name: 'an order saying RF is being considered needs no record of RF orders, even when they could not be fetched',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder()],
    failedKeys: ['serviceRequests'],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'radiofrequency-considered': 'met' } } },
  },
  {
    name: 'a note saying "fluoroscopic guidance, not ultrasound" is not an ultrasound-guided order',
    chart: (c) => lumbarCandidate(c),
    orders: () => [firstBlockOrder({ note: [...RF_NOTE, { text: 'Fluoroscopic guidance, not ultrasound' }] })],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'image-guidance': 'met' } } },
  },
];

/** Orders dated in the past, and companion orders already drafted. */
export const sessionContextPaths: PathScenario[] = [
  {
    name: 'a backdated second block too early: the reschedule suggestion is never a date already past',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(40), relief: 90, levels: ['L4-L5'] });
    },
    orders: () => [firstBlockOrder({ occurrenceDateTime: daysBefore(30) })],
    expect: {
      'sr-block': {
        outcome: 'not-covered',
        criteria: { 'second-block-interval': 'not-met' },
        firstEligibleDate: daysBefore(26),
        suggestions: [new RegExp(`^Schedule on ${daysBefore(0)}`)],
      },
    },
  },
  {
    name: 'a physical therapy referral already among the draft orders is not suggested again',
    chart: (c) => lumbarCandidate(c, ['pt']),
    orders: () => [
      firstBlockOrder(),
      { ...order('sr-pt', '97161'), code: { coding: [{ system: 'http://snomed.info/sct', code: '91251008', display: 'Physical therapy procedure' }] } },
    ],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'physical-therapy': 'not-documented' }, noSuggestions: true } },
  },
];

/** Odd durations found by fuzzing: decided normally, never a criterion that cannot be evaluated. */
export const oddDurationPaths: PathScenario[] = [
  {
    name: 'a prescription duration with a non-text unit is read as days',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      const ref = c.nsaid('request', 'ibuprofen', monthsBefore(3), 30);
      const med = c.resources.find((r) => `${r.resourceType}/${r.id}` === ref) as unknown as { dispenseRequest: { expectedSupplyDuration: Record<string, unknown> } };
      med.dispenseRequest.expectedSupplyDuration = { value: 30, code: false, unit: 5 };
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'nsaid-trial': 'met' } } },
  },
  {
    name: 'an absurd days supply (a billion days) counts as duration not charted',
    chart: (c) => {
      lumbarCandidate(c, ['nsaid']);
      const ref = c.nsaid('dispense', 'ibuprofen', monthsBefore(3), 30);
      const med = c.resources.find((r) => `${r.resourceType}/${r.id}` === ref) as unknown as { daysSupply: { value: number } };
      med.daysSupply.value = 1e9;
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'nsaid-trial': 'not-documented' } } },
  },
  {
    name: 'pain onset charted to the month (2026-09) straddles three months before the order: not documented',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: '2026-09' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-three-months': 'not-documented' } } },
  },
  {
    name: 'pain onset charted to the month (2026-08) whose last day is three months before the order: met',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: '2026-08' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'covered', criteria: { 'pain-three-months': 'met' } } },
  },
  {
    name: 'pain onset charted to the year of the order (2026) cannot show three months: not documented',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.816'), { onset: '2026' });
    },
    orders: () => [firstBlockOrder()],
    expect: { 'sr-block': { outcome: 'conditional', criteria: { 'pain-three-months': 'not-documented' } } },
  },
];
