import type { FhirResource, ServiceRequest } from 'fhir/r4';
import { CPT, ICD10, LOCAL, LOINC, PREFETCH_KEYS, RXNORM, SNOMED, fullPrefetch } from '../test/helpers/builders';

/**
 * A realistic facet-joint patient chart and order-sign request, for the soak script and the fuzz tests:
 * months of neck pain with facet arthropathy, physical therapy, NSAIDs, a prior diagnostic medial branch
 * block with pain scores before and after, imaging, plus the unrelated history a real chart carries
 * (hypertension, diabetes, lab-free vitals, other medications). Deterministic for a given `variant`.
 */

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

/** The prefetch keys the facet service declares and the resource types that fill each one. */
export const PREFETCH_KEY_TYPES = PREFETCH_KEYS;

export interface ChartOptions {
  patientId: string;
  /** YYYY-MM-DD: the day the order is signed. */
  today: string;
  /** Varies ids, dates and the amount of unrelated history. */
  variant?: number;
}

function daysBefore(today: string, days: number): string {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export function realisticChart({ patientId, today, variant = 0 }: ChartOptions): FhirResource[] {
  const subject = { reference: `Patient/${patientId}` };
  const ago = (days: number) => daysBefore(today, days + (variant % 7));
  const id = (name: string) => `${name}-${variant}`;
  const chart: FhirResource[] = [
    { resourceType: 'Patient', id: patientId, name: [{ family: 'Rivera', given: ['Alex'] }], gender: 'female', birthDate: '1968-04-12' },
    { resourceType: 'Coverage', id: id('cov'), status: 'active', beneficiary: subject, payor: [{ display: 'Ambetter Health' }], class: [{ type: { text: 'plan' }, value: 'AMB-SILVER' }] },
    condition(id('neck-pain'), subject, ICD10, 'M54.2', 'Cervicalgia', ago(200)),
    condition(id('spondylosis'), subject, ICD10, 'M47.812', 'Spondylosis without myelopathy or radiculopathy, cervical region', ago(150)),
    condition(id('htn'), subject, ICD10, 'I10', 'Essential hypertension', ago(2000)),
    condition(id('t2dm'), subject, ICD10, 'E11.9', 'Type 2 diabetes mellitus without complications', ago(1500)),
    condition(id('hld'), subject, ICD10, 'E78.5', 'Hyperlipidemia', ago(1400)),
    condition(id('gerd'), subject, ICD10, 'K21.9', 'Gastro-esophageal reflux disease without esophagitis', ago(900)),
    { resourceType: 'Procedure', id: id('mri'), status: 'completed', subject, code: { coding: [{ system: CPT, code: '72141', display: 'MRI cervical spine without contrast' }] }, performedDateTime: ago(140) },
    { resourceType: 'Procedure', id: id('prior-mbb'), status: 'completed', subject, code: { coding: [{ system: CPT, code: '64490' }], text: 'Diagnostic medial branch block C5-C6' }, category: { coding: [{ system: LOCAL, code: 'diagnostic' }] }, bodySite: [{ text: 'C5-C6 facet joint, right' }], performedDateTime: ago(30) },
    { resourceType: 'Procedure', id: id('colonoscopy'), status: 'completed', subject, code: { coding: [{ system: CPT, code: '45378', display: 'Colonoscopy' }] }, performedDateTime: ago(800) },
    { resourceType: 'Procedure', id: id('home-exercise'), status: 'completed', subject, code: { coding: [{ system: LOCAL, code: 'home-exercise-program' }], text: 'Home exercise program for neck' }, performedPeriod: { start: ago(120), end: ago(60) } },
    { resourceType: 'Observation', id: id('pain-pre'), status: 'final', subject, code: { coding: [{ system: LOINC, code: '72514-3' }] }, effectiveDateTime: `${ago(30)}T09:00:00Z`, valueInteger: 7, partOf: [{ reference: `Procedure/${id('prior-mbb')}` }] } as FhirResource,
    { resourceType: 'Observation', id: id('pain-post'), status: 'final', subject, code: { coding: [{ system: LOINC, code: '72514-3' }] }, effectiveDateTime: `${ago(30)}T11:00:00Z`, valueInteger: 1, partOf: [{ reference: `Procedure/${id('prior-mbb')}` }] } as FhirResource,
    { resourceType: 'Observation', id: id('relief'), status: 'final', subject, code: { coding: [{ system: LOCAL, code: 'block-relief-pct' }] }, effectiveDateTime: `${ago(30)}T11:00:00Z`, valueQuantity: { value: 85, unit: '%', system: 'http://unitsofmeasure.org', code: '%' }, partOf: [{ reference: `Procedure/${id('prior-mbb')}` }] } as FhirResource,
    { resourceType: 'Observation', id: id('ndi'), status: 'final', subject, code: { coding: [{ system: LOCAL, code: 'ndi-score' }] }, effectiveDateTime: ago(35), valueInteger: 42 },
    { resourceType: 'Observation', id: id('exam'), status: 'final', subject, code: { coding: [{ system: LOCAL, code: 'pain-on-extension-rotation' }] }, effectiveDateTime: ago(35), valueCodeableConcept: { coding: [{ system: SNOMED, code: '10828004', display: 'Positive' }] } },
    { resourceType: 'Observation', id: id('adl'), status: 'final', subject, code: { coding: [{ system: LOCAL, code: 'adl-interference' }] }, effectiveDateTime: ago(35), valueBoolean: true },
    medicationRequest(id('ibuprofen'), subject, '5640', 'Ibuprofen 600 mg tablet', ago(110), ago(70), 'completed'),
    medicationRequest(id('lisinopril'), subject, '29046', 'Lisinopril 10 mg tablet', ago(700), ago(-300), 'active'),
    medicationRequest(id('metformin'), subject, '6809', 'Metformin 500 mg tablet', ago(1400), ago(-200), 'active'),
    medicationRequest(id('atorvastatin'), subject, '83367', 'Atorvastatin 20 mg tablet', ago(1300), ago(-100), 'active'),
    { resourceType: 'MedicationStatement', id: id('naproxen'), status: 'completed', subject, medicationCodeableConcept: { coding: [{ system: RXNORM, code: '7258' }], text: 'Naproxen 500 mg' }, effectivePeriod: { start: ago(180), end: ago(150) } },
    { resourceType: 'AllergyIntolerance', id: id('pcn'), patient: subject, code: { coding: [{ system: RXNORM, code: '70618' }], text: 'Penicillin' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] } },
    { resourceType: 'DiagnosticReport', id: id('mri-report'), status: 'final', subject, code: { coding: [{ system: LOINC, code: '36300-2' }], text: 'MRI cervical spine' }, effectiveDateTime: ago(140), conclusion: 'Multilevel facet arthropathy C4-C7, no foraminal stenosis, no cord compression.' },
    { resourceType: 'ServiceRequest', id: id('rf-plan'), status: 'active', intent: 'plan', subject, code: { coding: [{ system: CPT, code: '64633' }], text: 'Radiofrequency ablation C5-C6 if block positive' }, authoredOn: ago(30) },
  ];
  // Physical therapy: two sessions a week for six weeks.
  for (let week = 0; week < 6; week++) {
    for (const day of [0, 3]) {
      chart.push({ resourceType: 'Procedure', id: id(`pt-${week}-${day}`), status: 'completed', subject, code: { coding: [{ system: CPT, code: '97110', display: 'Therapeutic exercise' }], text: 'Physical therapy, neck' }, performedDateTime: ago(120 - week * 7 - day) });
    }
  }
  // Pain scores at visits, monthly.
  for (let month = 1; month <= 6 + (variant % 4); month++) {
    chart.push({ resourceType: 'Observation', id: id(`pain-visit-${month}`), status: 'final', subject, code: { coding: [{ system: LOINC, code: '72514-3' }] }, effectiveDateTime: ago(30 * month + 5), valueInteger: 6 + (month % 3) });
  }
  // Unrelated chronic-care history: yearly encounters' diagnoses.
  for (let year = 0; year < 8 + (variant % 5); year++) {
    chart.push(condition(id(`uri-${year}`), subject, ICD10, 'J06.9', 'Acute upper respiratory infection', ago(365 * year + 40), 'resolved'));
  }
  return chart;
}

