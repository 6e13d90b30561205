import { at, cpt, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';
import { CPT } from '../../../helpers/builders';
import { HCPCS, MBB, NEXT_WEEK, afterAblation, mbbOrder, medicareCandidate, twoMedialBranchBlocks } from './base-charts';
import type { LcdPathScenario } from './indications.paths';

/** D: diagnostic blocks (intra-articular or medial branch). */
export const diagnosticPaths: LcdPathScenario[] = [
  {
    name: 'D2 a second block after a first with 90% relief: covered',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(1), relief: 90, target: 'medial-branch' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'd2-second-diagnostic-relief': 'met', 'd3-diagnostic-interval': 'met', 'doc1-same-scale-relief': 'met' } } },
  },
  {
    name: 'D2 a second block after a first with 50% relief: not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(1), relief: 50, target: 'medial-branch' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'd2-second-diagnostic-relief': 'not-met' } } },
  },
  {
    name: 'D2 and DOC1 relief after the first block not measured: not documented',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(1), reliefCharting: 'none', target: 'medial-branch' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'd2-second-diagnostic-relief': 'not-documented', 'doc1-same-scale-relief': 'not-documented' } } },
  },
  {
    name: 'D3 (secondary source) a second block 10 days after the first: not covered yet, the first eligible date given',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: daysBefore(3), relief: 90, target: 'medial-branch' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'd3-diagnostic-interval': 'not-met' }, firstEligibleDate: daysBefore(-11), suggestions: [/^Schedule on /] } },
  },
  {
    name: 'D4 four diagnostic sessions in the last 12 months: a fifth is not covered until the oldest leaves the window',
    chart: (c) => {
      medicareCandidate(c);
      for (const [months, levels] of [[11, ['L2-L3']], [9, ['L3-L4']], [6, ['L1-L2']], [4, ['L5-S1']]] as const) c.block({ date: monthsBefore(months), relief: 40, levels: [...levels], target: 'medial-branch' });
    },
    orders: () => [mbbOrder('sr-mbb', { orderDetail: [...MBB, { coding: [{ system: HCPCS, code: 'KX' }] }] })],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'd4-diagnostic-sessions-per-year': 'not-met', 'd5-diagnostics-beyond-two': 'met' }, firstEligibleDate: monthsBefore(-1) } },
  },
  {
    name: 'D5 a third diagnostic session in 12 months without KX or another reason: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c, [90, 90]);
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'd5-diagnostics-beyond-two': 'not-documented', 'd4-diagnostic-sessions-per-year': 'met' } } },
  },
  {
    name: 'D5 a third diagnostic session at new levels after two negative blocks elsewhere: met',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c, [30, 40], ['L2-L3']);
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'd5-diagnostics-beyond-two': 'met' }, notApplicable: ['d2-second-diagnostic-relief'] } },
  },
  {
    name: 'D6 (secondary source) a diagnostic block at the level of a successful ablation 8 months ago: not covered',
    chart: (c) => afterAblation(c, 8),
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'd6-no-block-at-successful-rfa-level': 'not-met' } } },
  },
  {
    name: 'D6 a block at the level of an ablation that did not help: met',
    chart: (c) => afterAblation(c, 8, [7, 8, 8], 40),
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'd6-no-block-at-successful-rfa-level': 'met' } } },
  },
];

