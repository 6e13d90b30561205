import fc from 'fast-check';

/**
 * fast-check generators for hostile and odd input: mutations of a realistic hook request, and FHIR
 * resources built from the codes, dates and references the policy actually reads (so the random data
 * reaches the criteria instead of being ignored as irrelevant).
 */

export const TODAY = '2026-11-26';
export const PATIENT_ID = 'pat-1';

const CPT = 'http://www.ama-assn.org/go/cpt';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const LOCAL = 'http://facet-cds.dev/fhir/CodeSystem/facet-cds';

/**
 * Entries that are not what an array should hold (issue 12: a null inside an order's code.coding gave a
 * 500): null, strings, numbers, booleans, arrays. Every array the generators build may contain them.
 */
export const oddEntryArb = fc.constantFrom<unknown>(null, 'text', '', 0, 64493, true, [], [null], {});

/** fc.array whose entries are sometimes odd ones (see oddEntryArb). */
export function arrayOf<T>(arb: fc.Arbitrary<T>, constraints: fc.ArrayConstraints = {}): fc.Arbitrary<Array<T | unknown>> {
  return fc.array(fc.oneof({ weight: 6, arbitrary: arb as fc.Arbitrary<T | unknown> }, { weight: 1, arbitrary: oddEntryArb }), constraints);
}

/** Codes the policy's value sets contain, with their systems. */
const POLICY_CODINGS: Array<[string, string]> = [
  ...['64490', '64491', '64492', '64493', '64494', '64495', '64633', '64634', '64635', '64636', '0213T', '0216T', '64999', '97110', '97161', '97535', '72141', '72148', '76942', '50'].map(
    (c): [string, string] => [CPT, c],
  ),
  ...['M54.2', 'M54.50', 'M54.6', 'M47.812', 'M47.816', 'M53.82', 'M54.12', 'M50.10', 'M47.12', 'S12.000A', 'C79.51', 'M46.26', 'M71.38', 'K25.9', 'Z96.82', 'Z95.0', 'Z73.6', 'T39.395A', 'I10'].map(
    (c): [string, string] => [ICD10, c],
  ),
  ...['279039007', '267970006', '239880009', '297166009', '122496007', '10828004', '260385009', '7771000', '24028007', '51440002', '261004008', '262202000'].map(
    (c): [string, string] => [SNOMED, c],
  ),
  ...['72514-3', '38208-5', '97909-6', '71959-1', '77565-0', '91147-9'].map((c): [string, string] => [LOINC, c]),
  ...['5640', '7258', '3355', '140587', '41493', '29046'].map((c): [string, string] => [RXNORM, c]),
  ...['block-relief-pct', 'ndi-score', 'pain-on-extension-rotation', 'positive-facet-loading', 'adl-interference', 'not-rf-candidate', 'home-exercise-program', 'diagnostic', 'therapeutic'].map(
    (c): [string, string] => [LOCAL, c],
  ),
  ['https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', 'LT'],
  ['https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', 'RT'],
];

/** Text the policy's patterns look for, and text that should confuse them. */
const POLICY_TEXT = [
  'C5-C6',
  'L4-L5 bilateral',
  'T2-T3',
  'C3-C4, C4-C5, C5-C6, C6-C7',
  'L5-S1 left',
  'radiofrequency ablation planned',
  'pulsed radiofrequency',
  'cooled RFA',
  'facet syndrome',
  'home exercise program',
  'physical therapy',
  'ibuprofen',
  'MRI lumbar spine',
  'therapeutic',
  'diagnostic',
  'not a candidate',
  'facet loading positive',
  '80%',
  '',
  '   ',
  '\u0000',
  '💥'.repeat(3),
  '<script>alert(1)</script>',
  '**bold** [link](javascript:alert(1))',
];

export const codingArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...POLICY_CODINGS).map(([system, code]) => ({ system, code })) },
  { weight: 1, arbitrary: fc.record({ system: fc.oneof(fc.constantFrom(CPT, ICD10, SNOMED), fc.string()), code: fc.oneof(fc.string(), fc.constant('')), display: fc.string() }, { requiredKeys: [] }) },
);

