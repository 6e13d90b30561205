import type { CriterionResult, Outcome } from './types';

/**
 * The policy's rule for combining criteria: anything the record shows unmet decides not-covered
 * (categorical exclusions included); otherwise a technical gap is indeterminate; otherwise a gap in
 * documentation is conditional; only a fully met checklist is covered.
 */
export function decideOutcome(results: CriterionResult[]): Outcome {
  if (results.some((r) => r.status === 'not-met')) return 'not-covered';
  if (results.some((r) => r.status === 'indeterminate')) return 'indeterminate';
  if (results.some((r) => r.status === 'not-documented')) return 'conditional';
  return 'covered';
}
