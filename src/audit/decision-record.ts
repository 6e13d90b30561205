import type { CallContext } from '../cds/hook-handler';
import type { Card, HookRequest, HookResponse } from '../cds/types';
import type { LoadedService } from '../declarations/types';
import type { DataStatus, Decision } from '../decision/types';
import { fhirBaseUrl } from '../security/fhir-access';
import type { DecisionRecord, OrderRecord } from '../store/types';

export interface DecisionRecordInput {
  service: LoadedService;
  request: HookRequest;
  call: CallContext;
  decision: Decision;
  data: DataStatus;
  /** The card built for each decision unit (by unit id). */
  cardsByUnit: Map<string, Card>;
  response: HookResponse;
  assertionId: string;
  now: Date;
  elapsedMs: number;
}

/**
 * The audit record of one decided hook call: who asked (client iss/tenant, user), about which
 * patient and orders, under which service and policy version, each criterion's result with its
 * evidence references, and the response as sent. Built from the validated request, so it never
 * holds fhirAuthorization (the access token), the JWT or the prefetch bundles; fhirServer is kept as
 * the normalised base URL the FHIR client calls, without a query string or fragment.
 */
export function buildDecisionRecord(input: DecisionRecordInput): DecisionRecord {
  const { service, request, call, decision, data, cardsByUnit, response } = input;
  const json = service.definition.service;
  // The base the service calls (or would call), never the raw value: no query (a credential may sit there), fragment or dot segments.
  const fhirServer = request.fhirServer ? fhirBaseUrl(request.fhirServer) : undefined;
  return {
    coverageAssertionId: input.assertionId,
    hookInstance: request.hookInstance,
    hook: request.hook,
    serviceId: service.id,
    serviceVersion: json.version,
    policyId: json.policy.id,
    policyRevision: json.policy.revision,
    decidedAt: input.now.toISOString(),
    ...(call.client ? { clientIss: call.client.iss } : {}),
    ...(call.client?.tenant ? { tenant: call.client.tenant } : {}),
    ...(fhirServer ? { fhirServer } : {}),
    userId: request.context.userId,
    patientRef: `Patient/${request.context.patientId}`,
    ...(decision.coverage ? { coverageRef: decision.coverage.reference } : {}),
    orders: decision.units.flatMap((unit) => {
      const card = cardsByUnit.get(unit.unit.id);
      const suggestions = (card?.suggestions ?? []).map((s) => ({ uuid: s.uuid, label: s.label }));
      return unit.unit.orders.map(
        (order): OrderRecord => ({
          orderRef: `ServiceRequest/${order.id}`,
          codes: (order.code?.coding ?? []).map((c) => c.code).filter((c): c is string => typeof c === 'string'),
          ...(typeof unit.unit.summary.levels === 'number' ? { levels: unit.unit.summary.levels } : {}),
          outcome: unit.outcome,
          unit: { id: unit.unit.id, label: unit.unit.label, facts: unit.unit.summary },
          ...(card ? { cardUuid: card.uuid } : {}),
          suggestionUuids: suggestions.map((s) => s.uuid),
          ...(suggestions.length > 0 ? { suggestions } : {}),
          criteria: unit.results.map((r) => ({
            id: r.id,
            section: r.section,
            title: r.title,
            status: r.status,
            summary: r.summary,
            evidence: r.evidence.map((e) => ({ text: e.text, ...(e.reference ? { reference: e.reference } : {}) })),
            ...(r.missing ? { missing: r.missing } : {}),
          })),
        }),
      );
    }),
    data: {
      keys: { ...data.keys },
      ...(Object.keys(data.failures).length > 0 ? { failures: { ...data.failures } } : {}),
      ...(data.incomplete && Object.keys(data.incomplete).length > 0 ? { incomplete: { ...data.incomplete } } : {}),
      ...(data.textNotRead ? { textNotRead: data.textNotRead } : {}),
    },
    response,
    responseTimeMs: Math.round(input.elapsedMs),
  };
}
