import { at, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';
import { NEXT_WEEK, afterTwoPositiveBlocks, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

type Builder = Parameters<PathScenario['chart']>[0];

/** Two positive L4-L5 blocks, then a conventional neurotomy `monthsAgo` months ago with a baseline pain 8 and Oswestry 40. */
function blocksThenNeurotomy(c: Builder, monthsAgo: number): string {
  lumbarCandidate(c, ['adl']);
  c.block({ date: monthsBefore(monthsAgo + 3), relief: 90 });
  c.block({ date: monthsBefore(monthsAgo + 2), relief: 85 });
  const date = monthsBefore(monthsAgo);
  c.functional('oswestry', 40, at(date, '08:00'));
  c.painScore(8, at(date, '08:15'));
  return c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64635' }, { date: at(date), bodySite: ['L4-L5'] });
}

/** …followed by pain scores 1, 3 and 6 months after it and an Oswestry at 6 months (8 → 3 and 40 → 22 by default). */
function afterSustainedNeurotomy(c: Builder, monthsAgo = 8, painAfter = [3, 3, 3], oswestryAfter = 22): string {
  const ref = blocksThenNeurotomy(c, monthsAgo);
  const followUps = [1, 3, 6].map((m) => monthsBefore(monthsAgo - m));
  followUps.forEach((d, i) => c.painScore(painAfter[i]!, at(d)));
  c.functional('oswestry', oswestryAfter, at(followUps.at(-1)!));
  return ref;
}

/** I.B: conventional radiofrequency neurotomy (initial and repeat), thoracic and pulsed exclusions. */
export const radiofrequencyPaths: PathScenario[] = [
  {
    name: 'an initial lumbar neurotomy (64635 + 64636) after two blocks with ≥ 80% relief is covered',
    chart: (c) => afterTwoPositiveBlocks(c, [90, 85], ['L4-L5', 'L5-S1']),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5', 'L5-S1'], date: NEXT_WEEK }), order('sr-rf2', '64636', { levels: ['L5-S1'], date: NEXT_WEEK })],
    expect: {
      'sr-rf': {
        outcome: 'covered',
        criteria: { 'pulsed-radiofrequency': 'met', 'conventional-radiofrequency': 'met', 'thoracic-radiofrequency': 'met', 'rf-pain-three-months': 'met', 'rf-two-positive-blocks': 'met', 'levels-initial-rf': 'met' },
        notApplicable: ['pain-interferes-with-adls', 'physical-therapy', 'repeat-rf-interval'],
      },
      'sr-rf2': { outcome: 'covered' },
    },
  },
  {
    name: 'a neurotomy after only one positive block: not covered, a diagnostic block is suggested instead',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(2), relief: 90 });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'rf-two-positive-blocks': 'not-met' }, suggestions: [/^Order a diagnostic medial branch block instead \(CPT 64493\)/] } },
  },
  {
    name: 'a neurotomy after a negative block: not covered',
    chart: (c) => afterTwoPositiveBlocks(c, [90, 60]),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'rf-two-positive-blocks': 'not-met' } } },
  },
  {
    name: 'relief after the second block not charted: two positive blocks not documented',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), reliefCharting: 'none' });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'conditional', criteria: { 'rf-two-positive-blocks': 'not-documented' } } },
  },
  {
    name: 'no pain diagnosis on record before a neurotomy: pain duration not documented',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), relief: 90 });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'conditional', criteria: { 'rf-pain-three-months': 'not-documented' } } },
  },
  {
    name: 'neck pain charted only two months ago: a cervical neurotomy is not covered yet',
    chart: (c) => {
      lumbarCandidate(c, ['pain']);
      c.condition(icd('M47.812'), { onset: monthsBefore(2) });
      c.block({ date: daysBefore(40), relief: 90, cpt: '64490', levels: ['C5-C6'] });
      c.block({ date: daysBefore(20), relief: 90, cpt: '64490', levels: ['C5-C6'] });
    },
    orders: () => [order('sr-rf', '64633', { levels: ['C5-C6'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'rf-pain-three-months': 'not-met', 'rf-two-positive-blocks': 'met' } } },
  },
  {
    name: 'low back pain for 8 months does not make 3 months of neck pain: a cervical neurotomy with neck pain for 2 months is not covered yet',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(icd('M47.812'), { onset: monthsBefore(2) });
      c.block({ date: daysBefore(40), relief: 90, cpt: '64490', levels: ['C5-C6'] });
      c.block({ date: daysBefore(20), relief: 90, cpt: '64490', levels: ['C5-C6'] });
    },
    orders: () => [order('sr-rf', '64633', { levels: ['C5-C6'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'rf-pain-three-months': 'not-met' } } },
  },
  {
    name: 'only low back pain on record before a cervical neurotomy: neck pain not documented',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: daysBefore(40), relief: 90, cpt: '64490', levels: ['C5-C6'] });
      c.block({ date: daysBefore(20), relief: 90, cpt: '64490', levels: ['C5-C6'] });
    },
    orders: () => [order('sr-rf', '64633', { levels: ['C5-C6'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'conditional', criteria: { 'rf-pain-three-months': 'not-documented' } } },
  },
  {
    name: 'a neurotomy of four joints in one session is over the limit',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-rf', '64635', { date: NEXT_WEEK }), order('sr-rf2', '64636', { date: NEXT_WEEK, quantityQuantity: { value: 3 } })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'levels-initial-rf': 'not-met' }, suggestions: [/^Treat at most 3 levels/] } },
  },
  {
    name: 'a thoracic neurotomy (64633 at T8-T9) is not medically necessary: cancel',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-trf', '64633', { levels: ['T8-T9'], date: NEXT_WEEK })],
    expect: {
      'sr-trf': { outcome: 'not-covered', criteria: { 'thoracic-radiofrequency': 'not-met' }, notApplicable: ['rf-two-positive-blocks'], suggestions: [/^Cancel the thoracic neurotomy/] },
    },
  },
  {
    name: 'a cervical/thoracic neurotomy whose region cannot be told is not documented',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90, cpt: '64490', levels: ['C5-C6'] });
      c.block({ date: monthsBefore(2), relief: 90, cpt: '64490', levels: ['C5-C6'] });
    },
    orders: () => [order('sr-ctrf', '64633', { date: NEXT_WEEK })],
    expect: { 'sr-ctrf': { outcome: 'conditional', criteria: { 'thoracic-radiofrequency': 'not-documented', 'rf-two-positive-blocks': 'met' } } },
  },
  {
    name: 'pulsed radiofrequency (64999) meeting the conventional criteria: not covered, conventional neurotomy suggested',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [
      order('sr-prf', '64999', { levels: ['L4-L5'], date: NEXT_WEEK, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64999' }], text: 'Pulsed radiofrequency of lumbar facet medial branch nerves' } }),
    ],
    expect: {
      'sr-prf': {
        outcome: 'not-covered',
        criteria: { 'pulsed-radiofrequency': 'not-met', 'rf-two-positive-blocks': 'met' },
        notApplicable: ['conventional-radiofrequency'],
        suggestions: [/^Order conventional radiofrequency neurotomy instead \(CPT 64635\)/],
      },
    },
  },
  {
    name: 'pulsed radiofrequency without positive blocks: the diagnostic block is suggested instead',
    chart: (c) => lumbarCandidate(c),
    orders: () => [order('sr-prf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Pulsed RF, 42 °C' }] })],
    expect: { 'sr-prf': { outcome: 'not-covered', criteria: { 'pulsed-radiofrequency': 'not-met', 'rf-two-positive-blocks': 'not-met' }, suggestions: [/diagnostic medial branch block/] } },
  },
  {
    name: 'facet cryoneurolysis on 64999 is not conventional radiofrequency: not covered',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-cryo', '64999', { date: NEXT_WEEK, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64999' }], text: 'Cryoneurolysis of lumbar facet medial branch nerves' } })],
    expect: { 'sr-cryo': { outcome: 'not-covered', criteria: { 'conventional-radiofrequency': 'not-met', 'pulsed-radiofrequency': 'met' } } },
  },
  {
    name: 'a repeat neurotomy 8 months after one that gave ≥ 50% relief for 6 months with better function is covered',
    chart: (c) => {
      afterSustainedNeurotomy(c);
    },
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: {
      'sr-rrf': {
        outcome: 'covered',
        criteria: { 'repeat-rf-interval': 'met', 'repeat-rf-sustained-relief': 'met', 'levels-repeat-rf': 'met' },
        notApplicable: ['rf-two-positive-blocks', 'rf-pain-three-months'],
      },
    },
  },
  {
    name: 'a repeat neurotomy four months after the last is too early: qualifies six months after it',
    chart: (c) => {
      afterSustainedNeurotomy(c, 4, [3, 3, 3]);
    },
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'not-covered', criteria: { 'repeat-rf-interval': 'not-met' }, firstEligibleDate: monthsBefore(-2) } },
  },
  {
    name: 'pain back to 7/10 three months after the last neurotomy: relief not sustained, not covered',
    chart: (c) => {
      afterSustainedNeurotomy(c, 8, [3, 7, 7]);
    },
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'not-covered', criteria: { 'repeat-rf-sustained-relief': 'not-met' } } },
  },
  {
    name: 'no functional improvement after the last neurotomy: not covered',
    chart: (c) => {
      afterSustainedNeurotomy(c, 8, [3, 3, 3], 44);
    },
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'not-covered', criteria: { 'repeat-rf-sustained-relief': 'not-met' } } },
  },
  {
    name: 'no follow-up pain scores after the last neurotomy: sustained relief not documented',
    chart: (c) => {
      blocksThenNeurotomy(c, 9);
    },
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'conditional', criteria: { 'repeat-rf-sustained-relief': 'not-documented' } } },
  },
  {
    name: 'a repeat neurotomy of four joints is over the limit',
    chart: (c) => {
      afterSustainedNeurotomy(c);
    },
    orders: () => [order('sr-rrf', '64635', { levels: ['L2-L3', 'L3-L4', 'L4-L5', 'L5-S1'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'not-covered', criteria: { 'levels-repeat-rf': 'not-met' } } },
  },
  {
    name: 'a note saying "conventional thermal RF, not pulsed" is conventional radiofrequency',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Conventional thermal RF, not pulsed' }] })],
    expect: { 'sr-rf': { outcome: 'covered', criteria: { 'pulsed-radiofrequency': 'met', 'conventional-radiofrequency': 'met' } } },
  },
];
