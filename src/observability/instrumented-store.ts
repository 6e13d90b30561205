import type { Store } from '../store/types';
import type { Metrics } from './metrics';
import type { StoreHealth } from './store-health';

type Operation = Exclude<keyof Store, 'kind'>;

/** Every Store operation (a Record, so the compiler flags one added to Store and forgotten here). */
const OPERATIONS: Record<Operation, true> = {
  saveFeedback: true,
  saveDecision: true,
  getDecision: true,
  claimJti: true,
  listDecisions: true,
  listFeedback: true,
  feedbackForCards: true,
  purge: true,
  ping: true,
  probeWrite: true,
  close: true,
};

/** The operations that write: their outcomes tell whether the store can still keep what it is given. */
const WRITES = new Set<Operation>(['saveFeedback', 'saveDecision', 'claimJti', 'purge', 'probeWrite']);

/**
 * The same store, with every operation timed and every failure counted (cds_store_errors_total),
 * whichever backend it is, so callers don't each have to remember to; and every write's outcome told to
 * the store's health (/ready, cds_store_writable).
 */
export function instrumentStore(store: Store, metrics: Metrics, health?: StoreHealth): Store {
  const wrapped = { kind: store.kind } as Record<string, unknown>;
  for (const operation of Object.keys(OPERATIONS) as Operation[]) {
    wrapped[operation] = async (...args: unknown[]) => {
      const end = metrics.storeDuration.startTimer({ operation });
      try {
        // Looked up at each call, not bound once: the backend's methods stay replaceable.
        const result = await (store[operation] as (...a: unknown[]) => Promise<unknown>).apply(store, args);
        end({ result: 'ok' });
        if (WRITES.has(operation)) health?.succeeded('store');
        return result;
      } catch (error) {
        end({ result: 'error' });
        metrics.storeErrors.inc({ operation });
        if (WRITES.has(operation)) health?.failed('store', error);
        throw error;
      }
    };
  }
  return wrapped as unknown as Store;
}
