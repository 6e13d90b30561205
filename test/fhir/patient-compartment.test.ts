import type { FhirResource } from 'fhir/r4';
import { isAboutPatient } from '../../src/fhir/patient-compartment';

/** A resource is evidence for this patient only when it names this patient (issue 2, item 5). */
describe('isAboutPatient', () => {
  const about = (resource: object) => isAboutPatient(resource as FhirResource, 'pat-1');

  it.each([
    ['a relative reference', 'Patient/pat-1'],
    ['an absolute reference', 'https://ehr.example.test/fhir/Patient/pat-1'],
    ['a versioned reference', 'Patient/pat-1/_history/3'],
  ])('takes a Condition whose subject is %s to this patient', (_what, reference) => {
    expect(about({ resourceType: 'Condition', subject: { reference } })).toBe(true);
  });

  it('drops clinical resources about another patient, or about no one', () => {
    expect(about({ resourceType: 'Condition', subject: { reference: 'Patient/pat-10' } })).toBe(false);
    expect(about({ resourceType: 'Observation', subject: { reference: 'Group/g1' } })).toBe(false);
    expect(about({ resourceType: 'Procedure' })).toBe(false);
    expect(about({ resourceType: 'Observation', subject: { reference: '#contained' } })).toBe(false);
  });

  it('reads the patient from the element each type uses', () => {
    expect(about({ resourceType: 'Coverage', beneficiary: { reference: 'Patient/pat-1' } })).toBe(true);
    expect(about({ resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/pat-1' } })).toBe(true);
    expect(about({ resourceType: 'Device', patient: { reference: 'Patient/pat-2' } })).toBe(false);
  });

  it('keeps the Patient resource only when it is this patient', () => {
    expect(about({ resourceType: 'Patient', id: 'pat-1' })).toBe(true);
    expect(about({ resourceType: 'Patient', id: 'pat-2' })).toBe(false);
  });

  it('keeps reference data that belongs to no patient (Medication)', () => {
    expect(about({ resourceType: 'Medication', id: 'med-1', code: { text: 'ibuprofen' } })).toBe(true);
  });
});