export const textArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...POLICY_TEXT) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) });

export const conceptArb = fc.record({ coding: arrayOf(codingArb, { maxLength: 3 }), text: textArb }, { requiredKeys: [] });

/** Dates around the decision date, plus malformed and extreme ones. */
export const dateArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -800, max: 60 }).map((days) => new Date(Date.parse(`${TODAY}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)) },
  { weight: 2, arbitrary: fc.integer({ min: -800, max: 60 }).map((days) => new Date(Date.parse(`${TODAY}T12:00:00Z`) + days * 86_400_000).toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom('2026', '2026-11', '2026-02-30', '2026-13-01', '0000-01-01', '9999-12-31', '2026-11-26T25:61:00Z', 'yesterday', '', '2026-11-26T12:00:00+14:00') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

export const referenceArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ reference: `Patient/${PATIENT_ID}` }) },
  { weight: 1, arbitrary: fc.constantFrom('Patient/someone-else', `https://fhir.example/Patient/${PATIENT_ID}`, PATIENT_ID, '', 'urn:uuid:1', 'Patient/').map((reference) => ({ reference })) },
  { weight: 1, arbitrary: fc.record({ reference: fc.string(), display: fc.string() }, { requiredKeys: [] }) },
);

const numberArb = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, 80, 100, 1e308, -1e-308));

const statusArb = fc.oneof(
  fc.constantFrom('active', 'completed', 'final', 'amended', 'preliminary', 'entered-in-error', 'draft', 'unknown', 'stopped', 'not-done', 'cancelled', 'resolved', 'inactive'),
  fc.string({ maxLength: 8 }),
);

const periodArb = fc.record({ start: dateArb, end: dateArb }, { requiredKeys: [] });

const RESOURCE_TYPES = [
  'Condition',
  'Procedure',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'MedicationDispense',
  'Medication',
  'AllergyIntolerance',
  'Device',
  'DiagnosticReport',
  'ImagingStudy',
  'ServiceRequest',
  'Patient',
  'Coverage',
  'OperationOutcome',
  'Practitioner',
];

/** A FHIR-ish resource: a superset of the elements the facts read, any of them missing or odd. */
export const resourceArb = fc.record(
  {
    resourceType: fc.constantFrom(...RESOURCE_TYPES),
    id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), fc.constant(PATIENT_ID)),
    status: statusArb,
    intent: fc.constantFrom('order', 'plan', 'proposal', 'original-order'),
    subject: referenceArb,
    patient: referenceArb,
    beneficiary: referenceArb,
    code: conceptArb,
    category: fc.oneof(arrayOf(conceptArb, { maxLength: 2 }), conceptArb),
    clinicalStatus: fc.record({ coding: arrayOf(fc.record({ code: fc.constantFrom('active', 'resolved', 'inactive', 'remission', '') }), { maxLength: 2 }) }),
    verificationStatus: fc.record({ coding: arrayOf(fc.record({ code: fc.constantFrom('confirmed', 'refuted', 'entered-in-error', 'unconfirmed') }), { maxLength: 2 }) }),
    bodySite: arrayOf(conceptArb, { maxLength: 3 }),
    onsetDateTime: dateArb,
    onsetPeriod: periodArb,
    abatementDateTime: dateArb,
    recordedDate: dateArb,
    performedDateTime: dateArb,
    performedPeriod: periodArb,
    effectiveDateTime: dateArb,
    effectivePeriod: periodArb,
    authoredOn: dateArb,
    occurrenceDateTime: dateArb,
    whenHandedOver: dateArb,
    daysSupply: fc.record({ value: numberArb, unit: fc.constantFrom('d', 'days', 'wk') }, { requiredKeys: [] }),
    valueQuantity: fc.record({ value: numberArb, unit: fc.constantFrom('%', '{score}', 'mg'), code: fc.constantFrom('%', '{score}') }, { requiredKeys: [] }),
    valueInteger: fc.integer(),
    valueBoolean: fc.boolean(),
    valueString: textArb,
    valueCodeableConcept: conceptArb,
    medicationCodeableConcept: conceptArb,
    medicationReference: fc.record({ reference: fc.constantFrom('Medication/med-1', '#contained', 'Medication/'), display: textArb }, { requiredKeys: [] }),
    dispenseRequest: fc.record({ validityPeriod: periodArb, expectedSupplyDuration: fc.record({ value: numberArb, unit: fc.constantFrom('d', 'days', 'mo') }) }, { requiredKeys: [] }),
    reasonCode: arrayOf(conceptArb, { maxLength: 2 }),
    partOf: arrayOf(fc.record({ reference: fc.constantFrom('Procedure/prior-1', 'Procedure/x', 'Observation/y', '') }), { maxLength: 2 }),
    note: arrayOf(fc.record({ text: textArb }), { maxLength: 2 }),
    conclusion: textArb,
    type: conceptArb,
    issue: arrayOf(fc.record({ severity: fc.constantFrom('error', 'fatal', 'warning', 'information'), code: fc.constant('processing') }), { maxLength: 2 }),
  },
  { requiredKeys: ['resourceType'] },
);

