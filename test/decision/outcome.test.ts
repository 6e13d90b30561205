import { decideOutcome } from '../../src/decision/outcome';
import type { CriterionResult, CriterionStatus } from '../../src/decision/types';

/** not-covered > indeterminate > conditional > covered. */
const results = (...statuses: CriterionStatus[]): CriterionResult[] =>
  statuses.map((status, i) => ({ id: `c${i}`, section: 'I', title: 't', status, summary: '', evidence: [], categorical: false }));

describe('decideOutcome', () => {
  it.each<[CriterionStatus[], string]>([
    [['met', 'met'], 'covered'],
    [[], 'covered'],
    [['met', 'not-documented'], 'conditional'],
    [['not-documented', 'indeterminate'], 'indeterminate'],
    [['indeterminate', 'not-met', 'not-documented'], 'not-covered'],
    [['met', 'not-met'], 'not-covered'],
  ])('%j → %s', (statuses, outcome) => {
    expect(decideOutcome(results(...statuses))).toBe(outcome);
  });
});
