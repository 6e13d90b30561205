import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics';
import type { StoreHealth } from '../observability/store-health';
import { ensureDirSync } from '../store/data-dir';
import type { DecisionRecord, Store } from '../store/types';
import { serializeRecord, type SerializedRecord } from './record-json';

export interface DecisionLogOptions {
  /** Waits between attempts; after the last, the record is spooled. */
  retryDelaysMs?: number[];
  /** Records in flight beyond this go straight to the spool (bounded memory while the store is down). */
  maxPending?: number;
  /** AUDIT_MAX_RECORD_BYTES: larger records are stored truncated (record-json.ts). Default 1 MiB. */
  maxRecordBytes?: number;
  /** Told whether each spool write worked (store writes are told by the instrumented store). */
  health?: StoreHealth;
  /** Records neither written nor spooled are kept in memory, retried, up to this many bytes of JSON (default 32 MiB). */
  maxUnsavedBytes?: number;
  /** The spool's file name in its folder (default audit-spool.jsonl; one per worker under WEB_CONCURRENCY, src/cluster.ts). */
  spoolFileName?: string;
}

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

interface PendingWrite {
  record: DecisionRecord;
  /** The record as JSON once serialised (bounded), reused by retries and the spool. */
  serialized?: SerializedRecord;
  /** Set when shutdown gave up waiting and spooled the record itself. */
  abandoned: boolean;
}

const SPOOL_FILE = 'audit-spool.jsonl';

/**
 * Writes decision records off the response's critical path, and never silently loses one: a failed
 * write is logged, counted and retried, then appended to a local spool file (JSON lines, mode 0600)
 * that is replayed at start-up and periodically (see maintenance.ts). Writes are idempotent on the
 * coverage-assertion-id, so a record replayed twice is stored once.
 */
