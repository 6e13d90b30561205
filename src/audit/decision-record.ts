import type { UnitCards } from '../cards/build-response';
import type { CallContext } from '../cds/hook-handler';
import type { CoverageTarget } from '../cds/hooks/types';
import type { HookRequest, HookResponse } from '../cds/types';
import type { LoadedService } from '../declarations/types';
import { appliedPolicy } from '../decision/evaluate';
import type { CriterionResult, DataStatus, Decision } from '../decision/types';
import { fhirBaseUrl } from '../security/fhir-access';
import { orderCodings } from '../fhir/order-codes';
import { DECISION_RECORD_FORMAT, type CriterionRecord, type DecisionRecord, type OrderRecord, type UnitRecord } from '../store/types';
import type { ServiceRequest } from 'fhir/r4';

export interface DecisionRecordInput {
  service: LoadedService;
  /** The CDS service called (one per hook); default the declaration's id. */
  serviceId?: string;
  /** The Coverage the coverage information was recorded against, when one was (default: the policy's). */
  coverageRef?: string;
  request: HookRequest;
  call: CallContext;
  decision: Decision;
  data: DataStatus;
  /** The cards built for each decision unit (by unit id). */
  cardsByUnit: Map<string, UnitCards>;
  /** Where each order's coverage information went, when not on the order itself (appointment-book). */
  targetsOf?: (order: ServiceRequest) => CoverageTarget[];
  /** "Type/id" of the resource each order was read from, when not a ServiceRequest of its own (an Appointment without an order). */
  orderRefOf?: (order: ServiceRequest) => string;
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
  const policy = decision.policy ?? appliedPolicy(service.policy);
  // The base the service calls (or would call), never the raw value: no query (a credential may sit there), fragment or dot segments.
  const fhirServer = request.fhirServer ? fhirBaseUrl(request.fhirServer) : undefined;
  return {
    format: DECISION_RECORD_FORMAT,
    coverageAssertionId: input.assertionId,
    hookInstance: request.hookInstance,
    hook: request.hook,
    serviceId: input.serviceId ?? service.id,
    serviceVersion: json.version,
    // The policy applied: the service's own, or the one its policy selection chose for this member.
    policyId: policy.id,
    policyRevision: policy.revision,
    policyDeclaration: policy.declaration,
    policyVersion: policy.version,
    decidedAt: input.now.toISOString(),
    ...(call.client ? { clientIss: call.client.iss } : {}),
    ...(call.client?.tenant ? { tenant: call.client.tenant } : {}),
    ...(fhirServer ? { fhirServer } : {}),
    ...(request.context.userId ? { userId: request.context.userId } : {}),
    patientRef: `Patient/${request.context.patientId}`,
    ...((input.coverageRef ?? decision.coverage?.reference) ? { coverageRef: input.coverageRef ?? decision.coverage!.reference } : {}),
    // Linear in the orders: each decision unit's criteria, cards and suggestions once, each order pointing to its unit.
    units: decision.units.map((unit): UnitRecord => {
      const cards = cardsByUnit.get(unit.unit.id) ?? {};
      const card = cards.decision;
      const related = [cards.alternatives, cards.additionalOrders].filter((c) => c !== undefined);
      const suggestions = [card, ...related].flatMap((c) => c?.suggestions ?? []).map((s) => ({ uuid: s.uuid, label: s.label }));
      return {
        id: unit.unit.id,
        label: unit.unit.label,
        facts: unit.unit.summary,
        ...(unit.unit.levels !== undefined ? { levels: unit.unit.levels } : {}),
        outcome: unit.outcome,
        orders: unit.unit.orders.length,
        ...(card ? { cardUuid: card.uuid } : {}),
        ...(related.length > 0 ? { relatedCardUuids: related.map((c) => c.uuid) } : {}),
        ...(suggestions.length > 0 ? { suggestions } : {}),
        criteria: unit.results.map(criterionRecord),
      };
    }),
    orders: decision.units.flatMap((unit) => {
      const card = cardsByUnit.get(unit.unit.id)?.decision;
      return unit.unit.orders.map((order): OrderRecord => {
        const orderRef = input.orderRefOf?.(order) ?? `ServiceRequest/${order.id}`;
        const recordedOn = (input.targetsOf?.(order) ?? []).map((t) => t.reference).filter((r) => r !== orderRef);
        return {
          orderRef,
          ...(recordedOn.length > 0 ? { recordedOn } : {}),
          // The cleaned codings (a null or non-object in code.coding is skipped, as everywhere else).
          codes: orderCodings(order)
            .map((c) => c.code)
            .filter((c): c is string => typeof c === 'string'),
          ...(unit.unit.levels !== undefined ? { levels: unit.unit.levels } : {}),
          outcome: unit.outcome,
          unitId: unit.unit.id,
          ...(card ? { cardUuid: card.uuid } : {}),
        };
      });
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
    evidence: kept.map((e) => ({ text: capped(e.text), ...(e.reference ? { reference: e.reference } : {}), ...(e.setAside ? { setAside: capped(e.setAside) } : {}) })),
    ...(r.evidence.length > kept.length ? { evidenceOmitted: r.evidence.length - kept.length } : {}),
    ...(r.missing ? { missing: capped(r.missing) } : {}),
    ...(r.attestation ? { attestation: r.attestation } : {}),
  };
}

function capped(text: string): string {
  return text.length > TEXT_CHARS ? `${text.slice(0, TEXT_CHARS - 1)}…` : text;
}
