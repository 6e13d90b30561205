import type { ServiceRequest } from 'fhir/r4';
import type { LoadedService } from '../declarations/types';
import { BadRequestError } from '../errors';

/**
 * A request may put at most the service's declared `limits.maxInScopeOrders` orders in scope: each costs a
 * decision, coverage information and a line in the record, so more is refused (400 naming the limit)
 * rather than answered slowly. Orders out of scope do not count.
 */
export function assertWithinOrderLimit(orders: ServiceRequest[], service: LoadedService): void {
  const max = service.limits.maxInScopeOrders;
  if (orders.length <= max) return;
  throw new BadRequestError(
    `context.draftOrders has ${orders.length} orders in scope of ${service.id}; at most ${max} are decided per request (the service's limits.maxInScopeOrders). Sign them in batches of ${max} or fewer.`,
    'context.draftOrders',
    'too-costly',
  );
}
