import { serializeRecord } from '../../src/audit/record-json';
import type { DecisionRecord } from '../../src/store/types';
import { decisionRecord } from '../store/fixtures';

/**
 * A decision record as stored: bounded by AUDIT_MAX_RECORD_BYTES (larger records stored truncated, marked,
 * never dropped), and serialised in slices so that writing it never holds the event loop for long. Sizes
 * are counted, never timed.
 */
function bigRecord(orders: number, noteChars: number): DecisionRecord {
  const record = decisionRecord('ca-big', '2026-11-26T15:00:00.000Z');
  const order = (i: number) => ({ resourceType: 'ServiceRequest', id: `sr-${i}`, status: 'draft', intent: 'order', subject: { reference: 'Patient/pat-1' }, note: [{ text: 'n'.repeat(noteChars) }] });
  return {
    ...record,
    format: 2,
    units: [
      {
        id: 'u-1',
        label: 'Lumbar facet joint injection',
        facts: { levels: 2 },
        outcome: 'not-covered',
        orders,
        cardUuid: 'card-1',
        criteria: [{ id: 'levels', section: 'I.A.1.d', status: 'not-met', summary: 'Too many levels', evidence: Array.from({ length: 20 }, (_, i) => ({ text: `level ${i} `.repeat(40), reference: `ServiceRequest/sr-${i}` })) }],
      },
    ],
    orders: Array.from({ length: orders }, (_, i) => ({ orderRef: `ServiceRequest/sr-${i}`, codes: ['64494'], outcome: 'not-covered', unitId: 'u-1', cardUuid: 'card-1' })),
    response: {
      cards: [{ uuid: 'card-1', summary: 'Not covered', indicator: 'warning', source: { label: 'Plan' }, detail: 'd'.repeat(2000) }],
      systemActions: Array.from({ length: orders }, (_, i) => ({ type: 'update' as const, description: `Record coverage information on ServiceRequest/sr-${i}`, resource: order(i) as never })),
    },
  };
}

describe('serializeRecord', () => {
  it('gives exactly JSON.stringify when the record is within the limit', async () => {
    const record = decisionRecord('ca-1', '2026-11-26T15:00:00.000Z');
    const out = await serializeRecord(record, { maxBytes: 1024 * 1024 });
    expect(out.json).toBe(JSON.stringify(record));
    expect(out.truncated).toBeUndefined();
  });

  it('stores a record over the limit truncated and marked, the response outlined first, never dropped', async () => {
    const record = bigRecord(50, 20_000); // each order echoed back with a 20 KB note: ~1 MB of response
    const out = await serializeRecord(record, { maxBytes: 256 * 1024 });
    expect(out.bytes).toBeLessThanOrEqual(256 * 1024);
    const stored = JSON.parse(out.json) as DecisionRecord;
    expect(stored.truncated).toEqual({ limitBytes: 256 * 1024, fullBytes: expect.any(Number), omitted: [expect.stringMatching(/^response: only card uuids/)] });
    expect(stored.truncated!.fullBytes).toBeGreaterThan(1_000_000);
    // Everything an audit needs to find and explain the decision is still there.
    expect(stored.orders).toHaveLength(50);
    expect(stored.units![0]!.criteria[0]!.evidence).toHaveLength(20);
    expect(stored.response!.cards).toEqual([{ uuid: 'card-1', summary: 'Not covered', indicator: 'warning', source: { label: 'Plan' } }]);
    expect(stored.response!.systemActions![7]).toEqual({ type: 'update', description: 'Record coverage information on ServiceRequest/sr-7', resourceId: 'ServiceRequest/sr-7' });
  });

  it('leaves out evidence texts, then criterion detail, when the outline is still too large', async () => {
    const record = bigRecord(50, 10);
    const outlined = await serializeRecord(record, { maxBytes: Buffer.byteLength(JSON.stringify(record)) - 1 });
    const out = await serializeRecord(record, { maxBytes: outlined.bytes - 1 });
    const stored = JSON.parse(out.json) as DecisionRecord;
    expect(out.bytes).toBeLessThan(outlined.bytes);
    expect(stored.truncated!.omitted).toHaveLength(2);
    expect(stored.units![0]!.criteria[0]).toMatchObject({ id: 'levels', status: 'not-met', evidence: [], evidenceOmitted: 20 });
  });

  it('hands the event loop back between slices: no more than a slice, or one order, is serialised at a time', async () => {
    const out = await serializeRecord(bigRecord(50, 20_000), { maxBytes: 64 * 1024 * 1024, sliceBytes: 64 * 1024 });
    expect(out.bytes).toBeGreaterThan(1_000_000);
    const largestPiece = JSON.stringify(bigRecord(50, 20_000).response!.systemActions![0]).length;
    expect(out.largestSliceChars).toBeLessThan(64 * 1024 + largestPiece);
    expect(JSON.parse(out.json)).toEqual(JSON.parse(JSON.stringify(bigRecord(50, 20_000))));
  });
});
