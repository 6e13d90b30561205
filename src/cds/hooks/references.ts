import type { Bundle, FhirResource } from 'fhir/r4';
import { PreconditionFailedError } from '../../errors';
import type { CallByteBudget } from '../../fhir/byte-budget';
import { FhirFetchError, type FhirAccess, type FhirClient } from '../../fhir/fhir-client';
import type { HookRequest } from '../types';
import type { ReferenceResolver } from './types';

export interface FhirSession {
  /** Present only when the request's fhirServer may be called. */
  access?: FhirAccess;
  /** Why it may not, for messages. */
  refusal?: string;
  deadline(): AbortSignal;
  client: FhirClient;
  /** The call's FHIR byte budget: orders read by reference count against it, as the chart does. */
  bytes?: CallByteBudget;
}

/**
 * Finds resources a hook names by reference (order-dispatch's orders, an Appointment's basedOn): first in
 * the request's prefetch (any key, e.g. the `serviceRequests` search), else read from the FHIR server with
 * the request's token, counted against the call's FHIR byte budget. Neither possible, or the read failing
 * (the budget running out included): 412, naming the context element, since the service cannot tell what
 * the hook is about (CDS Hooks "412 Precondition Failed"). A read that finds nothing (404, 410) resolves to
 * null: the reference is wrong, which the hook reports as a 400.
 */
export function referenceResolver(request: HookRequest, session: FhirSession): ReferenceResolver {
  let prefetched: Map<string, FhirResource> | undefined;
  return {
    async resolve(reference, at) {
      prefetched ??= indexPrefetch(request.prefetch);
      const found = prefetched.get(reference);
      if (found) return found;
      if (!session.access) {
        throw new PreconditionFailedError(`${at} "${reference}" is not in the prefetch and cannot be fetched (${session.refusal ?? 'no FHIR server access'})`, [at]);
      }
      try {
        return await session.client.read(session.access, reference, session.deadline(), session.bytes);
      } catch (error) {
        const why = error instanceof FhirFetchError ? error.message : 'the FHIR read failed';
        throw new PreconditionFailedError(`${at} "${reference}" could not be read from the FHIR server (${why})`, [at]);
      }
    },
  };
}

/** Every resource of the prefetch by "Type/id": single resources and the entries of Bundles. */
function indexPrefetch(prefetch: Record<string, unknown> | undefined): Map<string, FhirResource> {
  const index = new Map<string, FhirResource>();
  const add = (r: unknown) => {
    const resource = r as FhirResource | undefined;
    if (resource && typeof resource === 'object' && typeof resource.resourceType === 'string' && typeof resource.id === 'string') {
      if (!index.has(`${resource.resourceType}/${resource.id}`)) index.set(`${resource.resourceType}/${resource.id}`, resource);
    }
  };
  for (const value of Object.values(prefetch ?? {})) {
    if (!value || typeof value !== 'object') continue;
    const resource = value as FhirResource;
    if (resource.resourceType === 'Bundle') for (const entry of Array.isArray((resource as Bundle).entry) ? (resource as Bundle).entry! : []) add(entry?.resource);
    else add(resource);
  }
  return index;
}
