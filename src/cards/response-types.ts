import type { ActionSpec, SuggestionSpec } from '../decision/types';

/**
 * The Da Vinci CRD response type a suggestion belongs to, from its actions (CRD cards.md):
 * - Propose Alternate Request: revise the proposed order (one `update`), or replace it (`delete` + `create`),
 *   crd-respar-1 / §resp-53. A procedure billed on several order lines (64493 + 64494) is revised or replaced
 *   line by line in one suggestion: every line is an `update`, or every `delete` comes with `create`s.
 * - Identify Additional Orders: `create`s only (a companion order such as a physical therapy referral), §resp-57.
 * - anything else (cancelling an order, or dropping one line while revising another) is neither: a plain
 *   CDS Hooks suggestion, kept on the card that explains the decision. So is any suggestion that leaves the
 *   order's criteria unmet (`stillUnmet`): a revision that fixes part of what is missing, or a referral for
 *   therapy the policy needs done before the order. The alternatives and companion-order cards offer only
 *   what makes the order meet the policy.
 */
export type SuggestionType = 'alternate-request' | 'additional-orders' | 'other';

export function suggestionType(suggestion: SuggestionSpec): SuggestionType {
  const actions = suggestion.actions;
  if (actions.length === 0) return 'other';
  if (suggestion.stillUnmet?.length) return 'other';
  const count = (type: ActionSpec['type']) => actions.filter((a) => a.type === type).length;
  const creates = count('create');
  const updates = count('update');
  const deletes = count('delete');
  if (creates === actions.length) return 'additional-orders';
  if (updates === actions.length) return 'alternate-request';
  if (updates === 0 && deletes > 0 && creates > 0) return 'alternate-request';
  return 'other';
}

