import type { ServiceRequest } from 'fhir/r4';
import { LOCAL } from '../test/helpers/builders';
import { ChartBuilder, at, daysBefore, icd, monthsBefore, order } from '../test/helpers/chart';

/**
 * The scenario patients shipped with the facet declaration (cds-services/facet-joint-interventions/scenarios/):
 * one synthetic patient per pathway and outcome, written against REFERENCE_DATE. `npm run scenarios:generate`
 * writes them as FHIR R4 transaction Bundles plus a catalog with each patient's orders and expected outcome.
 */

export interface ScenarioExpectation {
  order: string;
  outcome: 'covered' | 'not-covered' | 'conditional' | 'indeterminate';
  notMet?: string[];
  notDocumented?: string[];
  /** A suggestion whose label contains this text is expected. */
  suggestion?: string;
}

export interface ScenarioDefinition {
  id: string;
  title: string;
  description: string;
  name: { given: string; family: string; gender: 'female' | 'male'; birthDate: string };
  chart(c: ChartBuilder): void;
  orders(patientId: string): ServiceRequest[];
  expected: ScenarioExpectation[];
  notices?: string[];
}

const NEXT_WEEK = daysBefore(-7);
const RF_NOTE = [{ text: 'Radiofrequency ablation will be considered if the blocks are positive' }];

/** Lumbar spondylosis 8 months, Oswestry 38, 6 weeks PT, 6 weeks naproxen, positive facet loading, lumbar MRI, active coverage. */
function lumbarWorkup(c: ChartBuilder, skip: Array<'pt' | 'nsaid' | 'coverage' | 'adl'> = []): void {
  if (!skip.includes('coverage')) c.coverage({ payor: 'Ambetter Health', plan: 'Ambetter Balanced Care 10', sopt: { code: '521', display: 'Commercial Managed Care - HMO' } });
  c.condition(icd('M47.816'), { onset: monthsBefore(8) });
  if (!skip.includes('adl')) c.functional('oswestry', 38, at(daysBefore(20)));
  if (!skip.includes('pt')) c.physicalTherapy(monthsBefore(5), 6);
  if (!skip.includes('nsaid')) c.nsaid('statement', 'naproxen', monthsBefore(4), 42);
  c.examFinding('positive-facet-loading', true, at(daysBefore(20)));
  c.spineImaging(monthsBefore(3));
}

function twoPositiveBlocks(c: ChartBuilder, monthsAgo = 2): void {
  c.block({ date: monthsBefore(monthsAgo + 1), relief: 90, levels: ['L4-L5', 'L5-S1'] });
  c.block({ date: monthsBefore(monthsAgo), relief: 85, levels: ['L4-L5', 'L5-S1'] });
}

const lumbarLevels = ['L4-L5', 'L5-S1'];

