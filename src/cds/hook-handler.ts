import type { FhirResource } from 'fhir/r4';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { DecisionLog } from '../audit/decision-log';
import { buildDecisionRecord } from '../audit/decision-record';
import { buildResponse, crdConfiguration, undecidedResponse } from '../cards/build-response';
import type { LoadedService } from '../declarations/types';
import { decideChart } from '../decision/decide-chart';
import { PolicyFailure, undecided } from '../decision/evaluate';
import type { Decision } from '../decision/types';
import type { CallByteBudget } from '../fhir/byte-budget';
import type { FhirClient } from '../fhir/fhir-client';
import { gatherChart } from '../fhir/gather';
import type { Metrics } from '../observability/metrics';
import { resolveFhirAccess, type AuthenticatedClient } from '../security/fhir-access';
import type { HookResponse } from './types';
import { assertWithinOrderLimit } from './order-limit';
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
  /** The call's FHIR byte budget, released by the caller once the call is answered (FhirClient.callBudget). */
  fhirBytes?: CallByteBudget;
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
  const request = validateHookRequest(body, service.definition.service.hook, service.definition.service.crd.versions);
  const orders = inScopeOrders(request.context.draftOrders, service);
  assertWithinOrderLimit(orders, service);
  if (orders.length === 0) {
    // Most order-sign calls sign no facet order, so this path does as little as possible: the access log
    // already records the call, and this detail (a child logger and a line, ~4% of such a call) is debug.
    deps.logger.debug({ serviceId: service.id, hookInstance: request.hookInstance, iss: call.client?.iss, inScopeOrders: 0 }, 'no in-scope orders');
    return { cards: [] };
  }
  const log = deps.logger.child({ serviceId: service.id, hookInstance: request.hookInstance, iss: call.client?.iss });

  const fhir = resolveFhirAccess(request, call.client, deps.config);
  // One deadline for every FHIR call of this hook (gatherChart raises its listener limit to the calls it makes).
  const deadline = AbortSignal.timeout(deps.config.fhirTimeoutMs);
  const chart = await gatherChart({
    request,
    service,
    client: deps.fhirClient,
    access: fhir.access,
    accessRefusal: fhir.refusal,
    deadline,
    bytes: call.fhirBytes,
  });
  for (const failure of Object.values(chart.data.failureKinds ?? {})) deps.metrics.fhirErrors.inc({ failure });

  const now = deps.clock();
  const today = localDate(now);
  let decided: { decision: Decision; indexed: number; undecided?: true };
  try {
    decided = decideChart(
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
  } catch (error) {
    if (!(error instanceof PolicyFailure)) throw error;
    const cause = error.cause as Error | undefined;
    log.error({ step: error.step, err: { message: cause?.message, stack: cause?.stack } }, 'policy module failed on this record: answering "could not be checked"');
    decided = { decision: undecided(orders), indexed: chart.resources.length, undecided: true };
  }
  const { decision, indexed } = decided;

  const assertionId = deps.newId();
  const { response, cardsByUnit } = (decided.undecided ? undecidedResponse : buildResponse)({
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
  deps.decisionLog.record(
    buildDecisionRecord({ service, request, call, decision, data: chart.data, cardsByUnit, response, assertionId, now, elapsedMs }),
  );
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

/** The calendar date where the service runs (TZ), as YYYY-MM-DD. */
export function localDate(now: Date): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