export function facetOrder(id: string, patientId: string, today: string): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    requester: { reference: 'Practitioner/dr-1' },
    authoredOn: today,
    code: { coding: [{ system: CPT, code: '64490' }], text: 'Medial branch block C5-C6' },
    category: [{ coding: [{ system: LOCAL, code: 'diagnostic' }] }],
    bodySite: [{ text: 'C5-C6 facet joint, right' }],
    reasonCode: [{ coding: [{ system: ICD10, code: 'M47.812' }] }],
    note: [{ text: 'Second diagnostic block; radiofrequency ablation planned if positive.' }],
  };
}

/** Fills every declared prefetch key from the chart (keys in `omit` are left out, to be fetched). */
export function prefetchFrom(chart: FhirResource[], omit: string[] = []): Record<string, unknown> {
  return fullPrefetch(chart, { omit });
}

export interface RealisticRequestOptions extends ChartOptions {
  hookInstance: string;
  fhirServer?: string;
  accessToken?: string;
  /** Prefetch keys left out (the service then fetches them from fhirServer). */
  omit?: string[];
}

export function realisticHookRequest(options: RealisticRequestOptions): Record<string, unknown> {
  const chart = realisticChart(options);
  return {
    hook: 'order-sign',
    hookInstance: options.hookInstance,
    ...(options.fhirServer ? { fhirServer: options.fhirServer } : {}),
    ...(options.accessToken ? { fhirAuthorization: { access_token: options.accessToken, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'facet-cds' } } : {}),
    context: {
      userId: 'Practitioner/dr-1',
      patientId: options.patientId,
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: facetOrder(`order-${options.variant ?? 0}`, options.patientId, options.today) }] },
    },
    prefetch: prefetchFrom(chart, options.omit),
  };
}

function condition(id: string, subject: { reference: string }, system: string, code: string, display: string, onset: string, status = 'active'): FhirResource {
  return {
    resourceType: 'Condition',
    id,
    subject,
    clinicalStatus: { coding: [{ system: CLINICAL, code: status }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { coding: [{ system, code, display }], text: display },
    onsetDateTime: onset,
    recordedDate: onset,
  };
}

function medicationRequest(id: string, subject: { reference: string }, rxnorm: string, text: string, start: string, end: string, status: 'active' | 'completed'): FhirResource {
  return {
    resourceType: 'MedicationRequest',
    id,
    status,
    intent: 'order',
    subject,
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnorm }], text },
    authoredOn: start,
    dispenseRequest: { validityPeriod: { start, end }, expectedSupplyDuration: { value: 30, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } },
    dosageInstruction: [{ text: 'Take as directed' }],
  };
}
