import type { OperationOutcome } from 'fhir/r4';
import type { HookResponse } from '../../src/cds/types';
import type { ScenarioLibrary, Scenario } from '../../src/scenarios/catalog';
import { outcomeText } from './fhir-loader';
import { callService } from './local-service';
import { orderSignRequest } from './order-sign';
import { summarizeResponse, type ResponseSummary } from './response-summary';

/**
 * One scenario signed through the real HTTP path: an order-sign request carrying only `fhirServer`
 * (no prefetch), so the service fetches the whole chart from that server, then the response read back
 * and compared with what the scenario documents. It asks for the meets-policy cards too.
 */
export interface ScenarioRun {
  scenario: Scenario;
  status: number;
  summary?: ResponseSummary;
  /** The service's error (non-200), as text. */
  error?: string;
  /** Where the answer differs from the scenario's expectation; empty when as expected. */
  differences: string[];
  elapsedMs: number;
}

export interface RunTarget {
  serviceUrl: string;
  serviceId: string;
  fhirServer: string;
  /** YYYY-MM-DD the patient's dates were moved to (undefined: as written). */
  today?: string;
}

export async function runScenario(library: ScenarioLibrary, scenario: Scenario, target: RunTarget): Promise<ScenarioRun> {
  const started = performance.now();
  const request = orderSignRequest({
    patientId: scenario.patientId,
    orders: library.orders(scenario, target.today),
    fhirServer: target.fhirServer,
    // The demo shows every decision, the orders that meet the policy too (off by default: CRD resp-12).
    extension: { 'davinci-crd.configuration': { 'meets-policy': true } },
  });
  const answer = await callService(target.serviceUrl, target.serviceId, request);
  const elapsedMs = performance.now() - started;
  if (answer.status !== 200) {
    const body = answer.body as OperationOutcome | undefined;
    const error = `HTTP ${answer.status}${body?.resourceType === 'OperationOutcome' ? `: ${outcomeText(body)}` : ''}`;
    return { scenario, status: answer.status, error, differences: [`the service answered ${error}`], elapsedMs };
  }
  const summary = summarizeResponse(answer.body as HookResponse);
  return { scenario, status: answer.status, summary, differences: compareWithExpectation(scenario, summary), elapsedMs };
}

/** Each expected order's outcome, and the expected suggestion on its card. */
export function compareWithExpectation(scenario: Scenario, summary: ResponseSummary): string[] {
  const differences: string[] = [];
  for (const expected of scenario.expected) {
    const ref = `ServiceRequest/${expected.order}`;
    const got = summary.orders.find((o) => o.order === ref);
    if (!got) differences.push(`${ref}: no coverage information in the response (expected ${expected.outcome})`);
    else if (got.outcome !== expected.outcome) differences.push(`${ref}: expected ${expected.outcome}, got ${got.outcome}`);
    if (expected.suggestion) {
      const labels = summary.cards.filter((c) => c.orders.includes(ref)).flatMap((c) => c.suggestions.map((s) => s.label));
      if (!labels.some((l) => l.includes(expected.suggestion!))) differences.push(`${ref}: expected a suggestion containing "${expected.suggestion}"`);
    }
  }
  return differences;
}
