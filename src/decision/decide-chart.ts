import type { FhirResource, ServiceRequest } from 'fhir/r4';
import type { Logger } from 'pino';
import type { LoadedPolicy, LoadedService } from '../declarations/types';
import { extractFacts } from '../facts/extract';
import { ResourceIndex } from '../facts/resource-index';
import { RequestMemo } from '../kit/memo';
import { TextBound } from '../facts/text-bound';
import { decide, type Attest } from './evaluate';
import { applyAttestations, readResponses } from '../dtr/answers';
import type { DataStatus, Decision } from './types';

export interface ChartDecisionInput {
  service: LoadedService;
  /** The policy that decides (src/cds/policy-for-call.ts); default the service's own. */
  policy?: LoadedPolicy;
  /** Why that policy decides for this member (the selection rule), for the card. */
  because?: string;
  /** The in-scope draft orders. */
  orders: ServiceRequest[];
  /** Every draft order of the session (facts may read them all). */
  draftOrders: FhirResource[];
  /** The patient's record, already restricted to this patient. */
  resources: FhirResource[];
  patientId: string;
  /** YYYY-MM-DD */
  today: string;
  data: DataStatus;
}

export interface ChartDecision {
  decision: Decision;
  /** Resources indexed (for the log). */
  indexed: number;
}

/**
 * A decision as a pure function of (record, orders, today, declaration, policy): index once, extract the
 * policy's facts once, decide. Text is read up to the service's limits.maxTextCharsPerField per field, whichever
 * policy decides; what was cut is added to `input.data.textNotRead`, for the cards and the decision record.
 */
export function decideChart(input: ChartDecisionInput, logger?: Logger): ChartDecision {
  const policy = input.policy ?? input.service.policy;
  const bound = new TextBound(input.service.limits.maxTextCharsPerField);
  const index = new ResourceIndex(input.resources, bound);
  const facts = extractFacts(policy.facts, index, withoutCollidingIds(input.draftOrders, input.orders), bound);
  const decision = decide(
    { service: input.service, policy, orders: input.orders, facts, patientId: input.patientId, today: input.today, data: input.data, memo: new RequestMemo() },
    logger,
    input.because,
    attestations(policy, index, input),
  );
  const notRead = bound.report();
  if (notRead) input.data.textNotRead = notRead;
  return { decision, indexed: index.size };
}

/**
 * Facts name each draft order "Type/id", and the policy finds an in-scope order's facts by that name. An
 * order outside scope may carry the same id as one in scope (its id is not checked, see relevance.ts): it
 * is read without its id (named by position), so its facts cannot stand in for the in-scope order's.
 */
function withoutCollidingIds(draftOrders: FhirResource[], inScope: ServiceRequest[]): FhirResource[] {
  const decided = new Set<FhirResource>(inScope);
  const names = new Set(inScope.map((o) => `${o.resourceType}/${o.id}`));
  return draftOrders.map((resource) => {
    if (decided.has(resource) || typeof resource.id !== 'string' || !names.has(`${resource.resourceType}/${resource.id}`)) return resource;
    const { id: _id, ...rest } = resource;
    return rest as FhirResource;
  });
}

/** The policy's questionnaire answers in the record (completed QuestionnaireResponses), read once, applied per unit. */
function attestations(policy: LoadedPolicy, index: ResourceIndex, input: ChartDecisionInput): Attest | undefined {
  const questionnaire = policy.questionnaire;
  if (!questionnaire) return undefined;
  const found = index.ofType('QuestionnaireResponse');
  if (found.length === 0) return undefined;
  const reading = { maxTextChars: input.service.limits.maxTextCharsPerField, today: input.today };
  const responses = readResponses(found, reading);
  return (unit, results) => applyAttestations(questionnaire, unit, results, responses, reading);
}
