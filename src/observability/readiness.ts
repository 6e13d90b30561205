import type { Store } from '../store/types';
import type { StoreHealth } from './store-health';

export interface ReadinessReport {
  ready: boolean;
  checks: { store: string; writes: string; declarations: string; accepting: string };
  /** What keeps it from being ready, one line each. */
  problems: string[];
}

/** What the readiness check knows of writes: their health, and a probe that writes (store and spool). */
export interface WriteChecks {
  health: StoreHealth;
  probe: () => Promise<unknown>;
}

/**
 * Whether this instance should receive traffic: the store answers (within a deadline), writes work (no
 * run of failed store or spool writes; while there is one, each check tries a write, so the instance
 * comes back once writes work again), the declarations are loaded, and it is not draining for shutdown (a
 * load balancer stops sending new requests before the process stops; stack-notes §8).
 */
export class Readiness {
  private draining = false;

  constructor(
    private readonly store: Store,
    private readonly serviceCount: () => number,
    private readonly storeTimeoutMs = 2000,
    private readonly writes?: WriteChecks,
  ) {}

  /** Called on SIGTERM: /ready answers 503 from now on, /health still 200. */
  startDraining(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessReport> {
    const store = await this.pingStore();
    const writes = await this.checkWrites();
    const services = this.serviceCount();
    const checks = {
      store,
      writes,
      declarations: services > 0 ? `${services} loaded` : 'none loaded',
      accepting: this.draining ? 'draining for shutdown' : 'yes',
    };
    const problems = [
      ...(store === 'ok' ? [] : [`store: ${store}`]),
      ...(writes === 'ok' ? [] : [`writes: ${writes}`]),
      ...(services > 0 ? [] : ['declarations: none loaded']),
      ...(this.draining ? ['draining for shutdown'] : []),
    ];
    return { ready: problems.length === 0, checks, problems };
  }

  /** 'ok', or what keeps failing: while writes fail, a probe write (bounded by the deadline) may clear it. */
  private async checkWrites(): Promise<string> {
    if (!this.writes?.health.failing) return 'ok';
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.writes.probe().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.storeTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    return this.writes.health.failing ? this.writes.health.problems().join('; ') : 'ok';
  }

  private async pingStore(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.storeTimeoutMs} ms`), this.storeTimeoutMs);
    });
    try {
      return await Promise.race([
        this.store.ping().then(
          () => 'ok',
          (error: unknown) => `unreachable: ${(error as Error).message}`,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
