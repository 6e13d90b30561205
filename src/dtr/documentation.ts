import { randomUUID } from 'node:crypto';
import type { Bundle, Coverage, FhirResource, Parameters, Questionnaire, QuestionnaireResponse, ServiceRequest } from 'fhir/r4';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { localDate } from '../cds/hook-handler';
import { resolveMemberCoverage } from '../cds/member-coverage';
import { assertWithinOrderLimit } from '../cds/order-limit';
import { policyForCall } from '../cds/policy-for-call';
import { inScopeHookOrders } from '../cds/relevance';
import type { HookRequest } from '../cds/types';
import type { LoadedService } from '../declarations/types';
import { decideChart } from '../decision/decide-chart';
import type { UnitDecision } from '../decision/types';
import { BadRequestError, NotFoundError } from '../errors';
import type { FhirClient } from '../fhir/fhir-client';
import { gatherChart } from '../fhir/gather';
import { resolveFhirAccess } from '../security/fhir-access';
import { pathwayOfUnit, type LoadedQuestionnaire } from './declaration';
import { ParametersBody } from './parameters';
import { populate } from './populate';
import { buildQuestionnaire, canonicalOf, usedValueSets } from './questionnaire';

/**
 * The documentation operations, on the same code as a hook call: the orders are read as order-sign reads
 * draft orders, the chart is gathered from the EHR's FHIR server with the caller's token (the same prefetch
 * templates, allowlist, deadline and byte budget), the policy is chosen by the member's coverage, and the
 * decision is made once. The questionnaire of each decision unit's pathway is then prefilled with what that
 * decision read of the record.
 */

export interface DocumentationDeps {
  config: AppConfig;
  services: LoadedService[];
  fhirClient: FhirClient;
  logger: Logger;
  clock: () => Date;
}

export interface DocumentedUnit {
  service: LoadedService;
  unit: UnitDecision;
  questionnaire: LoadedQuestionnaire;
  pathway: string;
  canonical: string;
  coverage?: string;
}

interface DocumentationRequest {
  orders: Array<{ at: string; resource: ServiceRequest }>;
  coverages: Array<{ at: string; resource: Coverage }>;
  fhirServer?: { at: string; value: string };
  accessToken?: string;
}