/** S: sessions, levels, regions; X1: another block the same day. */
export const sessionPaths: LcdPathScenario[] = [
  {
    name: 'S3 three levels in one injection session, the third its own add-on line (+64495): decided per line, the first two covered, the third-level line not (CP.MP.171 allows 3)',
    chart: (c) => medicareCandidate(c),
    orders: () => [
      order('sr-1', '64493', { levels: ['L3-L4'], date: NEXT_WEEK, orderDetail: MBB }),
      order('sr-2', '64494', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: MBB }),
      order('sr-3', '64495', { levels: ['L5-S1'], date: NEXT_WEEK, orderDetail: MBB }),
    ],
    expect: {
      'sr-1': { outcome: 'covered', criteria: { 's3-two-levels-per-injection-session': 'met' }, notApplicable: ['levels-diagnostic'] },
      'sr-2': { outcome: 'covered', criteria: { 's3-two-levels-per-injection-session': 'met' } },
      'sr-3': {
        outcome: 'not-covered',
        criteria: { 's3-two-levels-per-injection-session': 'not-met' },
        suggestions: [/^Remove the line beyond 2 levels \(CPT 64495\)/],
        evidence: { 's3-two-levels-per-injection-session': { counted: [/CPT 64495: the level beyond the 2 covered/] } },
      },
    },
  },
  {
    name: 'S3 three levels on one line (64493 with three body sites): the lines cannot be told apart, the session is not covered, two levels suggested',
    chart: (c) => medicareCandidate(c),
    orders: () => [order('sr-1', '64493', { levels: ['L3-L4', 'L4-L5', 'L5-S1'], date: NEXT_WEEK, orderDetail: MBB })],
    expect: { 'sr-1': { outcome: 'not-covered', criteria: { 's3-two-levels-per-injection-session': 'not-met' }, suggestions: [/^Treat at most 2 levels \(drop L5-S1\)/] } },
  },
  {
    name: 'S2 and S3 bilateral at two levels counts two levels: covered',
    chart: (c) => medicareCandidate(c),
    orders: () => [
      order('sr-1', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...MBB, { coding: [{ system: CPT, code: '50' }] }] }),
      order('sr-2', '64494', { levels: ['L5-S1'], date: NEXT_WEEK, orderDetail: [...MBB, { coding: [{ system: CPT, code: '50' }] }] }),
    ],
    expect: { 'sr-1': { outcome: 'covered', criteria: { 's3-two-levels-per-injection-session': 'met' } } },
  },
  {
    name: 'S5 a thoracic injection is covered under the LCD (CP.MP.171: not medically necessary)',
    chart: (c) => {
      medicareCandidate(c, ['pain', 'imaging']);
      c.condition(icd('M47.814'), { onset: monthsBefore(7) });
    },
    orders: () => [order('sr-t', '64490', { levels: ['T7-T8'], date: NEXT_WEEK, orderDetail: MBB })],
    expect: { 'sr-t': { outcome: 'covered', criteria: { 's5-regions-follow-cpt': 'met' }, notApplicable: ['thoracic-injection'] } },
  },
  {
    name: 'S1 a lumbar block and a cervical block on one day: two regions in a session, each not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.condition(icd('M47.812'), { onset: monthsBefore(10) });
      c.functional('ndi', 22, at(daysBefore(12)));
    },
    orders: () => [mbbOrder(), order('sr-c', '64490', { levels: ['C5-C6'], date: NEXT_WEEK, orderDetail: MBB })],
    expect: {
      'sr-mbb': { outcome: 'not-covered', criteria: { 's1-one-region-per-session': 'not-met' }, suggestions: [/^Keep only this Lumbar facet joint injection/] },
      'sr-c': { outcome: 'not-covered', criteria: { 's1-one-region-per-session': 'not-met' } },
    },
  },
  {
    name: 'S1 a cervical and a thoracic block on one day are one CPT region (cervical/thoracic): met',
    chart: (c) => {
      medicareCandidate(c, ['pain']);
      c.condition(icd('M47.812'), { onset: monthsBefore(10) });
      c.condition(icd('M47.814'), { onset: monthsBefore(10) });
    },
    orders: () => [order('sr-c', '64490', { levels: ['C5-C6'], date: NEXT_WEEK, orderDetail: MBB }), order('sr-t', '64490', { levels: ['T1-T2'], date: NEXT_WEEK, orderDetail: MBB })],
    expect: {
      'sr-c': { outcome: 'covered', criteria: { 's1-one-region-per-session': 'met' } },
      'sr-t': { outcome: 'covered', criteria: { 's1-one-region-per-session': 'met', 's5-regions-follow-cpt': 'met' } },
    },
  },
  {
    name: 'X1 an epidural ordered for the same day without a stated necessity: documentation needed',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder(), order('sr-esi', '62323', { date: NEXT_WEEK })],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'x1-other-blocks-same-day': 'not-documented' } } },
  },
  {
    name: 'X1 a trigger point injection the same day marked as a distinct service (modifier 59): met',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder(), order('sr-tpi', '20552', { date: NEXT_WEEK, orderDetail: [{ coding: [{ system: CPT, code: '59' }] }] })],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'x1-other-blocks-same-day': 'met' } } },
  },
];

/** N: Medicare's non-coverage list; A: anesthesia; DOC: documentation. */
export const limitationPaths: LcdPathScenario[] = [
  {
    name: 'N2 prolotherapy: not covered',
    chart: (c) => medicareCandidate(c),
    orders: () => [order('sr-p', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Dextrose prolotherapy of the L4-L5 facet joint' }] })],
    expect: { 'sr-p': { outcome: 'not-covered', criteria: { 'n2-no-prolotherapy': 'not-met' } } },
  },
  {
    name: 'N4 (secondary source) a lumbar block after anterior lumbar interbody fusion: not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.procedure(cpt('22558', 'Anterior lumbar interbody fusion L4-L5'), { date: monthsBefore(20) });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'not-covered', criteria: { 'n4-no-implant-or-after-alif': 'not-met' } } },
  },
  {
    name: 'N4 an intra-facet implant: not covered',
    chart: (c) => medicareCandidate(c),
    orders: () => [order('sr-i', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Intra-facet implant placement' }] })],
    expect: { 'sr-i': { outcome: 'not-covered', criteria: { 'n4-no-implant-or-after-alif': 'not-met' } } },
  },
  {
    name: 'A1 a block under general anesthesia: not covered',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder('sr-ga', { note: [{ text: 'Under general anesthesia' }] })],
    expect: { 'sr-ga': { outcome: 'not-covered', criteria: { 'a1-anesthesia': 'not-met' } } },
  },
  {
    name: 'A1 moderate sedation with a block, no documented need: documentation needed',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder(), order('sr-sed', '99152', { date: NEXT_WEEK })],
    expect: { 'sr-mbb': { outcome: 'conditional', criteria: { 'a1-anesthesia': 'not-documented' } } },
  },
  {
    name: 'A1 sedation with a documented need (the patient cannot lie prone): met',
    chart: (c) => medicareCandidate(c),
    orders: () => [mbbOrder('sr-mbb', { note: [{ text: 'IV sedation: patient cannot lie prone without it' }] })],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'a1-anesthesia': 'met' } } },
  },
];
