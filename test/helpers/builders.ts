import type { Bundle, FhirResource, ServiceRequest } from 'fhir/r4';

/** Builders for hook requests and chart resources, shared by the test suites. */

export const PATIENT_ID = 'pat-1';
export const PATIENT_REF = `Patient/${PATIENT_ID}`;
export const CPT = 'http://www.ama-assn.org/go/cpt';
export const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const LOCAL = 'http://facet-cds.dev/fhir/CodeSystem/facet-cds';
export const SERVICE_ID = 'facet-joint-interventions';
export const SERVICE_PATH = `/cds-services/${SERVICE_ID}`;
/** The CDS service of each other hook the declaration answers (README "Hooks"). */
export const HOOK_PATHS = {
  'order-sign': SERVICE_PATH,
  'order-select': `${SERVICE_PATH}-order-select`,
  'order-dispatch': `${SERVICE_PATH}-order-dispatch`,
  'appointment-book': `${SERVICE_PATH}-appointment-book`,
} as const;
/** davinci-crd.configuration asking for the card on orders that meet the policy (off by default: CRD resp-12). */
export const MEETS_POLICY = { 'davinci-crd.configuration': { 'meets-policy': true } };

/** The prefetch keys the facet service declares, and the resource types that fill each one. */
export const PREFETCH_KEYS: Record<string, string[]> = {
  patient: ['Patient'],
  coverage: ['Coverage'],
  conditions: ['Condition'],
  procedures: ['Procedure'],
  observations: ['Observation'],
  medicationRequests: ['MedicationRequest', 'Medication'],
  medicationStatements: ['MedicationStatement'],
  medicationDispenses: ['MedicationDispense'],
  allergies: ['AllergyIntolerance'],
  devices: ['Device'],
  imagingReports: ['DiagnosticReport', 'ImagingStudy'],
  serviceRequests: ['ServiceRequest'],
  questionnaireResponses: ['QuestionnaireResponse'],
};

export function facetOrder(id: string, codes: string | string[], extra: Partial<ServiceRequest> = {}): ServiceRequest {
  const list = Array.isArray(codes) ? codes : [codes];
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: PATIENT_REF },
    requester: { reference: 'Practitioner/dr-1' },
    authoredOn: '2026-11-26',
    code: { coding: list.map((code) => ({ system: CPT, code })) },
    ...extra,
  };
}

export function searchset(resources: FhirResource[]): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', total: resources.length, entry: resources.map((resource) => ({ resource })) };
}

export function patient(id = PATIENT_ID): FhirResource {
  return { resourceType: 'Patient', id, name: [{ family: 'Test', given: ['Pat'] }], birthDate: '1970-01-01' };
}

export function activeCoverage(id = 'cov-1', extra: Record<string, unknown> = {}): FhirResource {
  return {
    resourceType: 'Coverage',
    id,
    status: 'active',
    beneficiary: { reference: PATIENT_REF },
    payor: [{ display: 'Ambetter Health' }],
    ...extra,
  } as FhirResource;
}

/** Every declared key filled from `chart` (by resource type); keys with nothing become empty Bundles. */
export function fullPrefetch(chart: FhirResource[], options: { omit?: string[] } = {}): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {};
  for (const [key, types] of Object.entries(PREFETCH_KEYS)) {
    if (options.omit?.includes(key)) continue;
    const resources = chart.filter((r) => types.includes(r.resourceType));
    if (key === 'patient') prefetch[key] = resources[0] ?? null;
    else prefetch[key] = searchset(resources);
  }
  return prefetch;
}

export interface HookRequestOptions {
  orders: FhirResource[];
  prefetch?: Record<string, unknown>;
  fhirServer?: string;
  accessToken?: string;
  extension?: Record<string, unknown>;
  hookInstance?: string;
  patientId?: string;
}

export function hookRequest(options: HookRequestOptions): Record<string, unknown> {
  return {
    hook: 'order-sign',
    hookInstance: options.hookInstance ?? 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
    ...(options.fhirServer ? { fhirServer: options.fhirServer } : {}),
    ...(options.accessToken
      ? { fhirAuthorization: { access_token: options.accessToken, token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' } }
      : {}),
    context: {
      userId: 'Practitioner/dr-1',
      patientId: options.patientId ?? PATIENT_ID,
      draftOrders: { resourceType: 'Bundle', type: 'collection', entry: options.orders.map((resource) => ({ resource })) },
    },
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
    ...(options.extension ? { extension: options.extension } : {}),
  };
}
