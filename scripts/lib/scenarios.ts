import type { Bundle, Patient } from 'fhir/r4';
import { ScenarioLibrary, type Scenario } from '../../src/scenarios/catalog';
import { UsageError } from './args';

/** The service whose scenario patients the tools load and run. */
export const SERVICE_ID = 'facet-joint-interventions';

export function scenarioLibrary(): ScenarioLibrary {
  const library = ScenarioLibrary.forService(SERVICE_ID);
  if (!library) throw new Error(`No scenarios found for ${SERVICE_ID} (cds-services/${SERVICE_ID}/scenarios/scenarios.json)`);
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
