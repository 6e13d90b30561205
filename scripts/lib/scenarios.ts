import type { Bundle, Patient } from 'fhir/r4';
import { prefetchFromChart } from '../../src/dev/chart-prefetch';
import { loadServices } from '../../src/declarations/load';
import type { LoadedService } from '../../src/declarations/types';
import { ScenarioLibrary, type Scenario } from '../../src/scenarios/catalog';
import { UsageError } from './args';
import { buildHookRequest } from './hook-requests';
import { orderSignRequest, type OrderSignRequest } from './order-sign';

/** The service whose scenario patients the tools load and run by default. */
export const SERVICE_ID = 'facet-joint-interventions';

/**
 * A service's scenario patients, found by the service's id: its own and those of every policy it applies
 * (the facet service's CP.MP.171 patients and the Medicare LCD's).
 */
export function scenarioLibrary(serviceId = SERVICE_ID): ScenarioLibrary {
  const service = loadServices().find((s) => s.id === serviceId);
  if (!service) throw new Error(`No service ${serviceId} under cds-services/`);
  const library = ScenarioLibrary.forServiceAndPolicies(service);
  if (!library) throw new Error(`No scenarios found for ${serviceId} (cds-services/${serviceId}/scenarios/scenarios.json)`);
  return library;
}

/** The scenarios named on the command line (all when none), in catalog order; an unknown id is a usage error. */
export function selectScenarios(library: ScenarioLibrary, ids: string[] | undefined): Scenario[] {
  if (!ids || ids.length === 0) return library.scenarios;
  for (const id of ids) {
    if (!library.scenarios.some((s) => s.id === id || s.patientId === id)) {
      throw new UsageError(`No scenario "${id}". Known: ${library.scenarios.map((s) => s.id).join(', ')}`);
    }
  }
  return library.scenarios.filter((s) => ids.includes(s.id) || ids.includes(s.patientId));
}

/** "Susan Patel, female, born 1980-01-17" from the scenario's Patient resource. */
export function patientLine(bundle: Bundle): string {
  const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as Patient | undefined;
  if (!patient) return '(no Patient resource)';
  const name = patient.name?.[0];
  const display = name ? [...(name.given ?? []), name.family].filter(Boolean).join(' ') : `Patient/${patient.id}`;
  return [display, patient.gender, patient.birthDate ? `born ${patient.birthDate}` : undefined].filter(Boolean).join(', ');
}

/**
 * The order-sign request an EHR would send for a scenario patient: its draft orders and, as prefetch, its
 * chart answered to the service's declared templates (what the order-entry test page sends), dates moved
 * to `today` (undefined: as written).
 */
export function scenarioRequest(service: LoadedService, library: ScenarioLibrary, scenario: Scenario, today?: string): OrderSignRequest {
  const request = orderSignRequest({ patientId: scenario.patientId, orders: library.orders(scenario, today) });
  const chart = library.patientResources(scenario, today);
  return { ...request, prefetch: prefetchFromChart(service, chart, { patientId: scenario.patientId, userId: request.context.userId }) };
}

/**
 * The request of another hook for the same scenario patient, orders and chart (as the test page's hook
 * selector sends it): order-select selects every order, order-dispatch sends them to a pain clinic,
 * appointment-book books them, the signed orders in the prefetch's serviceRequests.
 */
export function scenarioHookRequest(hook: string, service: LoadedService, library: ScenarioLibrary, scenario: Scenario, today: string): Record<string, unknown> {
  const sign = scenarioRequest(service, library, scenario, today);
  if (hook === 'order-sign') return sign as unknown as Record<string, unknown>;
  return buildHookRequest(hook, {
    hookInstance: sign.hookInstance,
    patientId: scenario.patientId,
    userId: sign.context.userId,
    orders: sign.context.draftOrders.entry.map((e) => e.resource),
    prefetch: sign.prefetch,
    today,
  });
}
