import type { CodeableConcept, Coding, Extension, FhirResource } from 'fhir/r4';
import type { Action } from '../cds/types';
import type { CriterionResult, Outcome } from '../decision/types';
import { CRD_TEMP_CODES, type CrdVersion } from './crd-versions';

export const COVERAGE_INFORMATION_URL = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';

/** Why the member's coverage, not the policy, decides what is recorded (CRD §resp-45). */
export type CoverageProblem = 'no-active-coverage' | 'coverage-not-found';

export interface CoverageInformationInput {
  outcome: Outcome;
  results: CriterionResult[];
  /** "Coverage/id": the Coverage the assertion is about. */
  coverage: string;
  /** When set, the assertion is not-covered for this reason whatever the policy decided; `problemText` says why. */
  problem?: CoverageProblem;
  problemText?: string;
  billingCodes: Coding[];
  assertionId: string;
  /** YYYY-MM-DD */
  date: string;
  paNeeded: { covered: string; conditional: string };
  /** The policy applied, as the reason's text names it ("L38841 Facet Joint Interventions for Pain Management"). */
  policyLabel: string;
  /** The policy document applied: linked in a policy-link detail where the version has one (2.2). */
  policyUrl?: string;
  /** The CRD version answered in: which codes each sub-extension may carry. */
  version: CrdVersion;
  /** A secondary hook (order-select): no documentation requests (CRD §hook-19). */
  secondary: boolean;
  /** The documentation questionnaire (canonical url|version) DTR collects what is needed with; sent only with doc-needed (crd-ci-q1). */
  questionnaire?: string;
}

interface Codes {
  covered: string;
  paNeeded?: string;
  docNeeded?: string;
  docPurpose?: string;
  infoNeeded?: string;
}

/**
 * The Da Vinci CRD coverage-information extension for one decision on one Coverage, in the requested
 * version's codes. Invariants kept (both versions' IG expressions are checked in test/cards/crd-invariants):
 * q2 (2.2: not-covered carries no pa-needed; 2.0.1's expression demands pa-needed on every extension, so
 * there a not-covered order says no-auth), q3 (conditional → info-needed), q5, q6 (OTH → reason),
 * q7 (every reason has text), q8 (doc-purpose → reason), q9 (indeterminate → reason `technical`).
 */
export function coverageInformation(input: CoverageInformationInput): Extension {
  const codes = input.problem ? problemCodes(input.version) : outcomeCodes(input);
  const parts: Extension[] = [
    { url: 'coverage', valueReference: { reference: input.coverage } },
    { url: 'covered', valueCode: codes.covered },
  ];
  if (codes.paNeeded) parts.push({ url: 'pa-needed', valueCode: codes.paNeeded });
  if (codes.docNeeded) parts.push({ url: 'doc-needed', valueCode: codes.docNeeded });
  if (codes.docPurpose) parts.push({ url: 'doc-purpose', valueCode: codes.docPurpose });
  if (codes.docNeeded && input.questionnaire) parts.push({ url: 'questionnaire', valueCanonical: input.questionnaire });
  if (codes.infoNeeded) parts.push({ url: 'info-needed', valueCode: codes.infoNeeded });
  for (const coding of input.billingCodes) parts.push({ url: 'billingCode', valueCoding: coding });
  parts.push({ url: 'reason', valueCodeableConcept: reason(input) });
  const link = policyLink(input);
  if (link) parts.push(link);
  parts.push({ url: 'date', valueDate: input.date });
  parts.push({ url: 'coverage-assertion-id', valueString: input.assertionId });
  return { url: COVERAGE_INFORMATION_URL, extension: parts };
}

/** CRD 2.2 `detail` policy-link: the policy the assertion was made under (not when the coverage, not a policy, decided). */
function policyLink(input: CoverageInformationInput): Extension | undefined {
  const link = input.version.policyLink;
  if (!link || !input.policyUrl || input.problem) return undefined;
  return {
    url: 'detail',
    extension: [
      { url: 'category', valueCode: link.category },
      { url: 'code', valueCodeableConcept: { coding: [{ system: link.codeSystem, code: 'policy-link', display: 'Policy link' }], text: input.policyLabel } },
      { url: 'value', valueUrl: input.policyUrl },
    ],
  };
}

