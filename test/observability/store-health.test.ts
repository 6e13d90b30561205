import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';
import { Metrics } from '../../src/observability/metrics';
import { createRuntime, type Runtime } from '../../src/runtime';
import { SqliteStore } from '../../src/store/sqlite-store';
import { SERVICE_PATH, activeCoverage, facetOrder, fullPrefetch, hookRequest, patient } from '../helpers/builders';
import { capturingLogger, testRuntime } from '../helpers/runtime';

/**
 * The store's health, told truthfully (issue 12): start-up refuses, in one line naming the variable, what
 * it could not write; /ready turns 503 after repeated write or spool failures and back to 200 once writes
 * work; feedback that cannot be stored is a 503 with Retry-After, never a 500; a record that can be
 * neither written nor spooled is logged and counted.
 */
const diskFull = () => Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));

describe('start-up refuses storage it cannot write, in one line naming the variable', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-health-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = (dataDir: string, store?: SqliteStore) => createRuntime(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir }), store ? { store } : {});

  it('a DATA_DIR that cannot be created (a regular file stands in its path)', async () => {
    fs.writeFileSync(path.join(dir, 'file'), 'not a folder');
    const dataDir = path.join(dir, 'file', 'data');
    await expect(start(dataDir)).rejects.toThrow(StartupError);
    await expect(start(dataDir)).rejects.toThrow(new RegExp(`^DATA_DIR \\(${dataDir}\\) cannot be used: ENOTDIR`));
  });

  it('a DATA_DIR under /proc (where Node\'s recursive mkdir never returns): refused at once', async () => {
    await expect(start('/proc/facet-cds-data/x')).rejects.toThrow(/^DATA_DIR \(\/proc\/facet-cds-data\/x\) cannot be used: ENOENT/);
  });

  it('an audit spool that cannot be written', async () => {
    fs.mkdirSync(path.join(dir, 'audit-spool.jsonl')); // a folder where the spool file goes
    await expect(start(dir, new SqliteStore(':memory:'))).rejects.toThrow(new RegExp(`^DATA_DIR \\(${dir}\\): the audit spool ${dir}/audit-spool.jsonl cannot be written: EISDIR`));
  });

  it('a SQLite database that can only be read', async () => {
    const store = SqliteStore.inDataDir(dir);
    // What SQLite does with a file it may not write: it opens it read-only, and every write fails.
    (store as unknown as { db: Database.Database }).db.pragma('query_only = ON');
    await expect(start(dir, store)).rejects.toThrow(
      new RegExp(`^DATA_DIR \\(${dir}\\): the SQLite database cannot be written \\(SQLITE_READONLY: attempt to write a readonly database\\)`),
    );
  });
});

describe('while the store or the spool fails', () => {
  let dir: string;
  let backing: SqliteStore;
  let runtime: Runtime;
  let logged: ReturnType<typeof capturingLogger>;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-health-'));
    backing = SqliteStore.inDataDir(dir);
    logged = capturingLogger();
    runtime = await testRuntime({ env: { DATA_DIR: dir }, store: backing, logger: logged.logger, metrics: new Metrics({ defaultMetrics: false }) });
    (runtime.deps.decisionLog as unknown as { retryDelaysMs: number[] }).retryDelaysMs = [1, 1, 1];
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const decide = async () => {
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage()]) }));
    expect(res.status).toBe(200);
    await runtime.deps.decisionLog.flush();
  };
  const metric = async (name: string) => (await runtime.deps.metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));

  it('/ready turns 503 after repeated store write failures, and back to 200 once a write succeeds', async () => {
    expect((await request(runtime.app).get('/ready')).status).toBe(200);
    const save = jest.spyOn(backing, 'saveDecision').mockImplementation(diskFull);
    const probe = jest.spyOn(backing, 'probeWrite').mockImplementation(diskFull);
    await decide(); // written? no: retried, then spooled
    const failing = await request(runtime.app).get('/ready');
    expect(failing.status).toBe(503);
    expect(failing.body.issue[0].diagnostics).toBe('Not ready: writes: store writes failing: 5 in a row (last: database or disk is full)');
    expect(await metric('cds_store_writable')).toEqual(['cds_store_writable 0']);
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="spooled"} 1');

    // The disk has room again: the next readiness check writes, succeeds, and the instance is ready.
    save.mockRestore();
    probe.mockRestore();
    const ready = await request(runtime.app).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ store: 'ok', writes: 'ok', declarations: '1 loaded', accepting: 'yes' });
    expect(await metric('cds_store_writable')).toEqual(['cds_store_writable 1']);
  });

  it('/ready turns 503 when records can be neither written nor spooled; they are kept in memory, said in the log and metrics, and saved once writes work', async () => {
    jest.spyOn(backing, 'saveDecision').mockImplementation(diskFull);
    jest.spyOn(backing, 'probeWrite').mockImplementation(diskFull);
    fs.mkdirSync(path.join(dir, 'audit-spool.jsonl')); // the spool cannot take appends either
    await decide();
    await decide();
    await decide();
    expect(await metric('cds_audit_unsaved_records')).toEqual(['cds_audit_unsaved_records 3']);
    expect(logged.lines.filter((l) => l.includes('decision record could be neither written nor spooled: kept in memory'))).toHaveLength(3);
    const res = await request(runtime.app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.issue[0].diagnostics).toMatch(/^Not ready: writes: store writes failing: \d+ in a row \(last: database or disk is full\); audit spool writes failing: \d+ in a row \(last: EISDIR/);

    jest.restoreAllMocks();
    fs.rmdirSync(path.join(dir, 'audit-spool.jsonl'));
    expect((await request(runtime.app).get('/ready')).status).toBe(200);
    await runtime.deps.decisionLog.replaySpool(); // the maintenance tick
    expect(await metric('cds_audit_unsaved_records')).toEqual(['cds_audit_unsaved_records 0']);
    expect(await runtime.deps.store.listDecisions(new Date(0), new Date('2100-01-01'))).toHaveLength(3);
    expect(await metric('cds_audit_records_total')).toContain('cds_audit_records_total{result="lost"} 0');
  });

  it('answers feedback it cannot store with 503 and Retry-After (the client sends it again), never 500', async () => {
    jest.spyOn(backing, 'saveFeedback').mockImplementation(diskFull);
    const res = await request(runtime.app)
      .post(`${SERVICE_PATH}/feedback`)
      .send({ feedback: [{ card: 'card-uuid-1', outcome: 'accepted', acceptedSuggestions: [{ id: 'suggestion-uuid-1' }], outcomeTimestamp: '2026-11-26T15:01:02Z' }] });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'transient', diagnostics: 'The feedback could not be stored (the store is unavailable); nothing was kept, send it again later' }],
    });
    expect(await metric('cds_store_errors_total')).toEqual(['cds_store_errors_total{operation="saveFeedback"} 1']);
  });
});
