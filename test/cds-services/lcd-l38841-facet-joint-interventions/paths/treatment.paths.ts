import { at, cpt, daysBefore, monthsBefore, order } from '../../../helpers/chart';
import { IA, MBB, NEXT_WEEK, afterAblation, medicareCandidate, twoMedialBranchBlocks } from './base-charts';
import type { LcdPathScenario } from './indications.paths';

const THERAPEUTIC = [{ coding: [{ system: 'http://snomed.info/sct', code: '262202000', display: 'Therapeutic intent' }] }];

/** T: therapeutic injections, intra-articular only. */
export const therapeuticPaths: LcdPathScenario[] = [
  {
    name: 'T a therapeutic intra-articular injection after two positive blocks, why not RFA documented: covered',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
      c.device('Implanted spinal cord stimulator');
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'covered', criteria: { 't1-intra-articular-only': 'met', 't2-two-positive-diagnostics': 'met', 't4-not-rfa-candidate': 'met', 't5-therapeutic-sessions-per-year': 'met' }, notApplicable: ['t3-subsequent-relief-or-function', 'd5-diagnostics-beyond-two'] } },
  },
  {
    name: 'T1 a therapeutic medial branch block: not covered (therapeutic injections are intra-articular only)',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
      c.device('Implanted spinal cord stimulator');
    },
    orders: () => [order('sr-tm', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...MBB] })],
    expect: { 'sr-tm': { outcome: 'not-covered', criteria: { 't1-intra-articular-only': 'not-met' } } },
  },
  {
    name: 'T1 a therapeutic injection whose target is not charted: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
      c.device('Implanted spinal cord stimulator');
    },
    orders: () => [order('sr-t', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: THERAPEUTIC })],
    expect: { 'sr-t': { outcome: 'conditional', criteria: { 't1-intra-articular-only': 'not-documented' } } },
  },
  {
    name: 'T2 a therapeutic injection after one positive block: not covered',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(2), relief: 90, target: 'medial-branch' });
      c.device('Implanted spinal cord stimulator');
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'not-covered', criteria: { 't2-two-positive-diagnostics': 'not-met' } } },
  },
  {
    name: 'T2 relief after the second diagnostic block not charted: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90, target: 'medial-branch' });
      c.block({ date: monthsBefore(2), reliefCharting: 'none', target: 'medial-branch' });
      c.device('Implanted spinal cord stimulator');
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'conditional', criteria: { 't2-two-positive-diagnostics': 'not-documented' } } },
  },
  {
    name: 'T3 no follow-up after the prior therapeutic injection: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c, [90, 90]);
      c.device('Implanted spinal cord stimulator');
      c.block({ date: monthsBefore(1), intent: 'therapeutic', target: 'intra-articular', reliefCharting: 'none' });
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'conditional', criteria: { 't3-subsequent-relief-or-function': 'not-documented' } } },
  },
  {
    name: 'T4 no reason the member is not an RFA candidate: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'conditional', criteria: { 't4-not-rfa-candidate': 'not-documented' } } },
  },
  {
    name: 'T3 a subsequent injection after one that gave 50% functional improvement (no lasting pain relief): covered, relief OR function',
    chart: (c) => {
      medicareCandidate(c, ['adl']);
      twoMedialBranchBlocks(c, [90, 90]);
      c.device('Implanted spinal cord stimulator');
      const date = monthsBefore(1);
      c.functional('oswestry', 40, at(date, '08:00'));
      c.painScore(8, at(date, '08:15'));
      c.block({ date, intent: 'therapeutic', target: 'intra-articular', reliefCharting: 'none' });
      c.painScore(7, at(daysBefore(5)));
      c.functional('oswestry', 18, at(daysBefore(5)));
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'covered', criteria: { 't3-subsequent-relief-or-function': 'met' } } },
  },
  {
    name: 'T3 a subsequent injection after one that helped neither pain nor function: not covered',
    chart: (c) => {
      medicareCandidate(c, ['adl']);
      twoMedialBranchBlocks(c, [90, 90]);
      c.device('Implanted spinal cord stimulator');
      const date = monthsBefore(4);
      c.functional('oswestry', 40, at(date, '08:00'));
      c.painScore(8, at(date, '08:15'));
      c.block({ date, intent: 'therapeutic', target: 'intra-articular', reliefCharting: 'none' });
      c.painScore(7, at(monthsBefore(2)));
      c.painScore(7, at(daysBefore(5)));
      c.functional('oswestry', 38, at(daysBefore(5)));
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'not-covered', criteria: { 't3-subsequent-relief-or-function': 'not-met' } } },
  },
  {
    name: 'T5 four therapeutic sessions in the last 12 months: a fifth is not covered yet, with the first eligible date',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(14), relief: 90, target: 'medial-branch' });
      c.block({ date: monthsBefore(13), relief: 90, target: 'medial-branch' });
      c.device('Implanted spinal cord stimulator');
      for (const months of [11, 8, 5, 2]) c.block({ date: monthsBefore(months), intent: 'therapeutic', target: 'intra-articular', levels: ['L5-S1'] });
    },
    orders: () => [order('sr-ia', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: [...THERAPEUTIC, ...IA] })],
    expect: { 'sr-ia': { outcome: 'not-covered', criteria: { 't5-therapeutic-sessions-per-year': 'not-met' }, firstEligibleDate: monthsBefore(-1) } },
  },
];

