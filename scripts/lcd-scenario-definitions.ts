import { LOCAL } from '../test/helpers/builders';
import { ChartBuilder, at, cpt, daysBefore, icd, monthsBefore, order } from '../test/helpers/chart';
import type { ScenarioDefinition } from './scenario-definitions';

/**
 * The scenario patients of LCD L38841 (cds-services/lcd-l38841-facet-joint-interventions/scenarios/): Medicare
 * members, whom the facet-joint-interventions service decides under the LCD. Each shows a place where the LCD
 * and CP.MP.171 answer differently, one way or the other: levels per session, the thoracic region, medial
 * branch blocks before a first ablation, yearly caps, relief OR function for a repeat ablation, repeat blocks
 * after two years, conservative care of no set length.
 */

const NEXT_WEEK = daysBefore(-7);
const MBB = [{ coding: [{ system: LOCAL, code: 'medial-branch-block', display: 'Medial branch block' }], text: 'Medial branch block' }];
const IA = [{ coding: [{ system: LOCAL, code: 'intra-articular', display: 'Intra-articular facet injection' }], text: 'Intra-articular facet injection' }];
const THERAPEUTIC = { coding: [{ system: 'http://snomed.info/sct', code: '262202000', display: 'Therapeutic intent' }], text: 'Therapeutic' };

/** Original Medicare (SOPT 121, paid by CMS), or a Medicare Advantage HMO (SOPT 111). */
function medicare(c: ChartBuilder, kind: 'ffs' | 'advantage' = 'ffs'): void {
  if (kind === 'ffs') c.coverage({ payor: 'Centers for Medicare & Medicaid Services', plan: 'Medicare Part B', sopt: { code: '121', display: 'Medicare FFS' } });
  else c.coverage({ payor: 'Wellcare', plan: 'Wellcare Medicare Advantage HMO', sopt: { code: '111', display: 'Medicare HMO' } });
}

/** Lumbar spondylosis 8 months, Oswestry 38 and pain 6/10, physical therapy 6 weeks and naproxen 6 weeks, a lumbar MRI. */
function lumbarWorkup(c: ChartBuilder, skip: Array<'pt' | 'nsaid' | 'adl'> = []): void {
  c.condition(icd('M47.816'), { onset: monthsBefore(8) });
  if (!skip.includes('adl')) c.functional('oswestry', 38, at(daysBefore(20)));
  c.painScore(6, at(daysBefore(20)));
  if (!skip.includes('pt')) c.physicalTherapy(monthsBefore(5), 6);
  if (!skip.includes('nsaid')) c.nsaid('statement', 'naproxen', monthsBefore(4), 42);
  c.spineImaging(monthsBefore(3));
}

/** Two diagnostic medial branch blocks, 3 and 2 months before `from` months ago, with 90% and 85% relief. */
function twoMedialBranchBlocks(c: ChartBuilder, levels = ['L4-L5', 'L5-S1'], monthsAgo = 2): void {
  c.block({ date: monthsBefore(monthsAgo + 1), relief: 90, levels, target: 'medial-branch' });
  c.block({ date: monthsBefore(monthsAgo), relief: 85, levels, target: 'medial-branch' });
}

/** An ablation at L4-L5 `monthsAgo` months ago after two positive MBBs: pain 8 and Oswestry 40 before; pain `painAfter` 1, 3 and 6 months after; Oswestry `oswestryAfter` at 6 months. */
function ablationOnRecord(c: ChartBuilder, monthsAgo: number, painAfter: number[], oswestryAfter: number): void {
  c.block({ date: monthsBefore(monthsAgo + 3), relief: 90, levels: ['L4-L5'], target: 'medial-branch' });
  c.block({ date: monthsBefore(monthsAgo + 2), relief: 85, levels: ['L4-L5'], target: 'medial-branch' });
  const date = monthsBefore(monthsAgo);
  c.functional('oswestry', 40, at(date, '08:00'));
  c.painScore(8, at(date, '08:15'));
  c.procedure(cpt('64635'), { date: at(date), bodySite: ['L4-L5'] });
  [1, 3, 6].forEach((m, i) => c.painScore(painAfter[i]!, at(monthsBefore(monthsAgo - m))));
  c.functional('oswestry', oswestryAfter, at(monthsBefore(monthsAgo - 6)));
}

