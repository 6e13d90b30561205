import type { CallContext } from '../cds/hook-handler';
import type { Card, HookRequest, HookResponse } from '../cds/types';
import type { LoadedService } from '../declarations/types';
import type { CriterionResult, DataStatus, Decision } from '../decision/types';
import { fhirBaseUrl } from '../security/fhir-access';
import { orderCodings } from '../fhir/order-codes';
import { DECISION_RECORD_FORMAT, type CriterionRecord, type DecisionRecord, type OrderRecord, type UnitRecord } from '../store/types';

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
 * patient and orders, under which service and policy version, each decision unit's criteria with their
 * evidence references (once per unit; each order names its unit), and the response as sent. It grows
 * linearly with the orders: evidence is capped per criterion, texts per line, and the whole record is
 * bounded again when it is written (record-json.ts). Built from the validated request, so it never
 * holds fhirAuthorization (the access token), the JWT or the prefetch bundles; fhirServer is kept as
 * the normalised base URL the FHIR client calls, without a query string or fragment.
 */
export function buildDecisionRecord(input: DecisionRecordInput): DecisionRecord {
  const { service, request, call, decision, data, cardsByUnit, response } = input;
  const json = service.definition.service;
  // The base the service calls (or would call), never the raw value: no query (a credential may sit there), fragment or dot segments.
  const fhirServer = request.fhirServer ? fhirBaseUrl(request.fhirServer) : undefined;
  return {
    format: DECISION_RECORD_FORMAT,
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
    // Linear in the orders: each decision unit's criteria once, each order pointing to its unit.
    units: decision.units.map((unit): UnitRecord => {
      const card = cardsByUnit.get(unit.unit.id);
      const suggestions = (card?.suggestions ?? []).map((s) => ({ uuid: s.uuid, label: s.label }));
      return {
        id: unit.unit.id,
        label: unit.unit.label,
        facts: unit.unit.summary,
        outcome: unit.outcome,
        orders: unit.unit.orders.length,
        ...(card ? { cardUuid: card.uuid } : {}),
        ...(suggestions.length > 0 ? { suggestions } : {}),
        criteria: unit.results.map(criterionRecord),
      };
    }),
    orders: decision.units.flatMap((unit) => {
      const card = cardsByUnit.get(unit.unit.id);
      return unit.unit.orders.map(
        (order): OrderRecord => ({
          orderRef: `ServiceRequest/${order.id}`,
          codes: orderCodings(order)
            .map((c) => c.code)
            .filter((c): c is string => typeof c === 'string'),
          ...(typeof unit.unit.summary.levels === 'number' ? { levels: unit.unit.summary.levels } : {}),
          outcome: unit.outcome,
          unitId: unit.unit.id,
          ...(card ? { cardUuid: card.uuid } : {}),
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

/** Evidence kept per criterion in the record (the card shows 4): a criterion citing every order or every score is capped. */
export const EVIDENCE_PER_CRITERION = 20;
/** Characters kept of each evidence text, summary and "to document" line. */
const TEXT_CHARS = 1000;

function criterionRecord(r: CriterionResult): CriterionRecord {
  const kept = r.evidence.slice(0, EVIDENCE_PER_CRITERION);
  return {
    id: r.id,
    section: r.section,
    title: r.title,
    status: r.status,
    summary: capped(r.summary),
    evidence: kept.map((e) => ({ text: capped(e.text), ...(e.reference ? { reference: e.reference } : {}) })),
    ...(r.evidence.length > kept.length ? { evidenceOmitted: r.evidence.length - kept.length } : {}),
    ...(r.missing ? { missing: capped(r.missing) } : {}),
  };
}

function capped(text: string): string {
  return text.length > TEXT_CHARS ? `${text.slice(0, TEXT_CHARS - 1)}…` : text;
}
