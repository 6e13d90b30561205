import type { FhirResource } from 'fhir/r4';
import { normalizeReference } from './references';

/** Where each clinical resource type names its patient. Types not listed carry no patient (Medication...). */
const PATIENT_ELEMENTS: Record<string, string[]> = {
  AllergyIntolerance: ['patient'],
  CarePlan: ['subject'],
  Condition: ['subject'],
  Coverage: ['beneficiary'],
  Device: ['patient'],
  DeviceRequest: ['subject'],
  DiagnosticReport: ['subject'],
  DocumentReference: ['subject'],
  Encounter: ['subject'],
  ImagingStudy: ['subject'],
  MedicationAdministration: ['subject'],
  MedicationDispense: ['subject'],
  MedicationRequest: ['subject'],
  MedicationStatement: ['subject'],
  Observation: ['subject'],
  Procedure: ['subject'],
  QuestionnaireResponse: ['subject'],
  ServiceRequest: ['subject'],
};

/**
 * True when the resource is about this patient, or is reference data with no patient (Medication,
 * Practitioner...). A clinical resource naming another patient, or none, is not evidence for this one.
 */
export function isAboutPatient(resource: FhirResource, patientId: string): boolean {
  return aboutPatient(patientId)(resource);
}

/**
 * isAboutPatient for one patient, as a predicate for a whole chart: the expected reference is built once,
 * and a reference already written exactly as expected (nearly all of them) skips normalisation.
 */
export function aboutPatient(patientId: string): (resource: FhirResource) => boolean {
  const expected = `Patient/${patientId}`;
  const exactMatches = normalizeReference(expected) === expected;
  return (resource) => {
    if (resource.resourceType === 'Patient') return resource.id === patientId;
    const elements = PATIENT_ELEMENTS[resource.resourceType];
    if (!elements) return true;
    const r = resource as unknown as Record<string, { reference?: unknown } | undefined>;
    for (const element of elements) {
      const reference = r[element]?.reference;
      if (reference === expected ? exactMatches : normalizeReference(reference) === expected) return true;
    }
    return false;
  };
}