export const lcdScenarios: ScenarioDefinition[] = [
  {
    id: 'lcd-01-medicare-cervical-block',
    title: 'Medicare Advantage member: cervical medial branch block at C5-C6, covered under the LCD',
    description: 'Cervical spondylosis for 11 months, Neck Disability Index 22, therapy and meloxicam; a first diagnostic medial branch block at C5-C6 (64490). A Medicare Advantage member is decided under LCD L38841, not CP.MP.171.',
    name: { given: 'Walter', family: 'Jensen', gender: 'male', birthDate: '1951-12-01' },
    chart: (c) => {
      medicare(c, 'advantage');
      c.condition(icd('M47.812'), { onset: monthsBefore(11) });
      c.functional('ndi', 22, at(daysBefore(12)));
      c.physicalTherapy(monthsBefore(6), 5);
      c.nsaid('request', 'meloxicam', monthsBefore(5), 30);
      c.spineImaging(monthsBefore(4), '72141');
    },
    orders: (p) => [order('lcd-01-sr-1', '64490', { patientId: p, levels: ['C5-C6'], date: NEXT_WEEK, orderDetail: MBB })],
    expected: [{ order: 'lcd-01-sr-1', outcome: 'covered' }],
  },
  {
    id: 'lcd-02-three-levels',
    title: 'Three levels in one injection session: two is the LCD\'s limit (CP.MP.171 allows three), decided per line',
    description: 'A fully worked-up Medicare member; medial branch blocks at L3-L4, L4-L5 and L5-S1 in one session (64493 + 64494 + 64495). The LCD covers two levels per region per session and pays a third level (+64495) on appeal only: the first two lines are covered, the third-level line is not, and removing it is suggested.',
    name: { given: 'Dorothy', family: 'Hayes', gender: 'female', birthDate: '1948-05-22' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c);
    },
    orders: (p) => [
      order('lcd-02-sr-1', '64493', { patientId: p, levels: ['L3-L4'], date: NEXT_WEEK, orderDetail: MBB }),
      order('lcd-02-sr-2', '64494', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: MBB }),
      order('lcd-02-sr-3', '64495', { patientId: p, levels: ['L5-S1'], date: NEXT_WEEK, orderDetail: MBB }),
    ],
    expected: [
      { order: 'lcd-02-sr-1', outcome: 'covered' },
      { order: 'lcd-02-sr-2', outcome: 'covered' },
      { order: 'lcd-02-sr-3', outcome: 'not-covered', notMet: ['s3-two-levels-per-injection-session'], suggestion: 'Remove the line beyond 2 levels' },
    ],
  },
  {
    id: 'lcd-03-thoracic-covered',
    title: 'Thoracic medial branch block at T7-T8: covered under the LCD (not under CP.MP.171)',
    description: 'Thoracic spondylosis for 7 months, pain 6/10, therapy and naproxen; a diagnostic medial branch block at T7-T8 (64490). The LCD has no thoracic exclusion: cervical/thoracic is one CPT region.',
    name: { given: 'Harold', family: 'Brooks', gender: 'male', birthDate: '1950-09-03' },
    chart: (c) => {
      medicare(c);
      c.condition(icd('M47.814'), { onset: monthsBefore(7) });
      c.painScore(6, at(daysBefore(14)));
      c.physicalTherapy(monthsBefore(5), 4);
      c.nsaid('statement', 'naproxen', monthsBefore(4), 30);
    },
    orders: (p) => [order('lcd-03-sr-1', '64490', { patientId: p, levels: ['T7-T8'], date: NEXT_WEEK, orderDetail: MBB, reasonCode: [{ coding: [icd('M47.814')] }] })],
    expected: [{ order: 'lcd-03-sr-1', outcome: 'covered' }],
  },
  {
    id: 'lcd-04-ablation-after-intra-articular-blocks',
    title: 'Ablation after two intra-articular blocks: medial branch blocks are needed first',
    description: 'Two intra-articular injections at L4-L5 gave 90% and 85% relief; an initial radiofrequency ablation is ordered. The LCD wants two medial branch blocks (not IA) before a first ablation: a medial branch block is suggested. CP.MP.171 would cover it.',
    name: { given: 'Evelyn', family: 'Foster', gender: 'female', birthDate: '1953-02-14' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c);
      c.block({ date: monthsBefore(3), relief: 90, levels: ['L4-L5'], target: 'intra-articular' });
      c.block({ date: monthsBefore(2), relief: 85, levels: ['L4-L5'], target: 'intra-articular' });
    },
    orders: (p) => [order('lcd-04-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'lcd-04-sr-1', outcome: 'not-covered', notMet: ['r1-two-positive-medial-branch-blocks'], suggestion: 'diagnostic medial branch block' }],
  },
  {
    id: 'lcd-05-ablation-after-medial-branch-blocks',
    title: 'Initial ablation after two medial branch blocks with ≥ 80% relief: covered',
    description: 'Two diagnostic medial branch blocks at L4-L5 and L5-S1 gave 90% and 85% relief; a conventional radiofrequency ablation of both joints (64635 + 64636) is covered under the LCD.',
    name: { given: 'Frank', family: 'Moretti', gender: 'male', birthDate: '1949-07-30' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c);
      twoMedialBranchBlocks(c);
    },
    orders: (p) => [
      order('lcd-05-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK }),
      order('lcd-05-sr-2', '64636', { patientId: p, levels: ['L5-S1'], date: NEXT_WEEK }),
    ],
    expected: [
      { order: 'lcd-05-sr-1', outcome: 'covered' },
      { order: 'lcd-05-sr-2', outcome: 'covered' },
    ],
  },
  {
    id: 'lcd-06-third-ablation-in-a-year',
    title: 'A third ablation session in 12 months: the LCD caps them at two, with the first eligible date',
    description: 'Ablations at L2-L3 ten months ago and at L3-L4 four months ago; a new ablation at L4-L5 (after its own medial branch blocks) would be the third in a rolling 12 months in the lumbar region. Rescheduling to the first eligible date is suggested.',
    name: { given: 'Gloria', family: 'Santos', gender: 'female', birthDate: '1955-11-11' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c);
      c.block({ date: monthsBefore(13), relief: 90, levels: ['L2-L3', 'L3-L4', 'L4-L5'], target: 'medial-branch' });
      c.block({ date: monthsBefore(12), relief: 90, levels: ['L2-L3', 'L3-L4', 'L4-L5'], target: 'medial-branch' });
      c.procedure(cpt('64635'), { date: at(monthsBefore(10)), bodySite: ['L2-L3'] });
      c.procedure(cpt('64635'), { date: at(monthsBefore(4)), bodySite: ['L3-L4'] });
    },
    orders: (p) => [order('lcd-06-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'lcd-06-sr-1', outcome: 'not-covered', notMet: ['r4-rfa-sessions-per-year'], suggestion: 'Schedule on' }],
  },
  {
    id: 'lcd-07-fifth-therapeutic-injection',
    title: 'A fifth therapeutic intra-articular injection in 12 months: capped at four',
    description: 'After two positive medial branch blocks, four therapeutic intra-articular injections in the last year; a spinal cord stimulator rules out ablation. A fifth is not covered until the oldest leaves the rolling 12 months.',
    name: { given: 'Irene', family: 'Kowalczyk', gender: 'female', birthDate: '1947-03-19' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c);
      c.block({ date: monthsBefore(14), relief: 90, levels: ['L4-L5'], target: 'medial-branch' });
      c.block({ date: monthsBefore(13), relief: 90, levels: ['L4-L5'], target: 'medial-branch' });
      c.device('Implanted spinal cord stimulator');
      for (const months of [11, 8, 5, 2]) c.block({ date: monthsBefore(months), intent: 'therapeutic', target: 'intra-articular', levels: ['L5-S1'] });
    },
    orders: (p) => [order('lcd-07-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [THERAPEUTIC, ...IA] })],
    expected: [{ order: 'lcd-07-sr-1', outcome: 'not-covered', notMet: ['t5-therapeutic-sessions-per-year'], suggestion: 'Schedule on' }],
  },
  {
    id: 'lcd-08-repeat-ablation-function',
    title: 'Repeat ablation after one that improved function by half: covered (relief OR function)',
    description: 'An ablation at L4-L5 eight months ago: pain relief lasted 3 months only, but Oswestry went from 40 to 18. The LCD asks for relief OR function (CP.MP.171 for both), so the repeat is covered.',
    name: { given: 'Kenneth', family: 'Ward', gender: 'male', birthDate: '1952-08-08' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c, ['adl']);
      ablationOnRecord(c, 8, [3, 3, 7], 18);
    },
    orders: (p) => [order('lcd-08-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'lcd-08-sr-1', outcome: 'covered' }],
  },
  {
    id: 'lcd-09-repeat-ablation-after-two-years',
    title: 'Repeat ablation 26 months after the last, without repeat blocks: the blocks come first',
    description: 'An ablation at L4-L5 26 months ago worked well; a repeat is ordered now. Two years or more after the last ablation the LCD wants the diagnostic medial branch blocks repeated first: a medial branch block is suggested.',
    name: { given: 'Lorraine', family: 'Dubois', gender: 'female', birthDate: '1950-01-27' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c, ['adl']);
      ablationOnRecord(c, 26, [2, 2, 2], 16);
    },
    orders: (p) => [order('lcd-09-sr-1', '64635', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK })],
    expected: [{ order: 'lcd-09-sr-1', outcome: 'not-covered', notMet: ['r3-repeat-diagnostics-after-two-years'], suggestion: 'diagnostic medial branch block' }],
  },
  {
    id: 'lcd-10-short-conservative-care',
    title: 'Two weeks of physical therapy and no NSAID: enough under the LCD (CP.MP.171 wants 4 and 3 weeks)',
    description: 'Lumbar facet pain for 8 months; two weeks of physical therapy three months ago, no NSAID; pain still 6/10. The LCD asks for documented failure of conservative care of no set kind or length: the first medial branch block is covered.',
    name: { given: 'Martin', family: 'Albrecht', gender: 'male', birthDate: '1954-10-02' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c, ['pt', 'nsaid']);
      c.physicalTherapy(monthsBefore(3), 2);
    },
    orders: (p) => [order('lcd-10-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: MBB })],
    expected: [{ order: 'lcd-10-sr-1', outcome: 'covered' }],
  },
  {
    id: 'lcd-11-no-conservative-care',
    title: 'No conservative care on record: documentation needed under the LCD too',
    description: 'Lumbar facet pain with a moderate score, but no therapy, exercise program or medication on record: the LCD\'s documented failure of conservative management is not documented.',
    name: { given: 'Nancy', family: 'Whitfield', gender: 'female', birthDate: '1956-06-15' },
    chart: (c) => {
      medicare(c);
      lumbarWorkup(c, ['pt', 'nsaid']);
    },
    orders: (p) => [order('lcd-11-sr-1', '64493', { patientId: p, levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: MBB })],
    expected: [{ order: 'lcd-11-sr-1', outcome: 'conditional', notDocumented: ['c2-conservative-care-failed'] }],
  },
];
