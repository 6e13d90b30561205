import { createHash } from 'node:crypto';
import type { FeedbackItem } from './types';

/** Same feedback, same key: clients may send one card's feedback several times (CDS Hooks 2.0.1). */
export function feedbackKey(serviceId: string, item: FeedbackItem): string {
  const canonical = JSON.stringify([
    serviceId,
    item.card,
    item.outcome,
    item.outcomeTimestamp,
    (item.acceptedSuggestions ?? []).map((s) => s.id).sort(),
    item.overrideReason?.reason?.system ?? null,
    item.overrideReason?.reason?.code ?? null,
    item.overrideReason?.userComment ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
