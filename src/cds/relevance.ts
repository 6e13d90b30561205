import type { Bundle, Coding, ServiceRequest } from 'fhir/r4';
import type { LoadedService } from '../declarations/types';
import type { HookOrder } from './hooks/types';
import { BadRequestError } from '../errors';
import { canonicalCode, canonicalSystem } from '../fhir/code-systems';
import { orderCodings, orderText } from '../fhir/order-codes';
import { FHIR_ID } from '../fhir/references';

/**
 * The codes that put an order in this service's scope, as the declaration's `scope` says: codes of the
 * scope value set (in `code.coding` or a CRD `ext-billing-options`), and codes of the unlisted value set
 * when the order's text describes an in-scope procedure. These are the codes the decision is about (the
 * coverage-information `billingCode`s); other codes on the order, such as billing options the policy
 * does not cover, are not. Canonical system and code, each once, in the order's order. Empty: out of scope.
 */
export function scopeCodings(order: ServiceRequest, service: LoadedService): Coding[] {
  const scope = service.definition.service.scope;
  const codes = service.valueSets[scope.valueSet]!;
  const codings = orderCodings(order);
  const matched = codings.filter((c) => codes.matchesCoding(c));
  if (scope.unlisted) {
    const unlisted = codings.filter((c) => service.valueSets[scope.unlisted!.valueSet]!.matchesCoding(c));
    if (unlisted.length > 0 && service.valueSets[scope.unlisted.descriptionValueSet]!.matchesText(orderText(order, service.limits.maxTextCharsPerField))) matched.push(...unlisted);
  }
  const seen = new Set<string>();
  const found: Coding[] = [];
  for (const c of matched) {
    const system = canonicalSystem(c.system)!;
    const code = canonicalCode(system, c.code!);
    if (seen.has(`${system}|${code}`)) continue;
    seen.add(`${system}|${code}`);
    found.push({ system, code, ...(typeof c.display === 'string' && c.display !== '' ? { display: c.display } : {}) });
  }
  return found;
}

/**
 * The draft orders this service decides: of the declared resource types, with an in-scope code, or an
 * unlisted code whose text describes an in-scope procedure. Status is not filtered (re-signed orders count).
 */
export function inScopeOrders(draftOrders: Bundle, service: LoadedService): ServiceRequest[] {
  return inScopeHookOrders(draftOrderCandidates(draftOrders), service).map((c) => c.order);
}

/** The orders of a draftOrders Bundle as hook orders: each recorded on itself. */
export function draftOrderCandidates(draftOrders: Bundle): HookOrder[] {
  return (draftOrders.entry ?? []).map((entry, i) => {
    const order = entry.resource as ServiceRequest;
    return {
      order,
      at: `context.draftOrders.entry[${i}]`,
      idAt: `context.draftOrders.entry[${i}].resource.id`,
      targets: [{ resource: order, reference: `${order.resourceType}/${order.id}` }],
    };
  });
}

/**
 * The hook orders this service decides (same rules as inScopeOrders, for any hook). Each needs an id that
 * is a FHIR id, unique in the request: coverage information, facts and suggestions address orders by id.
 */
export function inScopeHookOrders(candidates: HookOrder[], service: LoadedService): HookOrder[] {
  const scope = service.definition.service.scope;
  const selected: HookOrder[] = [];
  const seen = new Map<string, string>();
  for (const candidate of candidates) {
    const resource = candidate.order;
    if (!scope.resourceTypes.includes(resource.resourceType)) continue;
    // Out-of-scope orders are not decided, shown or addressed: their ids are not checked (any string will do).
    if (scopeCodings(resource, service).length === 0) continue;
    if (!resource.id) {
      throw new BadRequestError(
        `${candidate.at} is a ${service.id} order without an id; orders need ids for coverage information and suggestions`,
        candidate.idAt,
        'required',
      );
    }
    // In-scope orders end up in facts, evidence and references: their ids must be FHIR ids.
    if (!FHIR_ID.test(resource.id)) throw new BadRequestError(`${candidate.idAt.replace(/\.id$/, '')}.id must be a FHIR id`, candidate.idAt, 'value');
    // Coverage information and suggestions address orders by id: two orders with one id are ambiguous.
    const first = seen.get(resource.id);
    if (first !== undefined) {
      throw new BadRequestError(
        `${candidate.idAt} "${resource.id}" is also the id of ${first}; each order needs its own id`,
        candidate.idAt,
        'value',
      );
    }
    seen.set(resource.id, candidate.at.replace(/^context\.draftOrders\./, ''));
    selected.push(candidate);
  }
  return selected;
}
