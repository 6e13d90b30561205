/**
 * What changes on the wire between the Da Vinci CRD versions the service answers in (`davinci-crd.version`
 * in discovery, `davinci-crd.requestedVersion` in a request): the codes the coverage-information extension
 * may carry (each sub-extension has a required binding) and the code system of card topics. Sources:
 * CRD 2.0.1 (tag 2.0.1, the version the Inferno CRD test kit pins) and CRD 2.2.1 (STU 2.2); the
 * differences are tabled in shared/reference/crd-notes.md §2.6.
 */
export interface CrdVersion {
  /** "major.minor", as discovery declares it. */
  version: string;
  /** The IG release this profile follows. */
  release: string;
  /** Card.source.topic system (CRD §resp-5). */
  topicSystem: string;
  /** Required value sets of the coverage-information sub-extensions. */
  covered: readonly string[];
  paNeeded: readonly string[];
  docNeeded: readonly string[];
  docPurpose: readonly string[];
  infoNeeded: readonly string[];
  /** Reason codes (system CRD_TEMP_CODES) of the extensible coverageAssertionReasons value set. */
  reasons: readonly string[];
  /** doc-needed repeats (0..* in 2.2, 0..1 in 2.0.1). */
  docNeededRepeats: boolean;
  /**
   * How the policy applied is linked in a `detail` (2.2: category cat-other, code policy-link of the
   * crd-coverage-detail code system, valueUrl). 2.0.1's detail has no category and no url value, and its
   * detail codes are CRD temporary ones: there the reason's text names the policy, and no detail is sent.
   */
  policyLink?: { codeSystem: string; category: string };
}

/** CodeSystem of the CRD coverage-assertion reasons and, in 2.0.1, of card types. */
export const CRD_TEMP_CODES = 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp';

const CRD_2_0: CrdVersion = {
  version: '2.0',
  release: '2.0.1',
  topicSystem: CRD_TEMP_CODES,
  covered: ['covered', 'not-covered', 'conditional'],
  paNeeded: ['no-auth', 'auth-needed', 'satisfied', 'performpa', 'conditional'],
  docNeeded: ['clinical', 'admin', 'both', 'conditional'],
  docPurpose: ['withpa', 'withclaim', 'withorder', 'retain-doc', 'OTH'],
  infoNeeded: ['performer', 'location', 'timeframe', 'contract-window', 'OTH'],
  reasons: ['gold-card', 'detail-code'],
  docNeededRepeats: false,
};

const CRD_2_2: CrdVersion = {
  version: '2.2',
  release: '2.2.1',
  topicSystem: 'http://terminology.hl7.org/CodeSystem/cdshooks-card-type',
  covered: ['covered', 'not-covered', 'conditional', 'indeterminate'],
  paNeeded: ['no-auth', 'auth-needed', 'satisfied', 'performpa', 'conditional', 'indeterminate'],
  docNeeded: ['clinical', 'admin', 'patient', 'conditional', 'indeterminate'],
  docPurpose: ['withpa', 'withclaim', 'withorder', 'retain-doc', 'OTH'],
  infoNeeded: ['performer', 'location', 'timeframe', 'contract-window', 'detail-code', 'OTH'],
  reasons: ['gold-card', 'no-member-found', 'no-active-coverage', 'coverage-not-found', 'auth-out-network', 'technical'],
  docNeededRepeats: true,
  policyLink: { codeSystem: 'http://terminology.hl7.org/CodeSystem/crd-coverage-detail', category: 'cat-other' },
};

export const CRD_VERSIONS: Readonly<Record<string, CrdVersion>> = { '2.0': CRD_2_0, '2.2': CRD_2_2 };

export function crdVersion(version: string): CrdVersion {
  const profile = CRD_VERSIONS[version];
  if (!profile) throw new Error(`No Da Vinci CRD profile for version ${version}`);
  return profile;
}
