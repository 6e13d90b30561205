import type { Coding, Extension, ServiceRequest } from 'fhir/r4';
import type { CoverageSummary, CriterionResult, Outcome } from '../decision/types';
import type { Action } from '../cds/types';

export const COVERAGE_INFORMATION_URL = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';
const CRD_TEMP_CODES = 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp';

export interface CoverageInformationInput {
  order: ServiceRequest;
  outcome: Outcome;
  results: CriterionResult[];
  coverage: CoverageSummary;
  billingCodes: Coding[];
  assertionId: string;
  /** YYYY-MM-DD */
  date: string;
  paNeeded: { covered: string; conditional: string };
  policyLabel: string;
}

/**
 * The Da Vinci CRD coverage-information extension for one order, satisfying its invariants:
 * not-covered carries no pa-needed (q2); conditional carries info-needed (q3) and therefore a reason (q6);
 * doc-purpose comes with a reason (q8); indeterminate carries the `technical` reason (q9).
 */
export function coverageInformation(input: CoverageInformationInput): Extension {
  const { outcome } = input;
  const parts: Extension[] = [
    { url: 'coverage', valueReference: { reference: input.coverage.reference } },
    { url: 'covered', valueCode: outcome },
  ];
  if (outcome === 'covered') parts.push({ url: 'pa-needed', valueCode: input.paNeeded.covered });
  if (outcome === 'conditional') {
    parts.push({ url: 'pa-needed', valueCode: input.paNeeded.conditional });
    parts.push({ url: 'doc-needed', valueCode: 'clinical' });
    if (input.paNeeded.conditional === 'auth-needed') parts.push({ url: 'doc-purpose', valueCode: 'withpa' });
    parts.push({ url: 'info-needed', valueCode: 'OTH' });
  }
  if (outcome === 'indeterminate') parts.push({ url: 'pa-needed', valueCode: 'indeterminate' });
  for (const coding of input.billingCodes) parts.push({ url: 'billingCode', valueCoding: coding });
  parts.push(...reasons(input));
  parts.push({ url: 'date', valueDate: input.date });
  parts.push({ url: 'coverage-assertion-id', valueString: input.assertionId });
  return { url: COVERAGE_INFORMATION_URL, extension: parts };
}

function reasons(input: CoverageInformationInput): Extension[] {
  const listed = (status: CriterionResult['status']) =>
    input.results.filter((r) => r.status === status).map((r) => `${r.section} ${r.title}`);
  switch (input.outcome) {
    case 'covered':
      return [{ url: 'reason', valueCodeableConcept: { text: `${input.policyLabel}: every applicable criterion is met by the record` } }];
    case 'not-covered':
      return [{ url: 'reason', valueCodeableConcept: { text: `${input.policyLabel}: not met: ${listed('not-met').join('; ')}` } }];
    case 'conditional':
      return [{ url: 'reason', valueCodeableConcept: { text: `${input.policyLabel}: documentation needed: ${listed('not-documented').join('; ')}` } }];
    case 'indeterminate':
      return [
        {
          url: 'reason',
          valueCodeableConcept: {
            coding: [{ system: CRD_TEMP_CODES, code: 'technical', display: 'Technical issue' }],
            text: `Could not retrieve the data needed for: ${listed('indeterminate').join('; ')}`,
          },
        },
      ];
  }
}

/**
 * The order exactly as the client sent it (a deep copy), except that this coverage's coverage-information
 * is replaced by the new one. CRD §resp-37: nothing but coverage-information may change, so the client's
 * JSON is not cleaned either: `null` placeholders that align primitive arrays with their `_element`
 * extensions (`_instantiatesUri: [null, {...}]`) and whatever else the client sent stay where they are.
 */
export function coverageInformationAction(order: ServiceRequest, extension: Extension, description: string): Action {
  const coverageRef = extension.extension?.find((e) => e.url === 'coverage')?.valueReference?.reference;
  const resource = structuredClone(order);
  const kept = (Array.isArray(resource.extension) ? resource.extension : []).filter(
    (e) =>
      !(
        e?.url === COVERAGE_INFORMATION_URL &&
        Array.isArray(e.extension) &&
        e.extension.find((x) => x?.url === 'coverage')?.valueReference?.reference === coverageRef
      ),
  );
  resource.extension = [...kept, extension];
  return { type: 'update', description, resource };
}

