import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics';
import type { DecisionRecord, Store } from '../store/types';

const RETRY_DELAYS_MS = [50, 250, 1000];

/**
 * Writes decision records off the response's critical path, and never silently loses one: a failed
 * write is retried, then appended to a local spool file (JSON lines) that is replayed on start-up.
 */
export class DecisionLog {
  private readonly pending = new Set<Promise<void>>();
  private readonly spoolFile: string;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    spoolDir: string,
  ) {
    this.spoolFile = path.join(spoolDir, 'audit-spool.jsonl');
  }

  record(record: DecisionRecord): void {
    const write = this.writeWithRetry(record).finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for writes in flight (graceful shutdown, tests). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Re-writes records spooled by an earlier run; keeps those that still fail. Returns how many were written. */
  async replaySpool(): Promise<number> {
    if (!fs.existsSync(this.spoolFile)) return 0;
    const processing = `${this.spoolFile}.${process.pid}.replay`;
    await fs.promises.rename(this.spoolFile, processing);
    const lines = (await fs.promises.readFile(processing, 'utf8')).split('\n').filter((l) => l.trim());
    let written = 0;
    for (const line of lines) {
      let record: DecisionRecord;
      try {
        record = JSON.parse(line) as DecisionRecord;
      } catch {
        this.logger.error('audit spool line is not JSON; kept aside');
        await fs.promises.appendFile(`${this.spoolFile}.corrupt`, `${line}\n`);
        continue;
      }
      try {
        await this.store.saveDecision(record);
        written++;
      } catch {
        await this.spool(record);
      }
    }
    await fs.promises.unlink(processing);
    return written;
  }

  private async writeWithRetry(record: DecisionRecord): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve)); // after the response is on its way
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.saveDecision(record);
        return;
      } catch (error) {
        this.metrics.storeErrors.inc({ operation: 'saveDecision' });
        this.logger.warn({ attempt: attempt + 1, coverageAssertionId: record.coverageAssertionId, err: { message: (error as Error).message } }, 'decision record write failed');
        if (attempt >= RETRY_DELAYS_MS.length) break;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
    await this.spool(record);
  }

  private async spool(record: DecisionRecord): Promise<void> {
    try {
      await fs.promises.mkdir(path.dirname(this.spoolFile), { recursive: true });
      await fs.promises.appendFile(this.spoolFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
      this.metrics.auditSpooled.inc();
      this.logger.error({ coverageAssertionId: record.coverageAssertionId }, 'decision record spooled to disk after the store failed');
    } catch (error) {
      this.metrics.storeErrors.inc({ operation: 'spool' });
      this.logger.fatal({ coverageAssertionId: record.coverageAssertionId, err: { message: (error as Error).message } }, 'decision record LOST: store and spool both failed');
    }
  }
}