/** The orders' decision units, each with its pathway's questionnaire (only units whose policy has one). */
export async function documentedUnits(request: DocumentationRequest, deps: DocumentationDeps): Promise<DocumentedUnit[]> {
  const patientId = patientOf(request.orders);
  for (const { at, resource } of request.coverages) {
    const beneficiary = resource.beneficiary?.reference;
    if (beneficiary !== undefined && beneficiary !== `Patient/${patientId}`) throw new BadRequestError(`${at}: the Coverage is for ${String(beneficiary)}, not for the orders' patient`, `${at}.beneficiary`, 'value');
  }
  const candidates = request.orders.map(({ at, resource }) => ({ order: resource, at, idAt: `${at}.id`, targets: [{ resource, reference: `ServiceRequest/${resource.id}` }] }));
  const found = deps.services.map((service) => ({ service, inScope: inScopeHookOrders(candidates, service) })).find((s) => s.inScope.length > 0);
  if (!found) throw new BadRequestError(`No order is one this service decides (${deps.services.map((s) => s.definition.service.scope.valueSet).join(', ')})`, request.orders.map((o) => `${o.at}.code`), 'value');
  const { service, inScope } = found;
  const hook = service.hooks[0]!;
  assertWithinOrderLimit(inScope, service, hook.hook);

  const hookRequest: HookRequest = {
    hook: 'order-sign',
    hookInstance: randomUUID(),
    ...(request.fhirServer ? { fhirServer: request.fhirServer.value } : {}),
    ...(request.accessToken ? { fhirAuthorization: { access_token: request.accessToken, token_type: 'Bearer' } } : {}),
    context: { patientId, userId: 'Practitioner/unknown', draftOrders: { resourceType: 'Bundle', type: 'collection', entry: request.orders.map((o) => ({ resource: o.resource })) } as Bundle },
    // The Coverages sent count as the coverage key (DTR gives them); everything else comes from the FHIR server.
    ...(request.coverages.length > 0 ? { prefetch: coveragePrefetch(hook.prefetch, request.coverages.map((c) => c.resource)) } : {}),
  };
  // No CDS client signs these calls: the servers they may read are FHIR_SERVER_ALLOWLIST's (loopback when unset), in every mode.
  const decision = resolveFhirAccess(hookRequest, undefined, deps.config);
  if (request.fhirServer && !decision.access) throw new BadRequestError(`fhirServer cannot be used: ${decision.refusal}`, request.fhirServer.at, 'value');
  const bytes = deps.fhirClient.callBudget();
  try {
    const chart = await gatherChart({
      request: hookRequest,
      service,
      prefetch: hook.prefetch,
      client: deps.fhirClient,
      ...(decision.access ? { access: decision.access } : { accessRefusal: 'the request has no fhirServer parameter to read the chart from' }),
      deadline: AbortSignal.timeout(deps.config.fhirTimeoutMs),
      bytes,
    });
    const decided = new Set(inScope.map((o) => `ServiceRequest/${o.order.id}`));
    const resources = chart.resources.filter((r) => !decided.has(`${r.resourceType}/${r.id}`));
    const today = localDate(deps.clock());
    const memberCoverage = resolveMemberCoverage(resources, today, chart.data, hook.prefetch);
    const choice = policyForCall(service, { memberCoverage, resources, today });
    const orders = inScope.map((o) => o.order);
    const { decision: result } = decideChart(
      { service, policy: choice.policy, ...(choice.because ? { because: choice.because } : {}), orders, draftOrders: orders, resources, patientId, today, data: chart.data },
      deps.logger,
    );
    const questionnaire = choice.policy.questionnaire;
    const coverage = memberCoverage.kind === 'active' ? memberCoverage.reference : undefined;
    return result.units.flatMap((unit) => {
      const pathway = questionnaire ? pathwayOfUnit(questionnaire, unit.unit.summary) : undefined;
      return questionnaire && pathway ? [{ service, unit, questionnaire, pathway, canonical: canonicalOf(questionnaire, pathway), ...(coverage ? { coverage } : {}) }] : [];
    });
  } finally {
    bytes.release();
  }
}

/** $questionnaire-package (DTR): one package Bundle per questionnaire, each with its value sets and the response prefilled from the record. */
export async function questionnairePackage(body: unknown, deps: DocumentationDeps): Promise<Parameters> {
  const params = ParametersBody.read(body, '$questionnaire-package');
  const request = readRequest(params);
  const wanted = params.strings('questionnaire');
  if (request.orders.length === 0) throw new BadRequestError('$questionnaire-package needs at least one "order" (the ServiceRequest to document)', 'Parameters.parameter', 'required');
  const units = await documentedUnits(request, deps);
  const chosen = wanted.length === 0 ? units : units.filter((u) => wanted.some((w) => sameCanonical(w.value, u.canonical)));
  if (chosen.length === 0) {
    const why = wanted.length > 0 ? `none of the questionnaires asked for (${wanted.map((w) => w.value).join(', ')}) applies to these orders${units.length > 0 ? `; these do: ${units.map((u) => u.canonical).join(', ')}` : ''}` : 'the policy deciding these orders has no documentation questionnaire for their pathway';
    throw new NotFoundError(`No questionnaire package: ${why}`);
  }
  const today = localDate(deps.clock());
  const patientId = patientOf(request.orders);
  const byCanonical = new Map<string, DocumentedUnit[]>();
  for (const u of chosen) byCanonical.set(u.canonical, [...(byCanonical.get(u.canonical) ?? []), u]);
  return {
    resourceType: 'Parameters',
    parameter: [...byCanonical.values()].flatMap((group) =>
      group.map((u) => ({ name: 'PackageBundle', resource: packageBundle(u.questionnaire, u.pathway, populate({ questionnaire: u.questionnaire, pathway: u.pathway, unit: u.unit, patientId, today, ...(u.coverage ? { coverage: u.coverage } : {}) })) })),
    ),
  };
}

