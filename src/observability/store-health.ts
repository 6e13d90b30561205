import type { Metrics } from './metrics';

export type WriteTarget = 'store' | 'spool';

/**
 * Whether this instance can write what it must keep: decision records and feedback to the store, and
 * records to its spool on disk when the store fails. Every write's outcome is reported here; after
 * `threshold` failures in a row of either, the instance says so (/ready turns 503, cds_store_writable 0),
 * and it says it is well again when a write succeeds (/ready probes with a write while failing, so an
 * instance taken out of rotation finds out without traffic).
 */
export class StoreHealth {
  private readonly failures: Record<WriteTarget, { count: number; last?: string }> = { store: { count: 0 }, spool: { count: 0 } };

  constructor(
    private readonly metrics?: Metrics,
    readonly threshold = 3,
  ) {
    this.publish();
  }

  succeeded(target: WriteTarget): void {
    if (this.failures[target].count === 0) return;
    this.failures[target] = { count: 0 };
    this.publish();
  }

  failed(target: WriteTarget, error: unknown): void {
    const f = this.failures[target];
    f.count++;
    f.last = (error as Error)?.message ?? String(error);
    this.publish();
  }

  /** True once either target has failed `threshold` times in a row. */
  get failing(): boolean {
    return this.problems().length > 0;
  }

  /** One line per failing target, for /ready. */
  problems(): string[] {
    return (Object.entries(this.failures) as Array<[WriteTarget, { count: number; last?: string }]>)
      .filter(([, f]) => f.count >= this.threshold)
      .map(([target, f]) => `${target === 'store' ? 'store writes' : 'audit spool writes'} failing: ${f.count} in a row (last: ${f.last})`);
  }

  private publish(): void {
    this.metrics?.storeWritable.set(this.failing ? 0 : 1);
  }
}
