import type { CoverageSummary, Notice, PolicyInput } from '../../../src/decision/types';

/**
 * A member with Medicaid as well as Medicare (dual eligibility): Medicare's rules decide (Medicaid pays last),
 * and state Medicaid provisions, out of this service's scope, may apply to what Medicare does not cover.
 */
export function notices(input: PolicyInput<unknown>, summary: CoverageSummary | undefined): Notice[] {
  if (!summary || input.orders.length === 0 || !summary.programs.includes('medicaid')) return [];
  return [
    {
      id: 'medicaid',
      summary: 'Medicare and Medicaid member: decided under the Medicare LCD; state Medicaid provisions may apply to what Medicare does not cover',
      detail: `This member is covered by Medicare and Medicaid${summary.name ? ` (plan: ${summary.name})` : ''}. Medicare coverage rules decide first; check the state Medicaid manual for what Medicare does not cover.`,
      indicator: 'info',
      topic: { code: 'insurance', display: 'Insurance' },
    },
  ];
}
