import type { FhirResource, ServiceRequest } from 'fhir/r4';
import type { Logger } from 'pino';
import type { LoadedService } from '../declarations/types';
import { extractFacts } from '../facts/extract';
import { ResourceIndex } from '../facts/resource-index';
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

/** A decision as a pure function of (record, orders, today, declaration): index once, extract facts once, decide. */
export function decideChart(input: ChartDecisionInput, logger?: Logger): ChartDecision {
  const index = new ResourceIndex(input.resources);
  const facts = extractFacts(input.service.facts, index, input.draftOrders);
  const decision = decide(
    { service: input.service, orders: input.orders, facts, patientId: input.patientId, today: input.today, data: input.data },
    logger,
  );
  return { decision, indexed: index.size };
}