function outcomeCodes(input: CoverageInformationInput): Codes {
  const { version } = input;
  switch (input.outcome) {
    case 'covered':
      return { covered: 'covered', paNeeded: input.paNeeded.covered };
    case 'not-covered':
      return { covered: 'not-covered', ...notCoveredPaNeeded(version) };
    case 'conditional': {
      const paNeeded = input.paNeeded.conditional;
      // The record lacks documentation the policy needs: collected for the prior authorization request.
      // A secondary hook asks for none (§hook-19): the order is still being composed.
      const documentation = input.secondary ? {} : { docNeeded: 'clinical', ...(paNeeded === 'auth-needed' ? { docPurpose: 'withpa' } : {}) };
      return { covered: 'conditional', paNeeded, ...documentation, infoNeeded: 'OTH' };
    }
    case 'indeterminate':
      // 2.2: indeterminate with reason `technical` (§resp-43). 2.0.1 has no indeterminate: coverage then
      // depends on information not yet checked, which is its `conditional`.
      return version.covered.includes('indeterminate')
        ? { covered: 'indeterminate', paNeeded: 'indeterminate' }
        : { covered: 'conditional', paNeeded: 'conditional', infoNeeded: 'OTH' };
  }
}

/** §resp-45: no active coverage, or no single one: not covered, whatever the policy says. */
function problemCodes(version: CrdVersion): Codes {
  return { covered: 'not-covered', ...notCoveredPaNeeded(version) };
}

/**
 * 2.2 crd-ci-q2: not-covered carries no pa-needed. 2.0.1's crd-ci-q2 reads "should not exist" but its
 * expression (`covered != not-covered implies pa-needed.exists()`) evaluates to empty, which the validator
 * fails, unless pa-needed is there: in 2.0.1 a not-covered order says no-auth (no prior authorization
 * request applies), which the description allows (a SHOULD NOT) and the expression requires.
 */
function notCoveredPaNeeded(version: CrdVersion): Pick<Codes, 'paNeeded'> {
  return version.version === '2.0' ? { paNeeded: 'no-auth' } : {};
}

function reason(input: CoverageInformationInput): CodeableConcept {
  const listed = (status: CriterionResult['status']) => input.results.filter((r) => r.status === status).map((r) => `${r.section} ${r.title}`);
  const coded = (code: string, display: string): Pick<CodeableConcept, 'coding'> =>
    input.version.reasons.includes(code) ? { coding: [{ system: CRD_TEMP_CODES, code, display }] } : {};
  if (input.problem === 'no-active-coverage') return { ...coded('no-active-coverage', 'No active coverage'), text: `No active coverage: ${input.problemText}` };
  if (input.problem === 'coverage-not-found') return { ...coded('coverage-not-found', 'Coverage not found'), text: `Coverage not resolved to a single plan: ${input.problemText}` };
  switch (input.outcome) {
    case 'covered':
      return { text: `${input.policyLabel}: every applicable criterion is met by the record` };
    case 'not-covered':
      return { text: `${input.policyLabel}: not met: ${listed('not-met').join('; ')}` };
    case 'conditional':
      return { text: `${input.policyLabel}: documentation needed: ${listed('not-documented').join('; ')}` };
    case 'indeterminate':
      return { ...coded('technical', 'Technical issue'), text: `Could not retrieve the data needed for: ${listed('indeterminate').join('; ')}` };
  }
}

/**
 * The resource exactly as the client sent it (a deep copy), except that coverage information for the
 * coverages in `extensions` replaces any earlier one for the same coverage. CRD §resp-37: nothing but
 * coverage-information may change, so the client's JSON is not cleaned either: `null` placeholders that
 * align primitive arrays with their `_element` extensions and whatever else the client sent stay.
 */
export function coverageInformationAction(target: FhirResource, extensions: Extension | Extension[], description: string): Action {
  const added = Array.isArray(extensions) ? extensions : [extensions];
  const coverages = new Set(added.map(coverageOf));
  const resource = structuredClone(target) as FhirResource & { extension?: Extension[] };
  const kept = (Array.isArray(resource.extension) ? resource.extension : []).filter(
    (e) => !(e?.url === COVERAGE_INFORMATION_URL && Array.isArray(e.extension) && coverages.has(coverageOf(e))),
  );
  resource.extension = [...kept, ...added];
  return { type: 'update', description, resource };
}

function coverageOf(extension: Extension): string | undefined {
  return extension.extension?.find((x) => x?.url === 'coverage')?.valueReference?.reference;
}
