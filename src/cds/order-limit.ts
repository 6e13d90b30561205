import type { LoadedService } from '../declarations/types';
import { BadRequestError } from '../errors';
import type { HookDefinition, HookOrder, OrderReferences } from './hooks/types';

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

/**
 * A request may name at most the service's declared `limits.maxOrderReferences` orders by reference
 * (order-dispatch's context.dispatchedOrders, the basedOn of appointment-book's Appointments): each may
 * cost a FHIR read and a lookup, so more is refused (400 naming the limit and the context member) before
 * any is looked up. A reference sent twice counts once (it is read once).
 */
export function assertWithinReferenceLimit(named: OrderReferences | undefined, service: LoadedService, hook: Pick<HookDefinition, 'batchVerb'>): void {
  const max = service.limits.maxOrderReferences;
  if (!named || named.count <= max) return;
  throw new BadRequestError(
    `${named.at} names ${named.count} orders by reference (${named.what}); at most ${max} are read per request (the service's limits.maxOrderReferences). ${hook.batchVerb} them in batches of ${max} or fewer.`,
    named.at,
    'too-costly',
  );
}
