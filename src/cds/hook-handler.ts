import type { ServiceRequest } from 'fhir/r4';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import type { DecisionLog } from '../audit/decision-log';
import { buildDecisionRecord } from '../audit/decision-record';
import { buildResponse, crdConfiguration, undecidedResponse } from '../cards/build-response';
import { crdVersion } from '../cards/crd-versions';
import type { HookService, LoadedService } from '../declarations/types';
import { decideChart } from '../decision/decide-chart';
import { PolicyFailure, appliedPolicy, undecided } from '../decision/evaluate';
import type { Decision } from '../decision/types';
import { BadRequestError } from '../errors';
import type { CallByteBudget } from '../fhir/byte-budget';
import type { FhirClient } from '../fhir/fhir-client';
import { gatherChart } from '../fhir/gather';
import { FHIR_ID } from '../fhir/references';
import type { Metrics } from '../observability/metrics';
import { resolveFhirAccess, type AuthenticatedClient } from '../security/fhir-access';
import { referenceResolver, type FhirSession } from './hooks/references';
import type { CoverageTarget, HookOrder } from './hooks/types';
import { resolveMemberCoverage } from './member-coverage';
import { assertWithinOrderLimit, assertWithinReferenceLimit } from './order-limit';
import { policyForCall } from './policy-for-call';
import { inScopeHookOrders } from './relevance';
import type { HookRequest, HookResponse } from './types';
import { answerVersion, validateHookRequest } from './validate-hook-request';

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
 * One hook call, end to end, the same for every hook: validate (the hook's own context rules), find
 * the orders (the hook's adapter: in the context, or by reference), pick the in-scope ones, gather the
 * chart (prefetch, else the FHIR server), resolve the member's coverage, decide with the call's policy,
 * answer with cards and coverage information, and hand the decision record to the audit log.
 * `hookService` is the declaration's service for the hook called (default: its first, order-sign).
 */
export async function handleHookCall(service: LoadedService, body: unknown, call: CallContext, deps: HookDeps, hookService: HookService = service.hooks[0]!): Promise<HookResponse> {
  if (call.fhirBytes) return decideCall(service, body, call, deps, hookService);
  // A caller that gives no byte budget (the micro benchmark) still bounds the call's FHIR reads: its own, released here.
  const fhirBytes = deps.fhirClient.callBudget();
  try {
    return await decideCall(service, body, { ...call, fhirBytes }, deps, hookService);
  } finally {
    fhirBytes.release();
  }
}

async function decideCall(service: LoadedService, body: unknown, call: CallContext, deps: HookDeps, hookService: HookService): Promise<HookResponse> {
  const started = performance.now();
  const json = service.definition.service;
  const request = validateHookRequest(body, hookService.hook.name, json.crd.versions);
  assertWithinReferenceLimit(hookService.hook.orderReferences?.(request.context), service, hookService.hook);
  const session = fhirSession(request, call, deps);
  const hookOrders = await hookService.hook.orders(request, referenceResolver(request, session), json.scope.resourceTypes);
  const inScope = inScopeHookOrders(hookOrders.candidates, service);
  assertWithinOrderLimit(inScope, service, hookService.hook);
  if (inScope.length === 0) {
    // Most calls concern no facet order, so this path does as little as possible: the access log already
    // records the call, and this detail (a child logger and a line, ~4% of such a call) is debug.
    deps.logger.debug({ serviceId: hookService.id, hookInstance: request.hookInstance, iss: call.client?.iss, inScopeOrders: 0 }, 'no in-scope orders');
    return { cards: [] };
  }
  requireTargetIds(inScope);
  const log = deps.logger.child({ serviceId: hookService.id, hookInstance: request.hookInstance, iss: call.client?.iss });

  const chart = await gatherChart({
    request,
    service,
    prefetch: hookService.prefetch,
    client: deps.fhirClient,
    access: session.access,
    accessRefusal: session.refusal,
    deadline: session.deadline(),
    bytes: session.bytes,
  });
  for (const failure of Object.values(chart.data.failureKinds ?? {})) deps.metrics.fhirErrors.inc({ failure });
  // The orders being decided are not their own history (order-dispatch and appointment-book find them in the prefetch).
  const resources = hookOrders.notChart.size > 0 ? chart.resources.filter((r) => !hookOrders.notChart.has(`${r.resourceType}/${r.id}`)) : chart.resources;

  const now = deps.clock();
  const today = localDate(now);
  const memberCoverage = resolveMemberCoverage(resources, today, chart.data, hookService.prefetch);
  const orders = inScope.map((o) => o.order);
  const choice = policyForCall(service, { memberCoverage, resources, today });
  let decided: { decision: Decision; indexed: number; undecided?: true };
  try {
    decided = decideChart(
      {
        service,
        policy: choice.policy,
        ...(choice.because ? { because: choice.because } : {}),
        orders,
        draftOrders: hookOrders.session,
        resources,
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
    decided = { decision: undecided(orders, appliedPolicy(choice.policy, choice.because)), indexed: resources.length, undecided: true };
  }
  const { decision, indexed } = decided;
  standInReferences(decision, inScope);

  const assertionId = deps.newId();
  const targetsOf = targetsLookup(inScope);
  const version = crdVersion(answerVersion(request, json.crd.versions));
  const { response, cardsByUnit } = (decided.undecided ? undecidedResponse : buildResponse)({
    service,
    decision,
    data: chart.data,
    sourceLabel: deps.config.healthPlanName ?? json.source.label,
    baseUrl: call.baseUrl,
    assertionId,
    today,
    newId: deps.newId,
    configuration: crdConfiguration(service, request.extension, hookService.configurationOptions),
    hook: hookService.hook,
    version,
    memberCoverage,
    targetsOf,
    ...(request.context.userId ? { signer: { user: request.context.userId, patientId: request.context.patientId, now: now.toISOString() } } : {}),
  });

  const elapsedMs = performance.now() - started;
  deps.decisionLog.record(
    buildDecisionRecord({
      service,
      serviceId: hookService.id,
      ...(memberCoverage.kind === 'active' || memberCoverage.kind === 'inactive' ? { coverageRef: memberCoverage.reference } : {}),
      request,
      call,
      decision,
      data: chart.data,
      cardsByUnit,
      targetsOf,
      orderRefOf: orderReferences(inScope),
      response,
      assertionId,
      now,
      elapsedMs,
    }),
  );
  for (const unit of decision.units) {
    deps.metrics.orderOutcomes.inc({ service: hookService.id, outcome: unit.outcome }, unit.unit.orders.length);
    for (const r of unit.results) deps.metrics.criterionResults.inc({ service: hookService.id, criterion: r.id, section: r.section, status: r.status });
  }
  log.info(
    {
      hook: request.hook,
      crdVersion: version.version,
      inScopeOrders: orders.length,
      outcomes: decision.units.map((u) => u.outcome),
      coverage: memberCoverage.kind,
      policy: decision.policy?.declaration ?? service.policy.id,
      resources: indexed,
      ignoredOtherPatient: chart.ignored,
      dataKeys: chart.data.keys,
      fhirServerCalled: session.access !== undefined,
      cards: response.cards.length,
      elapsedMs: Math.round(elapsedMs),
    },
    'hook decided',
  );
  return response;
}

/**
 * FHIR access for the call, worked out once and only when needed: the allowlist check, one deadline and one
 * byte budget for every FHIR call of the hook (orders fetched by reference and the chart share both).
 */
function fhirSession(request: HookRequest, call: CallContext, deps: HookDeps): FhirSession {
  let decision: ReturnType<typeof resolveFhirAccess> | undefined;
  let deadline: AbortSignal | undefined;
  const access = () => (decision ??= resolveFhirAccess(request, call.client, deps.config));
  return {
    get access() {
      return access().access;
    },
    get refusal() {
      return access().refusal;
    },
    deadline: () => (deadline ??= AbortSignal.timeout(deps.config.fhirTimeoutMs)),
    client: deps.fhirClient,
    ...(call.fhirBytes ? { bytes: call.fhirBytes } : {}),
  };
}

/** Coverage information is recorded on each decided order's targets: each needs an id (an Appointment without one cannot be updated). */
function requireTargetIds(orders: HookOrder[]): void {
  for (const order of orders) {
    for (const target of order.targets) {
      if (target.resource === order.order) continue; // the order itself: its id was checked with the order
      const id = (target.resource as { id?: unknown }).id;
      if (typeof id !== 'string' || !FHIR_ID.test(id)) {
        const at = `${target.at ?? order.at}.id`;
        throw new BadRequestError(`${target.at ?? order.at} is ${/^[AEIOU]/.test(target.resource.resourceType) ? 'an' : 'a'} ${target.resource.resourceType} for a decided order and needs a FHIR id, for its coverage information`, at, typeof id === 'string' ? 'value' : 'required');
      }
    }
  }
}

function targetsLookup(orders: HookOrder[]): (order: ServiceRequest) => CoverageTarget[] {
  const byOrder = new Map(orders.map((o) => [o.order, o.targets]));
  return (order) => byOrder.get(order) ?? [{ resource: order, reference: `ServiceRequest/${order.id}` }];
}

/** "Type/id" of what each decided order was read from: the order, or the Appointment that stands for it. */
function orderReferences(orders: HookOrder[]): (order: ServiceRequest) => string {
  const byOrder = new Map(orders.map((o) => [o.order, o.standsFor]));
  return (order) => byOrder.get(order) ?? `ServiceRequest/${order.id}`;
}

/** Evidence citing an order read from another resource (an Appointment without an order) cites that resource. */
function standInReferences(decision: Decision, orders: HookOrder[]): void {
  const standIns = new Map(orders.filter((o) => o.standsFor).map((o) => [`ServiceRequest/${o.order.id}`, o.standsFor!]));
  if (standIns.size === 0) return;
  for (const unit of decision.units) {
    for (const result of unit.results) {
      result.evidence = result.evidence.map((e) => (e.reference && standIns.has(e.reference) ? { ...e, reference: standIns.get(e.reference)! } : e));
    }
  }
}

/** The calendar date where the service runs (TZ), as YYYY-MM-DD. */
export function localDate(now: Date): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}
