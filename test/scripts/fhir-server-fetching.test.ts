import type { Patient } from 'fhir/r4';
import axios from 'axios';
import { localDate } from '../../src/cds/hook-handler';
import type { Runtime } from '../../src/runtime';
import { startEmbeddedFhirServer, type EmbeddedFhirServer } from '../../scripts/lib/embedded-fhir-server';
import { countByType, postTransaction } from '../../scripts/lib/fhir-loader';
import { runScenario } from '../../scripts/lib/scenario-run';
import { SERVICE_ID, scenarioLibrary } from '../../scripts/lib/scenarios';
import { listen } from '../helpers/listen';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * The promise of the scenario patients: loaded into a FHIR server over HTTP by the load-patients code,
 * they produce their documented outcome when an EHR sends only `fhirServer` (no prefetch) and the
 * service fetches the whole chart itself.
 */
const library = scenarioLibrary();
const today = localDate(TEST_NOW);

describe('scenario patients loaded into a FHIR server, decided through fhirServer fetching', () => {
  let fhir: EmbeddedFhirServer;
  let runtime: Runtime;
  let service: { baseUrl: string; close(): Promise<void> };

  beforeAll(async () => {
    fhir = await startEmbeddedFhirServer();
    runtime = await testRuntime({ env: { FHIR_TIMEOUT_MS: '20000' } });
    service = await listen(runtime.app);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await runtime?.close();
    await fhir?.close();
  });

  it.each(library.scenarios.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const bundle = library.patientBundle(scenario, today);
    const loaded = await postTransaction({ baseUrl: fhir.baseUrl }, bundle);
    expect(loaded.entries).toHaveLength(bundle.entry!.length);
    expect(loaded.other).toBe(0);

    const fetchesBefore = await fhirRequestCount(runtime);
    const run = await runScenario(library, scenario, { serviceUrl: service.baseUrl, serviceId: SERVICE_ID, fhirServer: fhir.baseUrl, today });
    expect({ status: run.status, error: run.error }).toEqual({ status: 200, error: undefined });
    expect(run.differences).toEqual([]);
    for (const expected of scenario.expected) {
      expect(run.summary!.orders.find((o) => o.order === `ServiceRequest/${expected.order}`)?.outcome).toBe(expected.outcome);
    }
    // The chart came from the FHIR server: one fetch per declared prefetch key.
    const declared = Object.keys(runtime.deps.services.find((s) => s.id === 'facet-joint-interventions')!.definition.service.prefetch).length;
    expect((await fhirRequestCount(runtime)) - fetchesBefore).toBe(declared);
  });

  it('serves what was loaded: every resource of a patient is found by the searches the service makes', async () => {
    const scenario = library.find('facet-05-ultrasound-guided')!;
    const bundle = library.patientBundle(scenario, today);
    await postTransaction({ baseUrl: fhir.baseUrl }, bundle);
    const counts = countByType(bundle);
    for (const [type, n] of Object.entries(counts)) {
      if (type === 'Patient') continue;
      const search = await axios.get(`${fhir.baseUrl}/${type}?patient=${scenario.patientId}`);
      expect({ type, found: search.data.entry?.length ?? 0 }).toEqual({ type, found: n });
    }
    const patient = await axios.get(`${fhir.baseUrl}/Patient/${scenario.patientId}`);
    expect(patient.data.birthDate).toBe((bundle.entry!.find((e) => e.resource!.resourceType === 'Patient')!.resource as Patient).birthDate);
  });
});

async function fhirRequestCount(runtime: Runtime): Promise<number> {
  const metric = await runtime.deps.metrics.fhirRequestDuration.get();
  return metric.values.filter((v) => v.metricName === 'cds_fhir_request_duration_seconds_count').reduce((sum, v) => sum + v.value, 0);
}