/** R: radiofrequency ablation; N3 thermal only; S4 no level cap. */
export const radiofrequencyPaths: LcdPathScenario[] = [
  {
    name: 'R1 an initial ablation after two medial branch blocks with ≥ 80% relief: covered',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c, [90, 85], ['L4-L5', 'L5-S1']);
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5', 'L5-S1'], date: NEXT_WEEK }), order('sr-rf2', '64636', { levels: ['L5-S1'], date: NEXT_WEEK })],
    expect: {
      'sr-rf': { outcome: 'covered', criteria: { 'r1-two-positive-medial-branch-blocks': 'met', 'r4-rfa-sessions-per-year': 'met', 'n3-thermal-denervation-only': 'met', 's4-rfa-levels': 'met', 'doc1-same-scale-relief': 'met' }, notApplicable: ['s3-two-levels-per-injection-session'] },
      'sr-rf2': { outcome: 'covered' },
    },
  },
  {
    name: 'R1 an initial ablation after two intra-articular blocks: not covered (MBBs needed), a medial branch block suggested',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90, target: 'intra-articular' });
      c.block({ date: monthsBefore(2), relief: 90, target: 'intra-articular' });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: {
      'sr-rf': {
        outcome: 'not-covered',
        criteria: { 'r1-two-positive-medial-branch-blocks': 'not-met' },
        evidence: { 'r1-two-positive-medial-branch-blocks': { setAside: [/intra-articular injection is not a medial branch block/] } },
        suggestions: [/^Order a diagnostic medial branch block instead \(CPT 64493\)/],
      },
    },
  },
  {
    name: 'R1 blocks whose target is not charted: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), relief: 90 });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'conditional', criteria: { 'r1-two-positive-medial-branch-blocks': 'not-documented' } } },
  },
  {
    name: 'R2 a repeat ablation after one with 50% relief for 4 months only but 50% better function: covered (relief OR function; CP.MP.171 wants both)',
    chart: (c) => afterAblation(c, 8, [3, 3, 7], 18),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'covered', criteria: { 'r2-repeat-relief-or-function': 'met', 'r3-repeat-diagnostics-after-two-years': 'met' }, notApplicable: ['r1-two-positive-medial-branch-blocks'] } },
  },
  {
    name: 'R2 a repeat ablation after one that helped neither pain nor function: not covered',
    chart: (c) => afterAblation(c, 8, [7, 8, 8], 40),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'r2-repeat-relief-or-function': 'not-met' } } },
  },
  {
    name: 'R2 follow-up after the previous ablation not charted: documentation needed',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
      c.procedure(cpt('64635'), { date: at(monthsBefore(1)), bodySite: ['L4-L5'] });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'conditional', criteria: { 'r2-repeat-relief-or-function': 'not-documented' } } },
  },
  {
    name: 'R3 a repeat ablation 26 months after the last, without repeat diagnostic blocks: not covered',
    chart: (c) => afterAblation(c, 26),
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'r3-repeat-diagnostics-after-two-years': 'not-met' }, suggestions: [/^Order a diagnostic medial branch block instead/] } },
  },
  {
    name: 'R3 a repeat ablation 26 months after the last, with two repeat medial branch blocks since: covered',
    chart: (c) => {
      afterAblation(c, 26);
      twoMedialBranchBlocks(c);
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'covered', criteria: { 'r3-repeat-diagnostics-after-two-years': 'met', 'r2-repeat-relief-or-function': 'met' } } },
  },
  {
    name: 'R3 repeat blocks since the last ablation (26 months ago) whose target is not charted: documentation needed',
    chart: (c) => {
      afterAblation(c, 26);
      c.block({ date: monthsBefore(3), relief: 90 });
      c.block({ date: monthsBefore(2), relief: 90 });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'conditional', criteria: { 'r3-repeat-diagnostics-after-two-years': 'not-documented' } } },
  },
  {
    name: 'R4 two ablation sessions in the last 12 months: a third is not covered until the first leaves the window',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: monthsBefore(13), relief: 90, levels: ['L2-L3', 'L4-L5'], target: 'medial-branch' });
      c.block({ date: monthsBefore(12), relief: 90, levels: ['L2-L3', 'L4-L5'], target: 'medial-branch' });
      c.procedure(cpt('64635'), { date: at(monthsBefore(10)), bodySite: ['L2-L3'] });
      c.procedure(cpt('64635'), { date: at(monthsBefore(4)), bodySite: ['L3-L4'] });
    },
    orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rf': { outcome: 'not-covered', criteria: { 'r4-rfa-sessions-per-year': 'not-met' }, firstEligibleDate: monthsBefore(-2), suggestions: [/^Schedule on /] } },
  },
  {
    name: 'N3 pulsed radiofrequency: not covered (secondary source)',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
    },
    orders: () => [order('sr-prf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Pulsed radiofrequency of the medial branches' }] })],
    expect: { 'sr-prf': { outcome: 'not-covered', criteria: { 'n3-thermal-denervation-only': 'not-met' }, suggestions: [/^Order conventional radiofrequency neurotomy instead/] } },
  },
  {
    name: 'N3 chemical (phenol) neurolysis ordered as 64999: not covered',
    chart: (c) => {
      medicareCandidate(c);
      twoMedialBranchBlocks(c);
    },
    orders: () => [order('sr-chem', '64999', { levels: ['L4-L5'], date: NEXT_WEEK, code: { coding: [cpt('64999')], text: 'Phenol neurolysis of lumbar facet medial branches' } })],
    expect: { 'sr-chem': { outcome: 'not-covered', criteria: { 'n3-thermal-denervation-only': 'not-met' } } },
  },
];
