import type { Bundle, FhirResource } from 'fhir/r4';
import { loadServices } from '../../src/declarations/load';
import { prefetchFromChart } from '../../src/dev/chart-prefetch';
import { LOINC, PATIENT_ID, SERVICE_ID, activeCoverage, patient } from '../helpers/builders';

const service = loadServices().find((s) => s.id === SERVICE_ID)!;
const context = { patientId: PATIENT_ID, userId: 'Practitioner/dr-1' };

function ids(value: unknown): string[] {
  return ((value as Bundle).entry ?? []).map((e) => (e.resource as FhirResource).id!);
}

describe('prefetch answered from a chart in memory (src/dev/chart-prefetch.ts)', () => {
  const chart: FhirResource[] = [
    patient(),
    activeCoverage('cov-active'),
    activeCoverage('cov-cancelled', { status: 'cancelled' }),
    { resourceType: 'Observation', id: 'oswestry', status: 'final', subject: { reference: `Patient/${PATIENT_ID}` }, code: { coding: [{ system: LOINC, code: '97909-6' }] } },
    { resourceType: 'Observation', id: 'blood-pressure', status: 'final', subject: { reference: `Patient/${PATIENT_ID}` }, code: { coding: [{ system: LOINC, code: '85354-9' }] } },
    { resourceType: 'Condition', id: 'other-patient', subject: { reference: 'Patient/someone-else' }, code: { text: 'back pain' } },
  ];
  const prefetch = prefetchFromChart(service, chart, context);

  it('fills every declared key: a read with the resource, searches with searchset Bundles', () => {
    expect(Object.keys(prefetch).sort()).toEqual(Object.keys(service.definition.service.prefetch).sort());
    expect(prefetch.patient).toMatchObject({ resourceType: 'Patient', id: PATIENT_ID });
    // Nothing found: total 0 and no entry (FHIR JSON has no empty arrays).
    expect(prefetch.devices).toEqual({ resourceType: 'Bundle', type: 'searchset', total: 0 });
  });

  it('applies the templates\' status, code and patient parameters', () => {
    expect(ids(prefetch.coverage)).toEqual(['cov-active']);
    expect(ids(prefetch.observations)).toEqual(['oswestry']);
    expect(ids(prefetch.conditions)).toEqual([]);
  });

  it('answers a read of a patient not in the chart with null, as CDS Hooks prescribes', () => {
    expect(prefetchFromChart(service, [], context).patient).toBeNull();
  });
});
