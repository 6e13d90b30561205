import type { Store } from '../store/types';

export interface ReadinessReport {
  ready: boolean;
  checks: { store: string; declarations: string; accepting: string };
  /** What keeps it from being ready, one line each. */
  problems: string[];
}

/**
 * Whether this instance should receive traffic: the store answers (within a deadline), the
 * declarations are loaded, and it is not draining for shutdown (a load balancer stops sending
 * new requests before the process stops; stack-notes §8).
 */
export class Readiness {
  private draining = false;

  constructor(
    private readonly store: Store,
    private readonly serviceCount: () => number,
    private readonly storeTimeoutMs = 2000,
  ) {}

  /** Called on SIGTERM: /ready answers 503 from now on, /health still 200. */
  startDraining(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessReport> {
    const store = await this.pingStore();
    const services = this.serviceCount();
    const checks = {
      store,
      declarations: services > 0 ? `${services} loaded` : 'none loaded',
      accepting: this.draining ? 'draining for shutdown' : 'yes',
    };
    const problems = [
      ...(store === 'ok' ? [] : [`store: ${store}`]),
      ...(services > 0 ? [] : ['declarations: none loaded']),
      ...(this.draining ? ['draining for shutdown'] : []),
    ];
    return { ready: problems.length === 0, checks, problems };
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
