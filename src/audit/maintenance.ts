import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/types';
import type { DecisionLog } from './decision-log';

export interface MaintenanceOptions {
  store: Store;
  decisionLog: DecisionLog;
  logger: Logger;
  metrics: Metrics;
  /** AUDIT_RETENTION_DAYS */
  retentionDays: number;
  /** AUDIT_PURGE_INTERVAL_MINUTES */
  purgeIntervalMinutes: number;
  clock?: () => Date;
  /** How often the spool is retried (default one minute). */
  tickMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Background upkeep of one instance: retries the audit spool every tick and purges what the
 * retention period no longer allows (decisions, feedback, expired JWT ids) every purge interval.
 * Safe with many replicas: purging is an idempotent delete, and each replica replays its own spool.
 */
export class Maintenance {
  private timer?: NodeJS.Timeout;
  private lastPurge = 0;
  private running?: Promise<void>;
  private readonly clock: () => Date;

  constructor(private readonly options: MaintenanceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    const tick = () => void this.runOnce();
    this.timer = setInterval(tick, this.options.tickMs ?? 60_000);
    this.timer.unref();
    setImmediate(tick);
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: spool replay always, purge when its interval has passed. Never throws (logged and counted instead). */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Deletes what is older than the retention period; returns how many decisions and feedback entries went. */
  async purge(): Promise<number> {
    const now = this.clock();
    const before = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const removed = await this.options.store.purge(before, now);
    this.options.metrics.auditPurged.inc(removed);
    this.options.logger.info({ removed, before: before.toISOString() }, 'retention purge done');
    return removed;
  }

  private async pass(): Promise<void> {
    const { decisionLog, logger } = this.options;
    try {
      await decisionLog.replaySpool();
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, 'audit spool replay failed');
    }
    const now = this.clock().getTime();
    if (now - this.lastPurge < this.options.purgeIntervalMinutes * 60_000) return;
    try {
      await this.purge();
      this.lastPurge = now;
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, 'retention purge failed; retried next tick');
    }
  }
}
