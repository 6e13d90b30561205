import type { Bundle, ServiceRequest } from 'fhir/r4';
import type { LoadedService } from '../declarations/types';
import { BadRequestError } from '../errors';
import { orderCodings, orderText } from '../fhir/order-codes';
import { FHIR_ID } from '../fhir/references';

/**
 * The draft orders this service decides: of the declared resource types, with an in-scope code, or an
 * unlisted code whose text describes an in-scope procedure. Status is not filtered (re-signed orders count).
 */
export function inScopeOrders(draftOrders: Bundle, service: LoadedService): ServiceRequest[] {
  const scope = service.definition.service.scope;
  const codes = service.valueSets[scope.valueSet]!;
  const unlisted = scope.unlisted ? service.valueSets[scope.unlisted.valueSet] : undefined;
  const description = scope.unlisted ? service.valueSets[scope.unlisted.descriptionValueSet] : undefined;
  const selected: ServiceRequest[] = [];
  const seen = new Map<string, number>();
  (draftOrders.entry ?? []).forEach((entry, i) => {
    const resource = entry.resource as ServiceRequest;
    if (!scope.resourceTypes.includes(resource.resourceType)) return;
    // Orders of the types this service reads end up in facts, evidence and references: their ids must be FHIR ids.
    if (resource.id !== undefined && !FHIR_ID.test(resource.id)) {
      throw new BadRequestError(`context.draftOrders.entry[${i}].resource.id must be a FHIR id`, `context.draftOrders.entry[${i}].resource.id`, 'value');
    }
    const codings = orderCodings(resource);
    const inScope =
      codings.some((c) => codes.matchesCoding(c)) ||
      (unlisted !== undefined && codings.some((c) => unlisted.matchesCoding(c)) && description!.matchesText(orderText(resource)));
    if (!inScope) return;
    if (!resource.id) {
      throw new BadRequestError(
        `context.draftOrders.entry[${i}] is a ${service.id} order without an id; orders need ids for coverage information and suggestions`,
        `context.draftOrders.entry[${i}].resource.id`,
        'required',
      );
    }
    // Coverage information and suggestions address orders by id: two orders with one id are ambiguous.
    const first = seen.get(resource.id);
    if (first !== undefined) {
      throw new BadRequestError(
        `context.draftOrders.entry[${i}].resource.id "${resource.id}" is also the id of entry[${first}]; each order needs its own id`,
        `context.draftOrders.entry[${i}].resource.id`,
        'value',
      );
    }
    seen.set(resource.id, i);
    selected.push(resource);
  });
  return selected;
}
