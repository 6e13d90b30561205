import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DecisionLog } from '../../src/audit/decision-log';
import { Maintenance } from '../../src/audit/maintenance';
import { Metrics } from '../../src/observability/metrics';
import { SqliteStore } from '../../src/store/sqlite-store';
import { capturingLogger } from '../helpers/runtime';
import { decisionRecord } from '../store/fixtures';

describe('Maintenance: retention purge (AUDIT_RETENTION_DAYS) and spool retries', () => {
  let dir: string;
  let store: SqliteStore;
  let metrics: Metrics;
  let now: Date;
  let logged: ReturnType<typeof capturingLogger>;
  let maintenance: Maintenance;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-maint-'));
    store = new SqliteStore(':memory:');
    metrics = new Metrics({ defaultMetrics: false });
    logged = capturingLogger();
    now = new Date('2026-11-26T12:00:00Z');
    const decisionLog = new DecisionLog(store, logged.logger, metrics, dir);
    maintenance = new Maintenance({ store, decisionLog, logger: logged.logger, metrics, retentionDays: 30, purgeIntervalMinutes: 60, clock: () => now });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await maintenance.stop();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('purges records older than the retention period and counts them', async () => {
    await store.saveDecision(decisionRecord('ca-31-days', '2026-10-26T11:59:59.000Z'));
    await store.saveDecision(decisionRecord('ca-29-days', '2026-10-28T12:00:00.000Z'));
    await maintenance.runOnce();
    expect(await store.getDecision('ca-31-days')).toBeUndefined();
    expect(await store.getDecision('ca-29-days')).toBeDefined();
    expect(await metrics.registry.getSingleMetricAsString('cds_audit_purged_total')).toMatch(/cds_audit_purged_total 1$/m);
  });

  it('purges once per interval, but retries the spool on every pass', async () => {
    const purge = jest.spyOn(store, 'purge');
    await maintenance.runOnce();
    fs.writeFileSync(path.join(dir, 'audit-spool.jsonl'), `${JSON.stringify(decisionRecord('ca-spooled', '2026-11-26T11:00:00.000Z'))}\n`);
    now = new Date(now.getTime() + 59 * 60_000);
    await maintenance.runOnce();
    expect(purge).toHaveBeenCalledTimes(1);
    expect(await store.getDecision('ca-spooled')).toBeDefined();
    now = new Date(now.getTime() + 60_000);
    await maintenance.runOnce();
    expect(purge).toHaveBeenCalledTimes(2);
  });

  it('logs a failing purge without throwing, and tries again on the next pass', async () => {
    const purge = jest.spyOn(store, 'purge').mockRejectedValueOnce(new Error('database is locked'));
    await expect(maintenance.runOnce()).resolves.toBeUndefined();
    expect(logged.lines.some((l) => l.includes('retention purge failed'))).toBe(true);
    await maintenance.runOnce();
    expect(purge).toHaveBeenCalledTimes(2);
  });
});