/** $populate (SDC): the response to one of our questionnaires, prefilled from the record for the order in `context`. */
export async function populateOperation(body: unknown, deps: DocumentationDeps, fixedQuestionnaire?: string): Promise<Parameters> {
  const params = ParametersBody.read(body, '$populate');
  const canonical = fixedQuestionnaire ? { at: 'Questionnaire', value: fixedQuestionnaire } : requestedQuestionnaire(params);
  const subject = params.named('subject')[0];
  const subjectRef = subject?.part.valueReference?.reference;
  if (!subject || typeof subjectRef !== 'string') throw new BadRequestError('$populate needs "subject" (valueReference to the Patient)', subject?.at ?? 'Parameters.parameter', 'required');
  const request = readRequest(params, 'context');
  if (request.orders.length === 0) throw new BadRequestError('$populate needs the order to document: a "context" part named "order" whose content is the ServiceRequest', 'Parameters.parameter', 'required');
  if (subjectRef !== `Patient/${patientOf(request.orders)}`) throw new BadRequestError(`subject ${subjectRef} is not the orders' patient`, `${subject.at}.valueReference`, 'value');
  const units = await documentedUnits(request, deps);
  const unit = units.find((u) => sameCanonical(canonical.value, u.canonical));
  if (!unit) throw new NotFoundError(`Questionnaire ${canonical.value} does not apply to these orders${units.length > 0 ? ` (these do: ${units.map((u) => u.canonical).join(', ')})` : ''}`);
  const response = populate({ questionnaire: unit.questionnaire, pathway: unit.pathway, unit: unit.unit, patientId: patientOf(request.orders), today: localDate(deps.clock()), ...(unit.coverage ? { coverage: unit.coverage } : {}) });
  return { resourceType: 'Parameters', parameter: [{ name: 'response', resource: response }] };
}

/** Every Questionnaire the loaded policies declare, by canonical URL and by id. */
export function allQuestionnaires(services: LoadedService[]): Array<{ questionnaire: LoadedQuestionnaire; pathway: string; resource: Questionnaire }> {
  const seen = new Set<string>();
  return services.flatMap((s) =>
    s.policies.flatMap((p) => {
      const q = p.questionnaire;
      if (!q || seen.has(q.declaration)) return [];
      seen.add(q.declaration);
      return Object.keys(q.json.pathways).map((pathway) => ({ questionnaire: q, pathway, resource: buildQuestionnaire(q, pathway) }));
    }),
  );
}

function packageBundle(q: LoadedQuestionnaire, pathway: string, response: QuestionnaireResponse): Bundle {
  const questionnaire = buildQuestionnaire(q, pathway);
  const resources: FhirResource[] = [questionnaire, ...usedValueSets(q, q.json.pathways[pathway]!.criteria), response];
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ ...(canonicalUrl(resource) ? { fullUrl: canonicalUrl(resource) } : {}), resource })) };
}

function canonicalUrl(resource: FhirResource): string | undefined {
  return 'url' in resource && typeof resource.url === 'string' ? resource.url : undefined;
}

