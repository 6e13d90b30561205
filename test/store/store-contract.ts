import type { Store } from '../../src/store/types';
import { accepted, decisionRecord, overridden } from './fixtures';

/** How the contract reaches one backend: every store opened shares one database (like replicas do). */
export interface StoreHarness {
  /** A new store (own connection) on the shared database. */
  open(): Promise<Store>;
  /** Empties the shared database between tests. */
  reset(): Promise<void>;
}

const SERVICE = 'facet-joint-interventions';
const NOW = new Date('2026-11-26T15:00:00Z');

/**
 * The behaviour every Store backend must have. Run once per backend (sqlite-store.test.ts,
 * postgres-store.test.ts), so SQLite and PostgreSQL are held to exactly the same suite.
 */
export function storeContract(harness: () => StoreHarness): void {
  let store: Store;
  const opened: Store[] = [];
  const open = async () => {
    const s = await harness().open();
    opened.push(s);
    return s;
  };

  beforeEach(async () => {
    await harness().reset();
    store = await open();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  describe('decision records', () => {
    it('reads a record back by its coverage-assertion-id, exactly as written', async () => {
      const record = decisionRecord('ca-1', '2026-11-26T15:00:00.000Z');
      await store.saveDecision(record);
      expect(await store.getDecision('ca-1')).toEqual(record);
      expect(await store.getDecision('ca-unknown')).toBeUndefined();
    });

    it('stores the JSON it is given (the bounded serialisation), and reads it back as written', async () => {
      const record = decisionRecord('ca-json', '2026-11-26T15:00:00.000Z');
      await store.saveDecision(record, JSON.stringify({ ...record, truncated: { limitBytes: 1, fullBytes: 2, omitted: ['x'] } }));
      expect(await store.getDecision('ca-json')).toEqual({ ...record, truncated: { limitBytes: 1, fullBytes: 2, omitted: ['x'] } });
    });

    it('reads back a record larger than the limit without its orders, units, data and response, marked truncated (bounded reads)', async () => {
      // As a record written before AUDIT_MAX_RECORD_BYTES existed could be: 2,000 orders' worth of criteria.
      const big = decisionRecord('ca-big', '2026-11-26T15:00:00.000Z');
      big.orders = Array.from({ length: 2000 }, (_, i) => ({ ...big.orders[0]!, orderRef: `ServiceRequest/sr-${i}` }));
      await store.saveDecision(big);
      const read = await store.getDecision('ca-big', 64 * 1024);
      expect(read).toMatchObject({ coverageAssertionId: 'ca-big', clientIss: 'https://ehr.example.org', tenant: 'tenant-a', orders: [] });
      expect(read!.response).toBeUndefined();
      expect(read!.data).toBeUndefined();
      expect(read!.truncated).toEqual({ limitBytes: 64 * 1024, fullBytes: expect.any(Number), omitted: [expect.stringMatching(/^read back: the stored record \(\d+ bytes\) is larger than AUDIT_MAX_RECORD_BYTES \(65536\)/)] });
      expect(read!.truncated!.fullBytes).toBeGreaterThan(1_000_000);
      expect(Buffer.byteLength(JSON.stringify(read))).toBeLessThan(64 * 1024);
      expect(await store.getDecision('ca-big')).toEqual(big);
    });

    it('keeps the first record when the same id is written again (spool replays are harmless)', async () => {
      await store.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z', { responseTimeMs: 1 }));
      await store.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z', { responseTimeMs: 999 }));
      expect((await store.getDecision('ca-1'))?.responseTimeMs).toBe(1);
      expect(await store.listDecisions(new Date('2026-01-01'), new Date('2027-01-01'))).toHaveLength(1);
    });

    it('is visible to another store instance on the same database (another replica)', async () => {
      const other = await open();
      await store.saveDecision(decisionRecord('ca-shared', '2026-11-26T15:00:00.000Z'));
      expect((await other.getDecision('ca-shared'))?.hookInstance).toBe('hook-ca-shared');
    });

    it('lists decisions in [from, to), oldest first', async () => {
      await store.saveDecision(decisionRecord('ca-3', '2026-11-03T00:00:00.000Z'));
      await store.saveDecision(decisionRecord('ca-1', '2026-11-01T00:00:00.000Z'));
      await store.saveDecision(decisionRecord('ca-2', '2026-11-02T12:00:00.000Z'));
      await store.saveDecision(decisionRecord('ca-0', '2026-10-31T23:59:59.999Z'));
      const listed = await store.listDecisions(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-03T00:00:00Z'));
      expect(listed.map((r) => r.coverageAssertionId)).toEqual(['ca-1', 'ca-2']);
    });

    it('pages through decisions with a cursor, ties on decidedAt included, none twice or missed', async () => {
      const ids = Array.from({ length: 7 }, (_, i) => `ca-${i}`);
      for (const [i, id] of ids.entries()) await store.saveDecision(decisionRecord(id, i < 4 ? '2026-11-01T10:00:00.000Z' : '2026-11-01T11:00:00.000Z'));
      const seen: string[] = [];
      let page = await store.listDecisions(new Date('2026-11-01'), new Date('2026-11-02'), { limit: 3 });
      while (page.length > 0) {
        seen.push(...page.map((r) => r.coverageAssertionId));
        const last = page[page.length - 1]!;
        page = await store.listDecisions(new Date('2026-11-01'), new Date('2026-11-02'), {
          limit: 3,
          after: { decidedAt: last.decidedAt, coverageAssertionId: last.coverageAssertionId },
        });
      }
      expect(seen).toEqual(ids);
    });
  });

  describe('feedback', () => {
    it('stores feedback and recognises repeats, within a batch and across calls', async () => {
      const items = [accepted('card-1', 'sugg-1'), overridden('card-2', 'clinical-exception', undefined, 'seen by spine surgeon')];
      expect(await store.saveFeedback(SERVICE, [...items, items[0]!], NOW)).toEqual({ stored: 2, duplicates: 1 });
      expect(await store.saveFeedback(SERVICE, items, new Date(NOW.getTime() + 1000))).toEqual({ stored: 0, duplicates: 2 });
      expect(await store.listFeedback(new Date('2026-11-26'), new Date('2026-11-27'))).toEqual([
        { serviceId: SERVICE, receivedAt: NOW.toISOString(), ...items[0] },
        { serviceId: SERVICE, receivedAt: NOW.toISOString(), ...items[1] },
      ]);
    });

    it('dedupes feedback sent to two replicas at once', async () => {
      const other = await open();
      const item = overridden('card-1', 'patient-informed');
      const results = await Promise.all([store.saveFeedback(SERVICE, [item], NOW), other.saveFeedback(SERVICE, [item], NOW)]);
      expect(results.map((r) => r.stored).sort()).toEqual([0, 1]);
    });

    it('finds the feedback about given cards (the report joins it to decisions this way)', async () => {
      await store.saveFeedback(SERVICE, [accepted('card-1', 'sugg-1'), overridden('card-2', 'record-incorrect'), overridden('card-3', 'clinical-exception')], NOW);
      const found = await store.feedbackForCards(['card-1', 'card-3', 'card-none']);
      expect(found.map((f) => f.card).sort()).toEqual(['card-1', 'card-3']);
      expect(await store.feedbackForCards([])).toEqual([]);
      const many = Array.from({ length: 1200 }, (_, i) => `card-x${i}`).concat('card-2');
      expect((await store.feedbackForCards(many)).map((f) => f.card)).toEqual(['card-2']);
    });
  });

  describe('JWT jti replay cache', () => {
    it('accepts a jti once per issuer and refuses it after', async () => {
      const expires = new Date(NOW.getTime() + 5 * 60_000);
      expect(await store.claimJti('https://ehr-a', 'jti-1', expires)).toBe(true);
      expect(await store.claimJti('https://ehr-a', 'jti-1', expires)).toBe(false);
      expect(await store.claimJti('https://ehr-b', 'jti-1', expires)).toBe(true);
    });

    it('lets exactly one of many simultaneous claims through, across store instances', async () => {
      const others = [store, await open(), await open()];
      const expires = new Date(NOW.getTime() + 5 * 60_000);
      const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => others[i % 3]!.claimJti('https://ehr-a', 'jti-race', expires)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('retention purge', () => {
    it('removes decisions and feedback older than the cut-off and expired jtis, keeps the rest', async () => {
      await store.saveDecision(decisionRecord('ca-old', '2019-01-01T00:00:00.000Z'));
      await store.saveDecision(decisionRecord('ca-new', '2026-11-20T00:00:00.000Z'));
      await store.saveFeedback(SERVICE, [accepted('card-old', 's')], new Date('2019-01-02T00:00:00Z'));
      await store.saveFeedback(SERVICE, [accepted('card-new', 's')], new Date('2026-11-21T00:00:00Z'));
      await store.claimJti('iss', 'expired', new Date('2026-11-26T14:00:00Z'));
      await store.claimJti('iss', 'live', new Date('2026-11-26T16:00:00Z'));

      expect(await store.purge(new Date('2020-01-01T00:00:00Z'), NOW)).toBe(2);
      expect(await store.getDecision('ca-old')).toBeUndefined();
      expect(await store.getDecision('ca-new')).toBeDefined();
      expect((await store.feedbackForCards(['card-old', 'card-new'])).map((f) => f.card)).toEqual(['card-new']);
      expect(await store.claimJti('iss', 'expired', new Date('2026-11-26T16:00:00Z'))).toBe(true);
      expect(await store.claimJti('iss', 'live', new Date('2026-11-26T16:00:00Z'))).toBe(false);
    });
  });

  describe('health', () => {
    it('answers ping while open and fails once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      const other = await open();
      await other.close();
      await expect(other.ping()).rejects.toThrow();
    });
  });
}
