import type { FhirResource } from 'fhir/r4';
import { CPT, ICD10, LOINC, PATIENT_REF, RXNORM, activeCoverage, patient } from '../helpers/builders';

/** Chart resources for audit and report tests: a bare chart, and one documenting the diagnostic-block criteria. */
export function bareChart(): FhirResource[] {
  return [patient(), activeCoverage()];
}

/** `therapyWeeks` sessions of physical therapy, one a week (the policy asks for 4). */
export function documentedChart(therapyWeeks = 4): FhirResource[] {
  const subject = { reference: PATIENT_REF };
  const active = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] };
  return [
    ...bareChart(),
    { resourceType: 'Condition', id: 'lbp', subject, clinicalStatus: active, code: { coding: [{ system: ICD10, code: 'M54.50' }] }, onsetDateTime: '2026-01-10' },
    { resourceType: 'Condition', id: 'facet', subject, clinicalStatus: active, code: { coding: [{ system: ICD10, code: 'M47.816' }] }, onsetDateTime: '2026-02-01' },
    {
      resourceType: 'Observation',
      id: 'odi',
      status: 'final',
      subject,
      code: { coding: [{ system: LOINC, code: '97909-6' }] },
      effectiveDateTime: '2026-10-01',
      valueQuantity: { value: 40, unit: '%' },
    },
    ...Array.from({ length: therapyWeeks }, (_, i) => ({
      resourceType: 'Procedure',
      id: `pt-${i + 1}`,
      status: 'completed',
      subject,
      code: { coding: [{ system: CPT, code: '97110' }] },
      performedDateTime: `2026-08-${String(3 + 7 * i).padStart(2, '0')}`,
    })),
    { resourceType: 'Procedure', id: 'xray', status: 'completed', subject, code: { coding: [{ system: CPT, code: '72100' }] }, performedDateTime: '2026-03-01' },
    {
      resourceType: 'MedicationStatement',
      id: 'ibuprofen',
      status: 'completed',
      subject,
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '5640', display: 'ibuprofen' }], text: 'ibuprofen' },
      effectivePeriod: { start: '2026-06-01', end: '2026-07-15' },
    },
    { resourceType: 'ServiceRequest', id: 'rf-plan', status: 'active', intent: 'plan', subject, code: { coding: [{ system: CPT, code: '64635' }] } },
  ] as FhirResource[];
}
