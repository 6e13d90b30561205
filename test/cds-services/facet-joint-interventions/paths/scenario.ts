import type { ServiceRequest } from 'fhir/r4';
import type { CriterionStatus, DataStatus, Outcome } from '../../../../src/decision/types';
import { ChartBuilder } from '../../../helpers/chart';

/** One policy path: a chart, the orders signed, and what the service must decide for each order. */
export interface PathScenario {
  name: string;
  chart(c: ChartBuilder): void;
  orders(c: ChartBuilder): ServiceRequest[];
  expect: Record<string, OrderExpectation>;
  /** Prefetch keys whose fetch failed (the decision must be indeterminate where they matter). */
  failedKeys?: string[];
  /** Notice ids expected (medicare, medicaid, no-active-coverage). */
  notices?: string[];
}

export interface OrderExpectation {
  outcome: Outcome;
  /** Criterion id → status; criteria not listed are not checked. */
  criteria?: Record<string, CriterionStatus>;
  /** Criteria that must not apply to this order. */
  notApplicable?: string[];
  /** Suggestion labels expected (each pattern must match one suggestion). */
  suggestions?: RegExp[];
  noSuggestions?: boolean;
  firstEligibleDate?: string;
  /**
   * Evidence lines per criterion id: each `counted` pattern must match a line the answer rests on, each
   * `setAside` pattern a line reporting evidence found but not counted (Evidence.setAside); `notCounted`
   * must match no counted line (a card must not quote it as evidence).
   */
  evidence?: Record<string, { counted?: RegExp[]; setAside?: RegExp[]; notCounted?: RegExp }>;
  /** Criterion id → a pattern its evidence must reference (Evidence.reference, "Type/id"). */
  references?: Record<string, RegExp>;
}

export function buildChart(scenario: PathScenario): { builder: ChartBuilder; orders: ServiceRequest[] } {
  const builder = new ChartBuilder();
  scenario.chart(builder);
  return { builder, orders: scenario.orders(builder) };
}

export function dataStatus(failed: string[] = []): DataStatus {
  const keys = ['patient', 'coverage', 'conditions', 'procedures', 'observations', 'medicationRequests', 'medicationStatements', 'medicationDispenses', 'allergies', 'devices', 'imagingReports', 'serviceRequests'];
  return {
    keys: Object.fromEntries(keys.map((k) => [k, failed.includes(k) ? 'failed' : 'provided'])),
    failures: Object.fromEntries(failed.map((k) => [k, 'the FHIR server failed (500)'])),
  };
}