function readRequest(params: ParametersBody, contextName?: string): DocumentationRequest {
  const fromContext = contextName ? contextResources(params, contextName) : undefined;
  const orders = fromContext ? fromContext.orders : params.resources<ServiceRequest>('order', ['ServiceRequest']);
  const coverages = fromContext ? fromContext.coverages : params.resources<Coverage>('coverage', ['Coverage']);
  const fhirServer = params.optionalString('fhirServer');
  const token = params.optionalString('fhirAccessToken');
  if (token && !fhirServer) throw new BadRequestError('fhirAccessToken is given without fhirServer: the token is only ever sent to the fhirServer named with it', token.at, 'required');
  return { orders, coverages, ...(fhirServer ? { fhirServer } : {}), ...(token ? { accessToken: token.value } : {}) };
}

/** SDC's `context` parts: `name` ("order", "coverage") and `content` (the resource). */
function contextResources(params: ParametersBody, name: string): Pick<DocumentationRequest, 'orders' | 'coverages'> {
  const orders: DocumentationRequest['orders'] = [];
  const coverages: DocumentationRequest['coverages'] = [];
  for (const { at, part } of params.named(name)) {
    const kind = part.part?.find((p) => p.name === 'name')?.valueString;
    const content = part.part?.find((p) => p.name === 'content');
    const resource = content?.resource as FhirResource | undefined;
    const where = `${at}.part[content].resource`;
    if (kind !== 'order' && kind !== 'coverage') throw new BadRequestError(`${at}: a context part is named "order" or "coverage" (part "name"), got ${JSON.stringify(kind ?? null)}`, `${at}.part`, 'value');
    const type = kind === 'order' ? 'ServiceRequest' : 'Coverage';
    if (!resource || resource.resourceType !== type) throw new BadRequestError(`${at}: the "${kind}" context needs its ${type} in part "content"`, where, 'required');
    if (typeof resource.id !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(resource.id)) throw new BadRequestError(`${where} (${type}) needs a FHIR id`, `${where}.id`, 'required');
    if (kind === 'order') orders.push({ at: where, resource: resource as ServiceRequest });
    else coverages.push({ at: where, resource: resource as Coverage });
  }
  return { orders, coverages };
}

function requestedQuestionnaire(params: ParametersBody): { at: string; value: string } {
  const resource = params.named('questionnaire').find((p) => p.part.resource);
  if (resource) {
    const url = (resource.part.resource as Questionnaire).url;
    if (resource.part.resource?.resourceType !== 'Questionnaire' || typeof url !== 'string') throw new BadRequestError(`${resource.at}.resource must be a Questionnaire with its url`, `${resource.at}.resource`, 'required');
    return { at: resource.at, value: url };
  }
  const given = params.optionalString('questionnaireRef') ?? params.optionalString('canonical') ?? params.optionalString('questionnaire');
  if (!given) throw new BadRequestError('$populate needs the questionnaire: "questionnaire" (the resource or its canonical) or "canonical"', 'Parameters.parameter', 'required');
  return given;
}

function patientOf(orders: Array<{ at: string; resource: ServiceRequest }>): string {
  let patient: string | undefined;
  for (const { at, resource } of orders) {
    const ref = resource.subject?.reference;
    const id = typeof ref === 'string' && ref.startsWith('Patient/') ? ref.slice('Patient/'.length) : undefined;
    if (!id || !/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw new BadRequestError(`${at}.subject must reference the Patient ("Patient/<id>")`, `${at}.subject`, 'required');
    if (patient !== undefined && id !== patient) throw new BadRequestError(`${at} is for Patient/${id}, another patient than the other orders (Patient/${patient})`, `${at}.subject`, 'value');
    patient = id;
  }
  return patient ?? '';
}

/** url or url|version matches url|version. */
function sameCanonical(given: string, canonical: string): boolean {
  return given === canonical || given === canonical.split('|')[0];
}

function coveragePrefetch(prefetch: Record<string, { template: string }>, coverages: Coverage[]): Record<string, unknown> {
  const key = Object.entries(prefetch).find(([, p]) => p.template.startsWith('Coverage'))?.[0];
  return key ? { [key]: { resourceType: 'Bundle', type: 'searchset', entry: coverages.map((resource) => ({ resource })) } } : {};
}
