import type { FhirResource } from 'fhir/r4';
import type { HookRequest } from '../../src/cds/types';
import { loadServices } from '../../src/declarations/load';
import { FhirClient } from '../../src/fhir/fhir-client';
import { gatherChart } from '../../src/fhir/gather';
import { aboutPatient, isAboutPatient } from '../../src/fhir/patient-compartment';
import { PATIENT_ID, facetOrder, fullPrefetch, hookRequest, patient } from '../helpers/builders';

const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;

function observation(i: number, subject: string): FhirResource {
  return { resourceType: 'Observation', id: `o${i}`, status: 'final', code: { text: 'Heart rate' }, subject: { reference: subject } } as FhirResource;
}

describe('gathering the chart: scale, and the patient check per chart', () => {
  it('takes a prefetch Bundle of 200,000 entries (a spread push would overflow the stack)', async () => {
    const chart = [patient(), ...Array.from({ length: 200_000 }, (_, i) => observation(i, `Patient/${PATIENT_ID}`))];
    const request = hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch(chart) }) as unknown as HookRequest;
    const gathered = await gatherChart({ request, service, client: new FhirClient({ maxPages: 1, maxConcurrency: 1 }), deadline: AbortSignal.timeout(5000) });
    expect(gathered.resources).toHaveLength(200_001);
  });

  it('keeps this patient\'s resources however the reference is written, and no one else\'s', () => {
    const about = aboutPatient(PATIENT_ID);
    const cases: Array<[string, boolean]> = [
      [`Patient/${PATIENT_ID}`, true],
      [`https://ehr.example.org/fhir/Patient/${PATIENT_ID}`, true],
      [`Patient/${PATIENT_ID}/_history/3`, true],
      ['Patient/someone-else', false],
      [`Group/${PATIENT_ID}`, false],
      ['#contained', false],
    ];
    for (const [reference, expected] of cases) {
      expect(about(observation(1, reference))).toBe(expected);
      expect(isAboutPatient(observation(1, reference), PATIENT_ID)).toBe(expected);
    }
    expect(about({ resourceType: 'Observation', id: 'x', status: 'final', code: {} } as FhirResource)).toBe(false);
    expect(about({ resourceType: 'Medication', id: 'm' } as FhirResource)).toBe(true);
    expect(about(patient('someone-else'))).toBe(false);
  });

  it('an id the reference pattern cannot hold matches nothing, written exactly or not', () => {
    const odd = 'x'.repeat(70); // longer than a FHIR id: normalisation refuses it
    expect(aboutPatient(odd)(observation(1, `Patient/${odd}`))).toBe(false);
  });
});