/** A draft facet order with random elements, as an EHR might send it. */
export const orderArb = fc.record(
  {
    resourceType: fc.constant('ServiceRequest'),
    id: fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/),
    status: fc.constantFrom('draft', 'active'),
    intent: fc.constantFrom('order', 'original-order', 'plan'),
    subject: referenceArb,
    code: fc.record({ coding: arrayOf(codingArb, { minLength: 1, maxLength: 3 }), text: textArb }, { requiredKeys: ['coding'] }),
    bodySite: arrayOf(conceptArb, { maxLength: 3 }),
    category: arrayOf(conceptArb, { maxLength: 2 }),
    quantityQuantity: fc.record({ value: numberArb }),
    occurrenceDateTime: dateArb,
    occurrencePeriod: periodArb,
    reasonCode: arrayOf(conceptArb, { maxLength: 2 }),
    orderDetail: arrayOf(conceptArb, { maxLength: 2 }),
    note: arrayOf(fc.record({ text: textArb }), { maxLength: 2 }),
  },
  { requiredKeys: ['resourceType', 'id', 'code'] },
);

/** A JSON value worth putting anywhere: the usual suspects and arbitrary JSON. */
export const oddValueArb = fc.oneof(
  fc.constantFrom(null, '', 0, -1, 1e308, true, false, [], {}, [null], { resourceType: 'Bundle' }, 'Patient/someone-else', PATIENT_ID),
  dateArb,
  codingArb.map((c) => c.code),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

export type Mutation = { at: number; kind: 'delete' } | { at: number; kind: 'replace'; value: unknown } | { at: number; kind: 'duplicate' };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const) }),
  fc.record({ at: fc.nat(), kind: fc.constant('replace' as const), value: oddValueArb }),
  fc.record({ at: fc.nat(), kind: fc.constant('duplicate' as const) }),
);

type Path = Array<string | number>;

function allPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...prefix, k], out);
  return out;
}

/** Applies mutations to a copy: each picks a path (index modulo the paths there are) and deletes, replaces or duplicates it. */
export function mutate<T>(original: T, mutations: Mutation[]): T {
  const root = structuredClone(original) as unknown as Record<string, unknown>;
  for (const mutation of mutations) {
    const paths = allPaths(root);
    if (paths.length === 0) break;
    const path = paths[mutation.at % paths.length]!;
    const parent = path.slice(0, -1).reduce<any>((node, key) => node?.[key], root);
    const key = path[path.length - 1]!;
    if (parent === null || typeof parent !== 'object') continue;
    if (mutation.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (mutation.kind === 'replace') parent[key] = structuredClone(mutation.value);
    else if (Array.isArray(parent)) parent.splice(Number(key), 0, structuredClone(parent[Number(key)]));
  }
  return root as unknown as T;
}