export const scenarios: ScenarioDefinition[] = [
  {
    id: 'facet-01-first-block-covered',
    title: 'First lumbar diagnostic block, fully documented',
    description: 'Lumbar spondylosis for 8 months with Oswestry 38%, 6 weeks of physical therapy and naproxen, a positive facet loading test and a lumbar MRI; the first diagnostic medial branch block at L4-L5 and L5-S1 (64493 + 64494), radiofrequency planned if positive.',
    name: { given: 'Maria', family: 'Alvarez', gender: 'female', birthDate: '1971-03-14' },
    chart: (c) => lumbarWorkup(c),
    orders: (p) => [
      order('facet-01-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE, reasonCode: [{ coding: [icd('M47.816')] }] }),
      order('facet-01-sr-2', '64494', { patientId: p, levels: ['L5-S1'], date: NEXT_WEEK, reasonCode: [{ coding: [icd('M47.816')] }] }),
    ],
    expected: [
      { order: 'facet-01-sr-1', outcome: 'covered' },
      { order: 'facet-01-sr-2', outcome: 'covered' },
    ],
  },
  {
    id: 'facet-02-conservative-therapy-undocumented',
    title: 'First lumbar block without documented conservative therapy',
    description: 'Same work-up, but no physical therapy and no NSAID trial on record: documentation is needed, and a physical therapy referral is suggested.',
    name: { given: 'James', family: 'Whitaker', gender: 'male', birthDate: '1965-09-02' },
    chart: (c) => lumbarWorkup(c, ['pt', 'nsaid']),
    orders: (p) => [order('facet-02-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expected: [{ order: 'facet-02-sr-1', outcome: 'conditional', notDocumented: ['physical-therapy', 'nsaid-trial'], suggestion: 'physical therapy referral' }],
  },
  {
    id: 'facet-03-second-block-after-poor-relief',
    title: 'Second block after only 60% relief from the first',
    description: 'The first L4-L5 block two weeks ago gave 60% relief (pain 8 → 3.2): a second block at the same level is not medically necessary; cancelling it is suggested.',
    name: { given: 'Linda', family: 'Okafor', gender: 'female', birthDate: '1959-12-21' },
    chart: (c) => {
      lumbarWorkup(c);
      c.block({ date: daysBefore(14), relief: 60, levels: ['L4-L5'] });
    },
    orders: (p) => [order('facet-03-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expected: [{ order: 'facet-03-sr-1', outcome: 'not-covered', notMet: ['second-block-relief'], suggestion: 'Cancel this diagnostic block' }],
  },
  {
    id: 'facet-04-second-block-too-early',
    title: 'Second block ten days after a positive first block',
    description: 'The first block gave 90% relief three days ago; the second is booked 10 days after it. Blocks must be at least two weeks apart: rescheduling to the first eligible date is suggested.',
    name: { given: 'Robert', family: 'Nguyen', gender: 'male', birthDate: '1974-06-30' },
    chart: (c) => {
      lumbarWorkup(c);
      c.block({ date: daysBefore(3), relief: 90, levels: ['L4-L5'] });
    },
    orders: (p) => [order('facet-04-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expected: [{ order: 'facet-04-sr-1', outcome: 'not-covered', notMet: ['second-block-interval'], suggestion: 'Schedule on' }],
  },
  {
    id: 'facet-05-ultrasound-guided',
    title: 'Ultrasound-guided lumbar facet injection (0216T)',
    description: 'A fully worked-up patient, but the injection is ordered with ultrasound guidance (CPT 0216T, policy Table 2): not covered; the same injection under fluoroscopy (64493) is suggested and would meet the policy.',
    name: { given: 'Susan', family: 'Patel', gender: 'female', birthDate: '1980-01-17' },
    chart: (c) => lumbarWorkup(c),
    orders: (p) => [order('facet-05-sr-1', '0216T', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expected: [{ order: 'facet-05-sr-1', outcome: 'not-covered', notMet: ['image-guidance'], suggestion: 'fluoroscopic or CT guidance (CPT 64493)' }],
  },
  {
    id: 'facet-06-thoracic-injection',
    title: 'Thoracic facet injection at T7-T8',
    description: 'Thoracic spine pain; a facet injection at T7-T8 (64490). Thoracic facet injections are not medically necessary (I.C): cancelling is suggested.',
    name: { given: 'David', family: 'Kowalski', gender: 'male', birthDate: '1962-04-08' },
    chart: (c) => {
      c.coverage({ payor: 'Ambetter Health' });
      c.condition(icd('M54.6'), { onset: monthsBefore(7) });
      c.condition(icd('M47.814'), { onset: monthsBefore(7) });
      c.functional('oswestry', 30, at(daysBefore(14)));
    },
    orders: (p) => [order('facet-06-sr-1', '64490', { patientId: p, levels: ['T7-T8'], date: NEXT_WEEK, reasonCode: [{ coding: [icd('M47.814')] }] })],
    expected: [{ order: 'facet-06-sr-1', outcome: 'not-covered', notMet: ['thoracic-injection'], suggestion: 'Cancel the thoracic facet injection' }],
  },
  {
    id: 'facet-07-initial-radiofrequency-covered',
    title: 'Initial lumbar radiofrequency neurotomy after two positive blocks',
    description: 'Two diagnostic blocks at L4-L5 and L5-S1 gave 90% and 85% relief; conventional radiofrequency neurotomy of both joints (64635 + 64636) is covered.',
    name: { given: 'Patricia', family: 'Moreau', gender: 'female', birthDate: '1957-11-05' },
    chart: (c) => {
      lumbarWorkup(c);
      twoPositiveBlocks(c);
    },
    orders: (p) => [
      order('facet-07-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK }),
      order('facet-07-sr-2', '64636', { patientId: p, levels: ['L5-S1'], date: NEXT_WEEK }),
    ],
    expected: [
      { order: 'facet-07-sr-1', outcome: 'covered' },
      { order: 'facet-07-sr-2', outcome: 'covered' },
    ],
  },
  {
    id: 'facet-08-radiofrequency-without-blocks',
    title: 'Radiofrequency neurotomy after a single block',
    description: 'Only one diagnostic block is on record: neurotomy needs two positive blocks (I.B.1.b). A diagnostic medial branch block is suggested instead.',
    name: { given: 'Michael', family: 'Brennan', gender: 'male', birthDate: '1969-08-19' },
    chart: (c) => {
      lumbarWorkup(c);
      c.block({ date: monthsBefore(1), relief: 90, levels: lumbarLevels });
    },
    orders: (p) => [order('facet-08-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'facet-08-sr-1', outcome: 'not-covered', notMet: ['rf-two-positive-blocks'], suggestion: 'diagnostic medial branch block' }],
  },
  {
    id: 'facet-09-pulsed-radiofrequency',
    title: 'Pulsed radiofrequency of the lumbar medial branches (64999)',
    description: 'Two positive blocks are on record, but pulsed radiofrequency is ordered (unlisted 64999): not medically necessary (I.F). Conventional neurotomy (64635) is suggested and meets the criteria.',
    name: { given: 'Karen', family: 'Lindqvist', gender: 'female', birthDate: '1966-02-27' },
    chart: (c) => {
      lumbarWorkup(c);
      twoPositiveBlocks(c);
    },
    orders: (p) => [
      order('facet-09-sr-1', '64999', {
        patientId: p,
        levels: ['L4-L5'],
        date: NEXT_WEEK,
        code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64999', display: 'Unlisted procedure, nervous system' }], text: 'Pulsed radiofrequency of lumbar facet medial branch nerves' },
      }),
    ],
    expected: [{ order: 'facet-09-sr-1', outcome: 'not-covered', notMet: ['pulsed-radiofrequency'], suggestion: 'conventional radiofrequency neurotomy' }],
  },
  {
    id: 'facet-10-repeat-radiofrequency-too-early',
    title: 'Repeat neurotomy four months after the last',
    description: 'A neurotomy at L4-L5 four months ago relieved the pain; a repeat is ordered now. At least six months must elapse (I.B.2.a): rescheduling is suggested.',
    name: { given: 'Thomas', family: 'Reyes', gender: 'male', birthDate: '1960-10-12' },
    chart: (c) => {
      lumbarWorkup(c, ['adl']);
      twoPositiveBlocks(c, 6);
      const date = monthsBefore(4);
      c.painScore(8, at(date, '08:15'));
      c.functional('oswestry', 40, at(date, '08:00'));
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64635' }, { date: at(date), bodySite: ['L4-L5'] });
      c.painScore(3, at(monthsBefore(3)));
      c.painScore(3, at(monthsBefore(1)));
      c.functional('oswestry', 20, at(monthsBefore(1)));
    },
    orders: (p) => [order('facet-10-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'facet-10-sr-1', outcome: 'not-covered', notMet: ['repeat-rf-interval'], notDocumented: ['repeat-rf-sustained-relief'], suggestion: 'Schedule on' }],
  },
  {
    id: 'facet-11-repeat-radiofrequency-covered',
    title: 'Repeat neurotomy after seven months of relief',
    description: 'A neurotomy at L4-L5 eight months ago brought pain from 8 to 3 for over six months with Oswestry 40 → 22: a repeat neurotomy is covered.',
    name: { given: 'Helen', family: 'Fischer', gender: 'female', birthDate: '1954-07-23' },
    chart: (c) => {
      lumbarWorkup(c, ['adl']);
      twoPositiveBlocks(c, 10);
      const date = monthsBefore(8);
      c.painScore(8, at(date, '08:15'));
      c.functional('oswestry', 40, at(date, '08:00'));
      c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64635' }, { date: at(date), bodySite: ['L4-L5'] });
      for (const m of [7, 5, 2]) c.painScore(3, at(monthsBefore(m)));
      c.functional('oswestry', 22, at(monthsBefore(2)));
    },
    orders: (p) => [order('facet-11-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'facet-11-sr-1', outcome: 'covered' }],
  },
  {
    id: 'facet-12-therapeutic-injection-covered',
    title: 'Therapeutic facet injection for a patient who cannot have radiofrequency',
    description: 'Two positive diagnostic blocks and an implanted spinal cord stimulator (I.D.3): a first therapeutic facet injection is covered.',
    name: { given: 'George', family: 'Adeyemi', gender: 'male', birthDate: '1958-05-09' },
    chart: (c) => {
      lumbarWorkup(c);
      twoPositiveBlocks(c);
      c.condition(icd('Z96.82'), { onset: '2023-03-01' });
      c.device('Spinal cord stimulator, implanted pulse generator');
    },
    orders: (p) => [
      order('facet-12-sr-1', '64493', {
        patientId: p,
        levels: ['L4-L5'],
        date: NEXT_WEEK,
        orderDetail: [{ coding: [{ system: LOCAL, code: 'therapeutic', display: 'Therapeutic facet injection' }] }],
      }),
    ],
    expected: [{ order: 'facet-12-sr-1', outcome: 'covered' }],
  },
  {
    id: 'facet-13-four-levels',
    title: 'Diagnostic block at four levels in one session',
    description: 'Blocks ordered at L2-L3 through L5-S1: no more than three levels per session (I.A.1.d); dropping the fourth level is suggested.',
    name: { given: 'Nancy', family: 'Haddad', gender: 'female', birthDate: '1963-03-03' },
    chart: (c) => lumbarWorkup(c),
    orders: (p) => [
      order('facet-13-sr-1', '64493', { patientId: p, levels: ['L2-L3'], date: NEXT_WEEK, note: RF_NOTE }),
      order('facet-13-sr-2', '64494', { patientId: p, levels: ['L3-L4'], date: NEXT_WEEK }),
      order('facet-13-sr-3', '64495', { patientId: p, levels: ['L4-L5', 'L5-S1'], date: NEXT_WEEK, quantityQuantity: { value: 2 } }),
    ],
    expected: [
      { order: 'facet-13-sr-1', outcome: 'not-covered', notMet: ['levels-diagnostic'], suggestion: 'Treat at most 3 levels' },
      { order: 'facet-13-sr-2', outcome: 'not-covered', notMet: ['levels-diagnostic'] },
      { order: 'facet-13-sr-3', outcome: 'not-covered', notMet: ['levels-diagnostic'] },
    ],
  },
  {
    id: 'facet-15-medicaid-radiculopathy',
    title: 'Medicaid member with lumbar radiculopathy',
    description: 'Lumbar radiculopathy on the problem list without a facet synovial cyst: the block is not covered (I.A.1.c); the Medicaid note (state provisions take precedence) is shown.',
    name: { given: 'Angela', family: 'Torres', gender: 'female', birthDate: '1985-08-16' },
    chart: (c) => {
      lumbarWorkup(c, ['coverage']);
      c.coverage({ payor: 'Sunshine Health', plan: 'Florida Medicaid Managed Medical Assistance', sopt: { code: '2', display: 'Medicaid' } });
      c.condition(icd('M54.16'), { onset: monthsBefore(5) });
    },
    orders: (p) => [order('facet-15-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
    expected: [{ order: 'facet-15-sr-1', outcome: 'not-covered', notMet: ['no-radiculopathy-or-myelopathy'] }],
    notices: ['medicaid'],
  },
  {
    id: 'facet-16-two-procedures-one-visit',
    title: 'A cervical block and a lumbar neurotomy on the same day',
    description: 'Two different facet procedures are ordered for one visit; the policy allows one procedure per visit. Each card offers to keep only its procedure.',
    name: { given: 'Richard', family: 'Osei', gender: 'male', birthDate: '1961-01-25' },
    chart: (c) => {
      lumbarWorkup(c);
      twoPositiveBlocks(c);
      c.condition(icd('M47.812'), { onset: monthsBefore(9) });
      c.functional('ndi', 24, at(daysBefore(20)));
      c.spineImaging(monthsBefore(3), '72141');
    },
    orders: (p) => [
      order('facet-16-sr-1', '64490', { patientId: p, levels: ['C4-C5'], date: NEXT_WEEK, note: RF_NOTE }),
      order('facet-16-sr-2', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK }),
    ],
    expected: [
      { order: 'facet-16-sr-1', outcome: 'not-covered', notMet: ['one-procedure-per-visit'], suggestion: 'Keep' },
      { order: 'facet-16-sr-2', outcome: 'not-covered', notMet: ['one-procedure-per-visit'], suggestion: 'Keep' },
    ],
  },
  {
    id: 'facet-17-region-not-charted',
    title: 'Cervical/thoracic injection without level or region-specific diagnosis',
    description: 'A 64490 order with no body site and a non-specific diagnosis: cervical and thoracic cannot be told apart, so documentation is needed (chart the level).',
    name: { given: 'Barbara', family: 'Ito', gender: 'female', birthDate: '1972-09-09' },
    chart: (c) => {
      lumbarWorkup(c);
      c.condition(icd('M54.2'), { onset: monthsBefore(6) });
    },
    orders: (p) => [order('facet-17-sr-1', '64490', { patientId: p, date: NEXT_WEEK, note: RF_NOTE })],
    expected: [{ order: 'facet-17-sr-1', outcome: 'conditional', notDocumented: ['thoracic-injection'] }],
  },
];

/** Builds a scenario's chart, with its patient (its id the scenario id's first two parts: facet-01, lcd-03). */
export function buildScenarioChart(definition: ScenarioDefinition): ChartBuilder {
  const builder = new ChartBuilder(definition.id.split('-').slice(0, 2).join('-'));
  builder.patient({ name: [{ family: definition.name.family, given: [definition.name.given] }], gender: definition.name.gender, birthDate: definition.name.birthDate });
  definition.chart(builder);
  return builder;
}
