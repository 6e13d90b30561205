import { randomUUID } from 'node:crypto';
import type { ServiceRequest } from 'fhir/r4';

/** A CDS Hooks 2.0.1 order-sign request, as an EHR sends it. */
export interface OrderSignRequest {
  hook: 'order-sign';
  hookInstance: string;
  fhirServer?: string;
  context: {
    userId: string;
    patientId: string;
    draftOrders: { resourceType: 'Bundle'; type: 'collection'; entry: Array<{ resource: ServiceRequest }> };
  };
  prefetch?: Record<string, unknown>;
  extension?: Record<string, unknown>;
}

export interface OrderSignOptions {
  patientId: string;
  orders: ServiceRequest[];
  /** The EHR's FHIR base URL, for the service to fetch what is not prefetched. */
  fhirServer?: string;
  prefetch?: Record<string, unknown>;
  /** Request extensions, e.g. Da Vinci CRD davinci-crd.configuration. */
  extension?: Record<string, unknown>;
}

const DEFAULT_USER = 'Practitioner/sandbox-clinician';

/** The signing clinician is the orders' requester when it is a Practitioner(Role), as in an EHR session. */
export function orderSignRequest(options: OrderSignOptions): OrderSignRequest {
  const requester = options.orders.map((o) => o.requester?.reference).find((r) => r && /^Practitioner(Role)?\/[A-Za-z0-9\-.]{1,64}$/.test(r));
  return {
    hook: 'order-sign',
    hookInstance: randomUUID(),
    ...(options.fhirServer ? { fhirServer: options.fhirServer } : {}),
    context: {
      userId: requester ?? DEFAULT_USER,
      patientId: options.patientId,
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: options.orders.map((resource) => ({ resource })) },
    },
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
    ...(options.extension ? { extension: options.extension } : {}),
  };
}

/** "CPT 64493 · L4-L5 · on 2026-12-03", for listing draft orders. */
export function orderLine(order: ServiceRequest): string {
  const codes = (order.code?.coding ?? []).map((c) => c.code).filter(Boolean);
  const sites = (order.bodySite ?? []).map((s) => s.text ?? s.coding?.[0]?.display ?? s.coding?.[0]?.code).filter(Boolean);
  const when = order.occurrenceDateTime ?? order.occurrencePeriod?.start;
  return [codes.length ? `CPT ${codes.join(', ')}` : order.code?.text ?? '(no code)', sites.join(', '), when ? `on ${when.slice(0, 10)}` : undefined]
    .filter(Boolean)
    .join(' · ');
}
