import { setMaxListeners } from 'node:events';
import type { FhirResource } from 'fhir/r4';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { DecisionLog } from '../audit/decision-log';
import { buildResponse, crdConfiguration } from '../cards/build-response';
import type { LoadedService } from '../declarations/types';
import { decideChart } from '../decision/decide-chart';
import type { Decision } from '../decision/types';
import type { FhirClient } from '../fhir/fhir-client';
import { gatherChart } from '../fhir/gather';
import type { Metrics } from '../observability/metrics';
import { resolveFhirAccess, type AuthenticatedClient } from '../security/fhir-access';
import type { DecisionRecord } from '../store/types';
import type { Card, HookRequest, HookResponse } from './types';
import { inScopeOrders } from './relevance';
import { validateHookRequest } from './validate-hook-request';

export interface HookDeps {
  config: AppConfig;
  fhirClient: FhirClient;
  logger: Logger;
  metrics: Metrics;
  decisionLog: DecisionLog;
  clock: () => Date;
  newId: () => string;
}

export interface CallContext {
  /** The verified CDS client; undefined in open mode. */
  client?: AuthenticatedClient;
  /** Absolute base URL of this service as the caller sees it (for links). */
  baseUrl: string;
}

/**
 * One order-sign call, end to end: validate, pick the in-scope orders, gather the chart (prefetch,
 * else the FHIR server), extract facts once, decide every criterion, answer with cards and coverage
 * information, and hand the decision record to the audit log.
 */
export async function handleHookCall(service: LoadedService, body: unknown, call: CallContext, deps: HookDeps): Promise<HookResponse> {
  const started = performance.now();
  const request = validateHookRequest(body, service.definition.service.hook);
  const orders = inScopeOrders(request.context.draftOrders, service);
  const log = deps.logger.child({ service: service.id, hookInstance: request.hookInstance, iss: call.client?.iss });
  if (orders.length === 0) {
    log.info({ inScopeOrders: 0 }, 'no in-scope orders');
    return { cards: [] };
  }

  const fhir = resolveFhirAccess(request, call.client, deps.config);
  // One deadline for every FHIR call of this request: each in-flight call listens on it, and a service
  // declaring more than 10 prefetch keys would otherwise trip Node's MaxListenersExceededWarning.
  const deadline = AbortSignal.timeout(deps.config.fhirTimeoutMs);
  setMaxListeners(0, deadline);
  const chart = await gatherChart({
    request,
    service,
    client: deps.fhirClient,
    access: fhir.access,
    accessRefusal: fhir.refusal,
    deadline,
  });
  for (const failure of Object.values(chart.data.failures)) deps.metrics.fhirErrors.inc({ failure: failure.replace(/\(.*$/, '').trim() });

  const now = deps.clock();
  const today = localDate(now);
  const { decision, indexed } = decideChart(
    {
      service,
      orders,
      draftOrders: (request.context.draftOrders.entry ?? []).map((e) => e.resource as FhirResource),
      resources: chart.resources,
      patientId: request.context.patientId,
      today,
      data: chart.data,
    },
    log,
  );

  const assertionId = deps.newId();
  const { response, cardsByUnit } = buildResponse({
    service,
    decision,
    data: chart.data,
    sourceLabel: deps.config.healthPlanName ?? service.definition.service.source.label,
    baseUrl: call.baseUrl,
    assertionId,
    today,
    newId: deps.newId,
    configuration: crdConfiguration(service, request.extension),
  });

  const elapsedMs = performance.now() - started;
  deps.decisionLog.record(decisionRecord(service, request, call, decision, cardsByUnit, assertionId, now, elapsedMs));
  for (const unit of decision.units) {
    deps.metrics.orderOutcomes.inc({ service: service.id, outcome: unit.outcome }, unit.unit.orders.length);
    for (const r of unit.results) deps.metrics.criterionResults.inc({ service: service.id, criterion: r.id, section: r.section, status: r.status });
  }
  log.info(
    {
      inScopeOrders: orders.length,
      outcomes: decision.units.map((u) => u.outcome),
      resources: indexed,
      ignoredOtherPatient: chart.ignored,
      dataKeys: chart.data.keys,
      fhirServerCalled: fhir.access !== undefined,
      cards: response.cards.length,
      elapsedMs: Math.round(elapsedMs),
    },
    'hook decided',
  );
  return response;
}

function decisionRecord(
  service: LoadedService,
  request: HookRequest,
  call: CallContext,
  decision: Decision,
  cardsByUnit: Map<string, Card>,
  assertionId: string,
  now: Date,
  elapsedMs: number,
): DecisionRecord {
  const json = service.definition.service;
  return {
    coverageAssertionId: assertionId,
    hookInstance: request.hookInstance,
    serviceId: service.id,
    serviceVersion: json.version,
    policyId: json.policy.id,
    policyRevision: json.policy.revision,
    decidedAt: now.toISOString(),
    ...(call.client ? { clientIss: call.client.iss } : {}),
    ...(call.client?.tenant ? { tenant: call.client.tenant } : {}),
    patientRef: `Patient/${request.context.patientId}`,
    ...(decision.coverage ? { coverageRef: decision.coverage.reference } : {}),
    orders: decision.units.flatMap((unit) => {
      const card = cardsByUnit.get(unit.unit.id);
      return unit.unit.orders.map((order) => ({
        orderRef: `ServiceRequest/${order.id}`,
        codes: (order.code?.coding ?? []).map((c) => c.code).filter((c): c is string => typeof c === 'string'),
        ...(typeof unit.unit.summary.levels === 'number' ? { levels: unit.unit.summary.levels } : {}),
        outcome: unit.outcome,
        ...(card ? { cardUuid: card.uuid } : {}),
        suggestionUuids: (card?.suggestions ?? []).map((s) => s.uuid),
        criteria: unit.results.map((r) => ({ id: r.id, section: r.section, status: r.status, summary: r.summary, evidence: r.evidence })),
      }));
    }),
    responseTimeMs: Math.round(elapsedMs),
  };
}

/** The calendar date where the service runs (TZ), as YYYY-MM-DD. */
export function localDate(now: Date): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
