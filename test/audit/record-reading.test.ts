import { readOrders } from '../../src/audit/record-reading';
import type { DecisionRecord } from '../../src/store/types';
import { decisionRecord } from '../store/fixtures';

/** Readers of decision records see each order with its unit's criteria and cards, whatever the record's format. */
describe('readOrders', () => {
  const criteria = decisionRecord('x', '2026-11-26T10:00:00Z').orders[0]!.criteria!;

  it('format 1 (before issue 12): the unit, cards, suggestions and criteria kept on each order', () => {
    const record = decisionRecord('f1', '2026-11-26T10:00:00Z');
    record.orders[0]!.relatedCardUuids = ['card-alt'];
    record.orders[0]!.suggestionUuids = ['sugg-f1', 'sugg-unlabelled'];
    const [order] = readOrders(record);
    expect(order).toEqual({
      order: record.orders[0],
      unit: { id: '2026-11-26|injection|lumbar', label: 'Lumbar facet joint injection, 1 level (CPT 64493)', facts: { pathway: 'diagnostic', levels: 1 }, levels: 1 },
      criteria,
      cardUuid: 'card-f1',
      relatedCardUuids: ['card-alt'],
      suggestions: [
        { uuid: 'sugg-f1', label: 'Add a physical therapy referral (at least 4 weeks) as a companion order' },
        { uuid: 'sugg-unlabelled', label: '(label not recorded)' },
      ],
    });
  });

  it('format 2: each order pointing to its unit, which holds them once', () => {
    const unit = { id: 'u-1', label: 'Lumbar facet joint injection, 2 levels', facts: { pathway: 'diagnostic', levels: 2 }, levels: 2, outcome: 'conditional', orders: 2, cardUuid: 'card-2', relatedCardUuids: ['card-2-alt'], suggestions: [{ uuid: 's-1', label: 'PT referral' }], criteria };
    const record: DecisionRecord = {
      ...decisionRecord('f2', '2026-11-26T10:00:00Z'),
      format: 2,
      units: [unit],
      orders: [
        { orderRef: 'ServiceRequest/sr-1', codes: ['64493'], levels: 2, outcome: 'conditional', unitId: 'u-1', cardUuid: 'card-2' },
        { orderRef: 'ServiceRequest/sr-2', codes: ['64494'], levels: 2, outcome: 'conditional', unitId: 'u-1', cardUuid: 'card-2' },
      ],
    };
    const read = readOrders(record);
    expect(read.map((o) => [o.order.orderRef, o.unit?.id, o.unit?.levels, o.criteria, o.cardUuid, o.relatedCardUuids, o.suggestions])).toEqual([
      ['ServiceRequest/sr-1', 'u-1', 2, criteria, 'card-2', ['card-2-alt'], [{ uuid: 's-1', label: 'PT referral' }]],
      ['ServiceRequest/sr-2', 'u-1', 2, criteria, 'card-2', ['card-2-alt'], [{ uuid: 's-1', label: 'PT referral' }]],
    ]);
  });
});
