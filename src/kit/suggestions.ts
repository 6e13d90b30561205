import type { ServiceRequest } from 'fhir/r4';
import type { ActionSpec, CriterionResult, SuggestionSpec } from '../decision/types';

/**
 * Suggestion builders: actions an EHR can apply to the draft orders (update, delete, create) and the
 * common suggestions made of them. A policy decides which to offer from its results.
 */

/** An order being decided, as suggestions name it. */
export interface SuggestedOrder {
  order: ServiceRequest;
  /** "ServiceRequest/id". */
  ref: string;
  codes: Array<{ code: string }>;
}

export function markFirstRecommended(suggestions: SuggestionSpec[]): SuggestionSpec[] {
  return suggestions.map((s, i) => (i === 0 ? { ...s, isRecommended: true } : s));
}

/** Remove one of the draft orders, saying why. */
export function cancelOrder(o: SuggestedOrder, why: string): ActionSpec {
  return { type: 'delete', resourceId: o.ref, description: `Remove ${o.ref} (CPT ${o.codes.map((c) => c.code).join(', ')}): ${why}` };
}

/** Replace one of the draft orders with a changed copy. */
export function updateOrder(resource: ServiceRequest, description: string): ActionSpec {
  return { type: 'update', resource, description };
}

/** The order set to occur on `date` (any other occurrence form removed). */
export function withOccurrence(order: ServiceRequest, date: string): ServiceRequest {
  const copy = structuredClone(order);
  delete copy.occurrencePeriod;
  delete copy.occurrenceTiming;
  copy.occurrenceDateTime = date;
  return copy;
}

/**
 * When everything unmet is a matter of time (each not-met result has a first eligible date): move the
 * orders to the latest of those dates, never to a date already past. Where the record also lacks
 * documentation, the new date is only part of the fix: the label says so (partOfTheFix).
 */
export function scheduleOnFirstEligibleDate(results: CriterionResult[], orders: SuggestedOrder[], today: string): SuggestionSpec | undefined {
  const timing = results.filter((r) => r.status === 'not-met');
  if (timing.length === 0 || !timing.every((r) => r.firstEligibleDate)) return undefined;
  const date = [today, ...timing.map((r) => r.firstEligibleDate!)].sort().at(-1)!;
  const fixesAll = results.every((r) => r.status === 'met' || r.status === 'not-met');
  return partOfTheFix(
    {
      label: fixesAll ? `Schedule on ${date}, the first date the order qualifies` : `Schedule on ${date}, the earliest date the timing allows`,
      actions: orders.map((o) => updateOrder(withOccurrence(o.order, date), `Set ${o.ref} to occur on ${date}`)),
      reschedules: date,
    },
    results,
    (r) => r.status === 'not-met',
  );
}

/**
 * A suggestion that resolves only some of what stands in the way (`resolves`): the criteria it leaves are
 * named in its label ("still to document: I.B.2.b") and kept in `stillUnmet`, so it is never offered as an
 * alternative that meets the policy. A suggestion that resolves every gap is returned as it is.
 */
export function partOfTheFix(suggestion: SuggestionSpec, results: CriterionResult[], resolves: (r: CriterionResult) => boolean): SuggestionSpec {
  const left = results.filter((r) => r.status !== 'met' && !resolves(r));
  if (left.length === 0) return suggestion;
  const sections = (status: CriterionResult['status']) => [...new Set(left.filter((r) => r.status === status).map((r) => r.section))];
  const parts = [
    ['still not met', sections('not-met')],
    ['still to document', sections('not-documented')],
    ['still to check', sections('indeterminate')],
  ]
    .filter(([, list]) => list.length > 0)
    .map(([words, list]) => `${words as string}: ${(list as string[]).join(', ')}`);
  return { ...suggestion, label: `${suggestion.label} (${parts.join('; ')})`, stillUnmet: left.map((r) => r.id) };
}
