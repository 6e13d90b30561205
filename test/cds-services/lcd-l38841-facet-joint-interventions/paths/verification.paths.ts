import { daysBefore } from '../../../helpers/chart';
import { mbbOrder, medicareCandidate } from './base-charts';
import type { LcdPathScenario } from './indications.paths';

/**
 * Rules the LCD notes mark ◐ (secondary source only) or ○ (unverified) are applied as written (issue 16), and a
 * decision that rests on one says so: D3 "A gap of ≥ 2 weeks between diagnostics appears only in ◐ RUB; it is
 * not in any MAC text I read" (open question Q8).
 */
export const verificationPaths: LcdPathScenario[] = [
  {
    name: 'D3 ◐ a second MBB 10 days after an 87.5% first: not covered as written, and the finding says the rule is of limited verification',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: daysBefore(3), relief: 87.5, target: 'medial-branch' });
    },
    orders: () => [mbbOrder()],
    expect: {
      'sr-mbb': {
        outcome: 'not-covered',
        criteria: { 'd2-second-diagnostic-relief': 'met', 'd3-diagnostic-interval': 'not-met' },
        evidence: { 'd3-diagnostic-interval': { counted: [/^Rule of limited verification \(◐ secondary source only: RUB\), applied as written: A gap of ≥ 2 weeks/] } },
      },
    },
  },
  {
    name: 'D3 ◐ met (21 days apart): no verification line, nothing rests on the rule',
    chart: (c) => {
      medicareCandidate(c);
      c.block({ date: daysBefore(14), relief: 90, target: 'medial-branch' });
    },
    orders: () => [mbbOrder()],
    expect: { 'sr-mbb': { outcome: 'covered', criteria: { 'd3-diagnostic-interval': 'met' }, evidence: { 'd3-diagnostic-interval': { notCounted: /limited verification/ } } } },
  },
];
