import type { Store } from '../store/types';
import type { Metrics } from './metrics';

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
  close: true,
};

/**
 * The same store, with every operation timed and every failure counted (cds_store_errors_total),
 * whichever backend it is, so callers don't each have to remember to.
 */
export function instrumentStore(store: Store, metrics: Metrics): Store {
  const wrapped = { kind: store.kind } as Record<string, unknown>;
  for (const operation of Object.keys(OPERATIONS) as Operation[]) {
    const method = (store[operation] as (...args: unknown[]) => Promise<unknown>).bind(store);
    wrapped[operation] = async (...args: unknown[]) => {
      const end = metrics.storeDuration.startTimer({ operation });
      try {
        const result = await method(...args);
        end({ result: 'ok' });
        return result;
      } catch (error) {
        end({ result: 'error' });
        metrics.storeErrors.inc({ operation });
        throw error;
      }
    };
  }
  return wrapped as unknown as Store;
}