export class DecisionLog {
  private readonly pending = new Map<Promise<void>, PendingWrite>();
  private readonly spoolFile: string;
  private readonly replayFile: string;
  private readonly retryDelaysMs: number[];
  private readonly maxPending: number;
  private readonly maxRecordBytes: number;
  private readonly health?: StoreHealth;
  private readonly maxUnsavedBytes: number;
  /** Records the store and the spool both refused (a full disk), kept until one takes them. */
  private readonly unsaved: Array<{ record: DecisionRecord; json: string }> = [];
  private unsavedBytes = 0;
  private replaying?: Promise<number>;
  /** Serialises spool appends and the replay's rename, so no append lands in a file already read. */
  private spoolLock: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    spoolDir: string,
    options: DecisionLogOptions = {},
  ) {
    this.spoolFile = path.join(spoolDir, options.spoolFileName ?? SPOOL_FILE);
    this.replayFile = `${this.spoolFile}.replaying`;
    this.retryDelaysMs = options.retryDelaysMs ?? [50, 250, 1000];
    this.maxPending = options.maxPending ?? 5000;
    this.maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.health = options.health;
    this.maxUnsavedBytes = options.maxUnsavedBytes ?? 32 * 1024 * 1024;
  }

  /** Records kept in memory because the store and the spool both refused them. */
  get unsavedCount(): number {
    return this.unsaved.length;
  }

  /**
   * At shutdown, after flush: one last try for the records kept in memory; those still refused are lost,
   * and each is logged (fatal) and counted. Nothing is lost without a line and a count.
   */
  async close(): Promise<void> {
    await this.retryUnsaved();
    for (const { record } of this.unsaved.splice(0)) this.lost(record, new Error('the store and the spool still failed at shutdown'));
    this.unsavedBytes = 0;
    this.metrics.auditUnsaved.set(0);
  }

  /** The spool file (DATA_DIR/audit-spool.jsonl). */
  get spoolPath(): string {
    return this.spoolFile;
  }

  /**
   * Whether records can be spooled: its folder exists and takes a small file (a full disk or a read-only
   * one refuses it), and the spool, if there is one, takes appends. Throws the reason; tells the health.
   */
  async probeSpool(): Promise<void> {
    try {
      await this.withSpoolLock(async () => {
        const dir = path.dirname(this.spoolFile);
        ensureDirSync(dir);
        const probe = path.join(dir, `.write-probe-${process.pid}`);
        await fs.promises.writeFile(probe, 'facet-cds write probe\n'.repeat(32), { mode: 0o600 });
        await fs.promises.unlink(probe);
        if (fs.existsSync(this.spoolFile)) await (await fs.promises.open(this.spoolFile, 'a')).close();
      });
      this.health?.succeeded('spool');
    } catch (error) {
      this.health?.failed('spool', error);
      throw error;
    }
  }

  /** Hands a record over; returns at once (the write happens after the response is on its way). */
  record(record: DecisionRecord): void {
    const entry: PendingWrite = { record, abandoned: false };
    const write = (this.pending.size >= this.maxPending ? this.spool(entry, 'too many writes pending') : this.writeWithRetry(entry)).finally(() => {
      this.pending.delete(write);
      this.metrics.auditPending.set(this.pending.size);
    });
    this.pending.set(write, entry);
    this.metrics.auditPending.set(this.pending.size);
  }

  /** Records handed over and not yet written or spooled. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Waits for writes in flight (graceful shutdown, tests). With a deadline, records still retrying
   * when it passes are spooled now, so a stopping process loses none of them.
   */
  async flush(deadlineMs?: number): Promise<void> {
    if (deadlineMs === undefined) {
      while (this.pending.size > 0) await Promise.all([...this.pending.keys()]);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), deadlineMs)));
    const settled = (async () => {
      while (this.pending.size > 0) await Promise.all([...this.pending.keys()]);
      return 'settled' as const;
    })();
    const result = await Promise.race([settled, expired]);
    clearTimeout(timer);
    if (result === 'expired') {
      for (const entry of this.pending.values()) {
        if (entry.abandoned) continue;
        entry.abandoned = true;
        await this.spool(entry, 'shutdown deadline passed');
      }
    }
  }

  /**
   * Re-writes spooled records (left by this or an earlier run). Stops at the first failure and keeps
   * the rest for next time, so a store that is still down costs one attempt, not one per record.
   * Returns how many were written.
   */
  replaySpool(): Promise<number> {
    this.replaying ??= this.retryUnsaved()
      .then(() => this.replayAll())
      .finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  /** Records kept in memory go to the store, else the spool; they stay kept while both refuse them. */
  private async retryUnsaved(): Promise<void> {
    while (this.unsaved.length > 0) {
      const { record, json } = this.unsaved[0]!;
      try {
        await this.store.saveDecision(record, json);
        this.metrics.auditRecords.inc({ result: 'written' });
      } catch {
        try {
          await this.appendToSpool(json);
        } catch {
          return; // still refused: kept, tried again next time
        }
        this.metrics.auditSpooled.inc();
        this.metrics.auditRecords.inc({ result: 'spooled' });
      }
      this.unsaved.shift();
      this.unsavedBytes -= json.length;
      this.metrics.auditUnsaved.set(this.unsaved.length);
      this.logger.info({ coverageAssertionId: record.coverageAssertionId }, 'decision record kept in memory is now saved');
    }
  }

  private async replayAll(): Promise<number> {
    let written = 0;
    // A file left mid-replay by a crash comes first; then whatever was spooled since.
    if (fs.existsSync(this.replayFile)) written += await this.replayOneFile();
    const moved = await this.withSpoolLock(async () => {
      if (!fs.existsSync(this.spoolFile) || fs.existsSync(this.replayFile)) return false;
      await fs.promises.rename(this.spoolFile, this.replayFile);
      return true;
    });
    if (moved) written += await this.replayOneFile();
    if (written > 0) this.logger.info({ replayed: written }, 'spooled decision records written to the store');
    return written;
  }

  private async replayOneFile(): Promise<number> {
    const lines = (await fs.promises.readFile(this.replayFile, 'utf8')).split('\n').filter((l) => l.trim());
    let written = 0;
    for (const [i, line] of lines.entries()) {
      const record = parseSpooled(line);
      if (!record) {
        this.logger.error('audit spool line is not a decision record; kept aside in audit-spool.jsonl.corrupt');
        await fs.promises.appendFile(`${this.spoolFile}.corrupt`, `${line}\n`, { mode: 0o600 });
        continue;
      }
      try {
        await this.store.saveDecision(record, line);
        written++;
        this.metrics.auditRecords.inc({ result: 'replayed' });
      } catch (error) {
        this.logger.warn({ err: { message: (error as Error).message }, remaining: lines.length - i }, 'audit spool replay stopped: the store still fails');
        await this.withSpoolLock(() => fs.promises.appendFile(this.spoolFile, `${lines.slice(i).join('\n')}\n`, { mode: 0o600 }));
        break;
      }
    }
    await fs.promises.unlink(this.replayFile);
    return written;
  }

  /** The record as it is stored: serialised once, in slices, truncated (and marked so) past the size limit. */
  private async serialized(entry: PendingWrite): Promise<SerializedRecord> {
    if (entry.serialized) return entry.serialized;
    const serialized = await serializeRecord(entry.record, { maxBytes: this.maxRecordBytes });
    if (serialized.truncated) {
      this.metrics.auditTruncated.inc();
      this.logger.warn(
        { coverageAssertionId: entry.record.coverageAssertionId, fullBytes: serialized.truncated.fullBytes, storedBytes: serialized.bytes, limitBytes: this.maxRecordBytes },
        'decision record larger than AUDIT_MAX_RECORD_BYTES: stored truncated',
      );
    }
    return (entry.serialized = serialized);
  }

  private async writeWithRetry(entry: PendingWrite): Promise<void> {
    const { record } = entry;
    await new Promise((resolve) => setImmediate(resolve)); // after the response is on its way
    const { json } = await this.serialized(entry);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.saveDecision(record, json);
        this.metrics.auditRecords.inc({ result: 'written' });
        return;
      } catch (error) {
        this.logger.warn({ attempt: attempt + 1, coverageAssertionId: record.coverageAssertionId, err: { message: (error as Error).message } }, 'decision record write failed');
        if (attempt >= this.retryDelaysMs.length || entry.abandoned) break;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelaysMs[attempt]));
      }
    }
    if (!entry.abandoned) await this.spool(entry, 'the store failed');
  }

  private async spool(entry: PendingWrite, why: string): Promise<void> {
    const { record } = entry;
    let json: string;
    try {
      json = (await this.serialized(entry)).json;
    } catch (error) {
      this.lost(record, error);
      return;
    }
    try {
      await this.appendToSpool(json);
      this.metrics.auditSpooled.inc();
      this.metrics.auditRecords.inc({ result: 'spooled' });
      this.logger.error({ coverageAssertionId: record.coverageAssertionId, why }, 'decision record spooled to disk');
    } catch (error) {
      // A full or read-only disk: the record is kept in memory (bounded) and retried with the spool.
      if (this.unsavedBytes + json.length > this.maxUnsavedBytes) {
        this.lost(record, error);
        return;
      }
      this.unsaved.push({ record, json });
      this.unsavedBytes += json.length;
      this.metrics.auditUnsaved.set(this.unsaved.length);
      this.logger.error(
        { coverageAssertionId: record.coverageAssertionId, keptInMemory: this.unsaved.length, err: { message: (error as Error).message } },
        'decision record could be neither written nor spooled: kept in memory and retried every minute (lost if the process stops first)',
      );
    }
  }

  private async appendToSpool(json: string): Promise<void> {
    try {
      await this.withSpoolLock(async () => {
        ensureDirSync(path.dirname(this.spoolFile)); // DATA_DIR, should it have been removed while running
        await fs.promises.appendFile(this.spoolFile, `${json}\n`, { mode: 0o600 });
      });
      this.health?.succeeded('spool');
    } catch (error) {
      this.health?.failed('spool', error);
      this.metrics.storeErrors.inc({ operation: 'spool' });
      throw error;
    }
  }

  private lost(record: DecisionRecord, error: unknown): void {
    this.metrics.auditRecords.inc({ result: 'lost' });
    this.logger.fatal({ coverageAssertionId: record.coverageAssertionId, err: { message: (error as Error)?.message } }, 'decision record LOST: store and spool both failed');
  }

  private withSpoolLock<T>(work: () => Promise<T>): Promise<T> {
    const run = this.spoolLock.then(work);
    this.spoolLock = run.catch(() => undefined);
    return run;
  }
}

/** A spool line back to a record, or undefined when it is not one (torn write, hand edit). */
function parseSpooled(line: string): DecisionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = value as Partial<DecisionRecord> | null;
  const valid =
    !!r &&
    typeof r === 'object' &&
    typeof r.coverageAssertionId === 'string' &&
    typeof r.hookInstance === 'string' &&
    typeof r.serviceId === 'string' &&
    typeof r.decidedAt === 'string' &&
    !Number.isNaN(Date.parse(r.decidedAt)) &&
    Array.isArray(r.orders);
  return valid ? (r as DecisionRecord) : undefined;
}
