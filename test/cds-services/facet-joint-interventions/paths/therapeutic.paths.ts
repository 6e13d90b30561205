import { at, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';
import { LOCAL } from '../../../helpers/builders';
import { NEXT_WEEK, afterTwoPositiveBlocks, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

const PSEUDARTHROSIS = icd('M96.0');

/** Two positive blocks, pseudarthrosis, then a therapeutic injection `monthsAgo` months ago with baseline pain 8 and ODI 44. */
function afterTherapeuticInjection(c: Parameters<PathScenario['chart']>[0], monthsAgo: number, painAfter: number[], oswestryAfter?: number): void {
  lumbarCandidate(c, ['adl']);
  c.block({ date: monthsBefore(monthsAgo + 4), relief: 90 });
  c.block({ date: monthsBefore(monthsAgo + 3), relief: 85 });
  c.condition(PSEUDARTHROSIS, { onset: monthsBefore(24) });
  const date = monthsBefore(monthsAgo);
  c.painScore(8, at(date, '08:00'));
  c.functional('oswestry', 44, at(date, '08:05'));
  c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }, { date: at(date), bodySite: ['L4-L5'], intent: 'therapeutic' });
  painAfter.forEach((value, i) => c.painScore(value, at(monthsBefore(monthsAgo - (i + 1)))));
  if (oswestryAfter !== undefined) c.functional('oswestry', oswestryAfter, at(monthsBefore(monthsAgo - 1)));
}

/** I.D: therapeutic facet joint injections. */
export const therapeuticPaths: PathScenario[] = [
  {
    name: 'a first therapeutic injection after two positive blocks, with pseudarthrosis documented, is covered',
    chart: (c) => {
      afterTwoPositiveBlocks(c);
      c.condition(PSEUDARTHROSIS, { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-tx', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: {
      'sr-tx': {
        outcome: 'covered',
        criteria: { 'therapeutic-two-positive-blocks': 'met', 'not-rf-candidate': 'met', 'levels-therapeutic': 'met' },
        notApplicable: ['therapeutic-sustained-relief', 'diagnostic-block-limit', 'physical-therapy'],
      },
    },
  },
  {
    name: 'an implanted spinal cord stimulator (Device) documents why radiofrequency is not an option',
    chart: (c) => {
      afterTwoPositiveBlocks(c);
      c.device('Spinal cord stimulator, implanted pulse generator');
    },
    orders: () => [order('sr-tx', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx': { outcome: 'covered', criteria: { 'not-rf-candidate': 'met' } } },
  },
  {
    name: 'a therapeutic injection with no documented reason to avoid radiofrequency: not documented',
    chart: (c) => afterTwoPositiveBlocks(c),
    orders: () => [order('sr-tx', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx': { outcome: 'conditional', criteria: { 'not-rf-candidate': 'not-documented' } } },
  },
  {
    name: 'an order marked therapeutic without diagnostic blocks on record is not covered',
    chart: (c) => {
      lumbarCandidate(c);
      c.condition(PSEUDARTHROSIS, { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-tx', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [{ coding: [{ system: LOCAL, code: 'therapeutic' }] }] })],
    expect: { 'sr-tx': { outcome: 'not-covered', criteria: { 'therapeutic-two-positive-blocks': 'not-met' } } },
  },
  {
    name: 'an order marked therapeutic after two blocks whose second relief is not charted: not documented',
    chart: (c) => {
      lumbarCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), reliefCharting: 'none' });
      c.condition(PSEUDARTHROSIS, { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-tx', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [{ coding: [{ system: LOCAL, code: 'therapeutic' }], text: 'therapeutic' }] })],
    expect: { 'sr-tx': { outcome: 'conditional', criteria: { 'therapeutic-two-positive-blocks': 'not-documented' } } },
  },
  {
    name: 'a repeat therapeutic injection after one that gave ≥ 50% relief for 3 months is covered',
    chart: (c) => afterTherapeuticInjection(c, 5, [3, 3, 3, 4]),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'covered', criteria: { 'therapeutic-sustained-relief': 'met', 'therapeutic-two-positive-blocks': 'met' } } },
  },
  {
    name: 'a repeat therapeutic injection after ≥ 50% improvement on the same functional scale is covered',
    chart: (c) => afterTherapeuticInjection(c, 5, [7], 18),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'covered', criteria: { 'therapeutic-sustained-relief': 'met' } } },
  },
  {
    name: 'relief that lasted one month and no functional gain: a repeat therapeutic injection is not covered',
    chart: (c) => afterTherapeuticInjection(c, 5, [3, 7, 8, 8], 40),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'not-covered', criteria: { 'therapeutic-sustained-relief': 'not-met' } } },
  },
  {
    name: 'no follow-up after the prior therapeutic injection: sustained relief not documented',
    chart: (c) => afterTherapeuticInjection(c, 5, []),
    orders: () => [order('sr-tx2', '64493', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-tx2': { outcome: 'conditional', criteria: { 'therapeutic-sustained-relief': 'not-documented' } } },
  },
  {
    name: 'a therapeutic injection at four levels is over the limit',
    chart: (c) => {
      afterTwoPositiveBlocks(c);
      c.condition(PSEUDARTHROSIS, { onset: monthsBefore(24) });
    },
    orders: () => [order('sr-tx', '64493', { levels: ['L2-L3', 'L3-L4', 'L4-L5', 'L5-S1'], date: NEXT_WEEK })],
    expect: { 'sr-tx': { outcome: 'not-covered', criteria: { 'levels-therapeutic': 'not-met' }, suggestions: [/drop L5-S1/] } },
  },
  {
    name: 'therapeutic facet injection of the thoracic region is not medically necessary',
    chart: (c) => {
      afterTwoPositiveBlocks(c);
      c.condition(icd('M47.814'), { onset: monthsBefore(12) });
    },
    orders: () => [order('sr-ttx', '64490', { date: daysBefore(-3), reasonCode: [{ coding: [icd('M47.814')] }] })],
    expect: { 'sr-ttx': { outcome: 'not-covered', criteria: { 'thoracic-injection': 'not-met' }, suggestions: [/^Cancel the thoracic facet injection/] } },
  },
];
