import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DecisionLog } from '../../src/audit/decision-log';
import { instrumentStore } from '../../src/observability/instrumented-store';
import { Metrics } from '../../src/observability/metrics';
import { SqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/types';
import { capturingLogger } from '../helpers/runtime';
import { decisionRecord } from '../store/fixtures';

const FAST = { retryDelaysMs: [1, 1, 1] };
const down = () => Promise.reject(new Error('connection refused'));
const never = () => new Promise<void>(() => undefined);

describe('DecisionLog: off the critical path, never silently lost', () => {
  let dir: string;
  let backing: SqliteStore;
  let store: Store;
  let metrics: Metrics;
  let logged: ReturnType<typeof capturingLogger>;
  let log: DecisionLog;

  const spool = () => path.join(dir, 'audit-spool.jsonl');
  const spooledIds = () =>
    fs.existsSync(spool())
      ? fs.readFileSync(spool(), 'utf8').trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { coverageAssertionId: string }).coverageAssertionId)
      : [];
  const metric = async (name: string) => (await metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-audit-'));
    backing = new SqliteStore(':memory:');
    metrics = new Metrics({ defaultMetrics: false });
    store = instrumentStore(backing, metrics);
    logged = capturingLogger();
    log = new DecisionLog(store, logged.logger, metrics, dir, FAST);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await backing.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('returns before the write happens, then writes the record', async () => {
    log.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    expect(log.pendingCount).toBe(1);
    expect(await backing.getDecision('ca-1')).toBeUndefined(); // not written synchronously
    await log.flush();
    expect(await backing.getDecision('ca-1')).toBeDefined();
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="written"} 1');
  });

  it('stores a record larger than AUDIT_MAX_RECORD_BYTES truncated, marked, counted and logged; the spool gets the same bounded JSON', async () => {
    log = new DecisionLog(store, logged.logger, metrics, dir, { ...FAST, maxRecordBytes: 64 * 1024 });
    const huge = (id: string) => decisionRecord(id, '2026-11-26T15:00:00.000Z', { response: { cards: [{ uuid: 'c', summary: 's', indicator: 'info', source: { label: 'Plan' }, detail: 'x'.repeat(200_000) }] } });
    log.record(huge('ca-1'));
    await log.flush();
    const stored = await backing.getDecision('ca-1');
    expect(stored!.truncated).toMatchObject({ limitBytes: 64 * 1024, omitted: [expect.stringMatching(/^response/)] });
    expect(stored!.response!.cards[0]!.detail).toBeUndefined();
    expect(await metric('cds_audit_truncated_total')).toEqual(['cds_audit_truncated_total 1']);
    expect(logged.lines.some((l) => l.includes('decision record larger than AUDIT_MAX_RECORD_BYTES: stored truncated'))).toBe(true);

    jest.spyOn(backing, 'saveDecision').mockImplementation(down);
    log.record(huge('ca-2'));
    await log.flush();
    const line = fs.readFileSync(spool(), 'utf8').trim();
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.parse(line).truncated.limitBytes).toBe(64 * 1024);
  });

  it('retries a failed write, logs and counts each failure, and succeeds without spooling', async () => {
    jest.spyOn(backing, 'saveDecision').mockImplementationOnce(down).mockImplementationOnce(down);
    log.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    await log.flush();
    expect(await backing.getDecision('ca-1')).toBeDefined();
    expect(spooledIds()).toEqual([]);
    expect(await metric('cds_store_errors_total')).toEqual(['cds_store_errors_total{operation="saveDecision"} 2']);
    expect(logged.lines.filter((l) => l.includes('decision record write failed'))).toHaveLength(2);
  });

  it('creates a missing DATA_DIR 0700 for the spool', async () => {
    const umask = process.umask(0o022);
    try {
      const dataDir = path.join(dir, 'not-yet');
      const nested = new DecisionLog(store, logged.logger, metrics, dataDir, FAST);
      jest.spyOn(backing, 'saveDecision').mockImplementation(down);
      nested.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      await nested.flush();
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(path.join(dataDir, 'audit-spool.jsonl')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(umask);
    }
  });

  it('spools to DATA_DIR (mode 0600) when every attempt fails, and replays the spool once the store is back', async () => {
    const save = jest.spyOn(backing, 'saveDecision').mockImplementation(down);
    log.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    log.record(decisionRecord('ca-2', '2026-11-26T15:00:01.000Z'));
    await log.flush();
    expect(spooledIds().sort()).toEqual(['ca-1', 'ca-2']);
    expect(fs.statSync(spool()).mode & 0o777).toBe(0o600);
    expect(await metric('cds_audit_spooled_total')).toEqual(['cds_audit_spooled_total 2']);
    expect(await metric('cds_store_errors_total')).toEqual(['cds_store_errors_total{operation="saveDecision"} 8']);
    expect(logged.lines.filter((l) => l.includes('decision record spooled to disk'))).toHaveLength(2);

    save.mockRestore();
    const restarted = new DecisionLog(store, logged.logger, metrics, dir, FAST); // as at the next start-up
    expect(await restarted.replaySpool()).toBe(2);
    expect(await backing.getDecision('ca-1')).toBeDefined();
    expect(await backing.getDecision('ca-2')).toBeDefined();
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="replayed"} 2');
  });

  it('stops replaying at the first failure and keeps that record and the rest for next time', async () => {
    const records = ['ca-1', 'ca-2', 'ca-3'].map((id) => decisionRecord(id, '2026-11-26T15:00:00.000Z'));
    fs.writeFileSync(spool(), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const save = jest.spyOn(backing, 'saveDecision');
    save.mockImplementationOnce((r) => SqliteStore.prototype.saveDecision.call(backing, r)).mockImplementation(down);
    expect(await log.replaySpool()).toBe(1);
    expect(save).toHaveBeenCalledTimes(2); // a store still down costs one attempt, not one per record
    expect(spooledIds()).toEqual(['ca-2', 'ca-3']);
    save.mockRestore();
    expect(await log.replaySpool()).toBe(2);
    expect(spooledIds()).toEqual([]);
  });

  it('replays a file left mid-replay by a crash, and sets lines that are not records aside', async () => {
    fs.writeFileSync(`${spool()}.replaying`, `${JSON.stringify(decisionRecord('ca-crash', '2026-11-26T15:00:00.000Z'))}\n{"torn": \n{"coverageAssertionId": 3}\n`);
    fs.writeFileSync(spool(), `${JSON.stringify(decisionRecord('ca-later', '2026-11-26T15:00:00.000Z'))}\n`);
    expect(await log.replaySpool()).toBe(2);
    expect(await backing.getDecision('ca-crash')).toBeDefined();
    expect(await backing.getDecision('ca-later')).toBeDefined();
    expect(fs.readFileSync(`${spool()}.corrupt`, 'utf8')).toBe('{"torn": \n{"coverageAssertionId": 3}\n');
    expect(fs.readdirSync(dir)).toEqual(['audit-spool.jsonl.corrupt']);
  });

  it('at shutdown, spools what a hanging store has not taken by the deadline', async () => {
    jest.spyOn(backing, 'saveDecision').mockImplementation(never);
    log.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    log.record(decisionRecord('ca-2', '2026-11-26T15:00:00.000Z'));
    await log.flush(20);
    expect(spooledIds().sort()).toEqual(['ca-1', 'ca-2']);
  });

  it('spools at once instead of queueing without bound while the store is stuck', async () => {
    const bounded = new DecisionLog(store, logged.logger, metrics, dir, { ...FAST, maxPending: 1 });
    jest.spyOn(backing, 'saveDecision').mockImplementation(never);
    bounded.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    bounded.record(decisionRecord('ca-2', '2026-11-26T15:00:00.000Z'));
    await bounded.flush(20);
    expect(spooledIds()).toEqual(['ca-2', 'ca-1']);
    expect(logged.lines.some((l) => l.includes('too many writes pending'))).toBe(true);
  });

  it('keeps a record the store and the spool both refuse in memory, and saves it once either takes it', async () => {
    const blocked = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocked, '');
    const broken = new DecisionLog(store, logged.logger, metrics, blocked, FAST);
    const save = jest.spyOn(backing, 'saveDecision').mockImplementation(down);
    broken.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    await broken.flush();
    expect(broken.unsavedCount).toBe(1);
    expect(await metric('cds_audit_unsaved_records')).toEqual(['cds_audit_unsaved_records 1']);
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="lost"} 0');
    expect(logged.lines.some((l) => l.includes('could be neither written nor spooled: kept in memory'))).toBe(true);
    await broken.replaySpool(); // the maintenance tick: still refused, still kept
    expect(broken.unsavedCount).toBe(1);
    save.mockRestore();
    await broken.replaySpool();
    expect(broken.unsavedCount).toBe(0);
    expect(await backing.getDecision('ca-1')).toBeDefined();
    expect(await metric('cds_audit_unsaved_records')).toEqual(['cds_audit_unsaved_records 0']);
  });

  it('counts and logs a record as lost when the store and the spool still refuse it at shutdown, or memory for them runs out', async () => {
    const blocked = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocked, '');
    const oneRecord = JSON.stringify(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z')).length;
    const broken = new DecisionLog(store, logged.logger, metrics, blocked, { ...FAST, maxUnsavedBytes: oneRecord + 10 });
    jest.spyOn(backing, 'saveDecision').mockImplementation(down);
    broken.record(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
    broken.record(decisionRecord('ca-2', '2026-11-26T15:00:00.000Z')); // past what memory may keep
    await broken.flush();
    expect(broken.unsavedCount).toBe(1);
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="lost"} 1');
    await broken.close();
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="lost"} 2');
    const fatal = logged.lines.map((l) => JSON.parse(l) as { level: number; msg: string; coverageAssertionId?: string }).filter((l) => l.level === 60);
    expect(fatal.map((l) => [l.msg, l.coverageAssertionId]).sort()).toEqual([
      ['decision record LOST: store and spool both failed', 'ca-1'],
      ['decision record LOST: store and spool both failed', 'ca-2'],
    ]);
  });
});
