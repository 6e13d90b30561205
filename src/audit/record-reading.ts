import type { CriterionRecord, DecisionRecord, OrderRecord, SuggestionRecord } from '../store/types';

/** How one order was decided, whatever the record's format. */
export interface OrderReading {
  order: OrderRecord;
  /** Its decision unit (absent in records older than units). */
  unit?: { id: string; label: string; facts: Record<string, string | number>; levels?: number };
  criteria: CriterionRecord[];
  cardUuid?: string;
  /** The unit's other cards (alternatives, companion orders). */
  relatedCardUuids: string[];
  suggestions: SuggestionRecord[];
}

/**
 * Each order of a record with its unit's criteria, cards and suggestions. Format 2 keeps those once per
 * unit (`units`, each order naming its `unitId`); format 1 (records written before issue 12) repeated them
 * on every order. Readers of records (tests, tools) go through this rather than either shape.
 */
export function readOrders(record: DecisionRecord): OrderReading[] {
  const units = new Map((record.units ?? []).map((u) => [u.id, u]));
  return record.orders.map((order): OrderReading => {
    const unit = order.unitId !== undefined ? units.get(order.unitId) : undefined;
    if (unit) {
      return {
        order,
        unit: { id: unit.id, label: unit.label, facts: unit.facts, ...(unit.levels !== undefined ? { levels: unit.levels } : {}) },
        criteria: unit.criteria,
        ...(unit.cardUuid ? { cardUuid: unit.cardUuid } : {}),
        relatedCardUuids: unit.relatedCardUuids ?? [],
        suggestions: unit.suggestions ?? [],
      };
    }
    const suggestions = [...(order.suggestions ?? [])];
    for (const uuid of order.suggestionUuids ?? []) if (!suggestions.some((s) => s.uuid === uuid)) suggestions.push({ uuid, label: '(label not recorded)' });
    return {
      order,
      ...(order.unit ? { unit: { ...order.unit, ...(order.levels !== undefined ? { levels: order.levels } : {}) } } : {}),
      criteria: order.criteria ?? [],
      ...(order.cardUuid ? { cardUuid: order.cardUuid } : {}),
      relatedCardUuids: order.relatedCardUuids ?? [],
      suggestions,
    };
  });
}
