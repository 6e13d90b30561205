import type { LoadedService } from '../declarations/types';
import { BadRequestError } from '../errors';
import type { HookDefinition, HookOrder } from './hooks/types';

/**
 * A request may put at most the service's declared `limits.maxInScopeOrders` orders in scope, whatever the
 * hook: each costs a decision, coverage information and a line in the record, so more is refused (400
 * naming the limit and the context member that lists them) rather than answered slowly. Orders out of
 * scope do not count.
 */
export function assertWithinOrderLimit(orders: HookOrder[], service: LoadedService, hook: Pick<HookDefinition, 'ordersAt' | 'batchVerb'>): void {
  const max = service.limits.maxInScopeOrders;
  if (orders.length <= max) return;
  throw new BadRequestError(
    `${hook.ordersAt} has ${orders.length} orders in scope of ${service.id}; at most ${max} are decided per request (the service's limits.maxInScopeOrders). ${hook.batchVerb} them in batches of ${max} or fewer.`,
    hook.ordersAt,
    'too-costly',
  );
}
