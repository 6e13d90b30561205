import type { FhirResource, ServiceRequest } from 'fhir/r4';
import type { Logger } from 'pino';
import type { LoadedService } from '../declarations/types';
import { extractFacts } from '../facts/extract';
import { ResourceIndex } from '../facts/resource-index';
import { TextBound } from '../facts/text-bound';
import { decide } from './evaluate';
import type { DataStatus, Decision } from './types';

export interface ChartDecisionInput {
  service: LoadedService;
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
 * A decision as a pure function of (record, orders, today, declaration): index once, extract facts once, decide.
 * Text is read up to the service's limits.maxTextCharsPerField per field; what was cut is added to
 * `input.data.textNotRead`, for the cards and the decision record.
 */
export function decideChart(input: ChartDecisionInput, logger?: Logger): ChartDecision {
  const bound = new TextBound(input.service.limits.maxTextCharsPerField);
  const index = new ResourceIndex(input.resources, bound);
  const facts = extractFacts(input.service.facts, index, withoutCollidingIds(input.draftOrders, input.orders), bound);
  const decision = decide(
    { service: input.service, orders: input.orders, facts, patientId: input.patientId, today: input.today, data: input.data },
    logger,
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
