import fs from 'node:fs';
import path from 'node:path';
import type { Extension } from 'fhir/r4';
import { coverageInformation, type CoverageProblem } from '../../src/cards/coverage-information';
import { crdVersion } from '../../src/cards/crd-versions';
import type { CriterionResult, Outcome } from '../../src/decision/types';
import { CPT } from '../helpers/builders';
import { INVARIANT_IDS, documentedMisfires, failedInvariants, invariantResults, structureProblems, type CrdLine } from '../helpers/crd-coverage-information';

/**
 * Every coverage-information extension the service can build, in each CRD version it answers in, against
 * that version's structure and invariants, evaluated with fhirpath.js on the IG's own expressions
 * (test/fixtures/crd): every outcome, on a primary and a secondary hook, with and without a coverage
 * problem. An empty result is a failure (as the HL7 validator counts it); the only failure allowed is a
 * documented misfire of the IG's expression on a combination its text allows (README "CRD versions").
 */
const result = (status: CriterionResult['status']): CriterionResult => ({ id: 'c', section: 'I.A', title: 'A criterion', status, summary: '', evidence: [], categorical: false });
const RESULTS: Record<Outcome, CriterionResult[]> = {
  covered: [result('met')],
  'not-covered': [result('not-met')],
  conditional: [result('not-documented')],
  indeterminate: [result('indeterminate')],
};

function build(version: CrdLine, outcome: Outcome, secondary: boolean, problem?: CoverageProblem): Extension {
  return coverageInformation({
    outcome,
    results: RESULTS[outcome],
    coverage: 'Coverage/cov-1',
    ...(problem ? { problem, problemText: 'why' } : {}),
    billingCodes: [{ system: CPT, code: '64493' }],
    assertionId: 'a-1',
    date: '2026-11-26',
    paNeeded: { covered: 'no-auth', conditional: 'auth-needed' },
    policyLabel: 'CP.MP.171 Facet Joint Interventions',
    version: crdVersion(version),
    secondary,
  });
}

const cases: Array<[CrdLine, Outcome, 'primary' | 'secondary', CoverageProblem | 'no problem']> = [];
for (const version of ['2.0', '2.2'] as const)
  for (const outcome of ['covered', 'not-covered', 'conditional', 'indeterminate'] as const)
    for (const hook of ['primary', 'secondary'] as const)
      for (const problem of ['no problem', 'no-active-coverage', 'coverage-not-found'] as const) cases.push([version, outcome, hook, problem]);

describe('coverage information against each CRD version\'s structure and invariants', () => {
  it.each(cases)('CRD %s, %s, %s hook, %s: the structure holds, every invariant is true (save a documented misfire)', (version, outcome, hook, problem) => {
    const extension = build(version, outcome, hook === 'secondary', problem === 'no problem' ? undefined : problem);
    expect(structureProblems(extension, version)).toEqual([]);
    expect(failedInvariants(extension, version)).toEqual(documentedMisfires(extension, version));
  });

  it('evaluates every invariant of each version (none skipped)', () => {
    expect(INVARIANT_IDS['2.0']).toEqual(['crd-ci-q1', 'crd-ci-q2', 'crd-ci-q3', 'crd-ci-q4', 'crd-ci-q5']);
    expect(INVARIANT_IDS['2.2']).toEqual(['crd-ci-q1', 'crd-ci-q2', 'crd-ci-q3', 'crd-ci-q4', 'crd-ci-q5', 'crd-ci-q6', 'crd-ci-q7', 'crd-ci-q8', 'crd-ci-q9']);
  });

  it('the one documented misfire: 2.2 crd-ci-q4 is empty on a conditional order (auth-needed with doc-purpose withpa), which its text allows', () => {
    const extension = build('2.2', 'conditional', false);
    expect(invariantResults(extension, '2.2')['crd-ci-q4']).toBe('empty');
    // Its text forbids withpa only when pa-needed is satisfied, noauth or not-covered: with those the expression works.
    const satisfied: Extension = { ...extension, extension: extension.extension!.map((e) => (e.url === 'pa-needed' ? { url: 'pa-needed', valueCode: 'satisfied' } : e)).concat({ url: 'satisfied-pa-id', valueString: 'PA1' }) };
    expect(invariantResults(satisfied, '2.2')['crd-ci-q4']).toBe('false');
  });

  it('2.0.1 crd-ci-q2 is empty on not-covered without pa-needed and false on covered without it: every 2.0.1 extension carries pa-needed', () => {
    const notCovered = build('2.0', 'not-covered', false);
    const without = { ...notCovered, extension: notCovered.extension!.filter((e) => e.url !== 'pa-needed') };
    expect(invariantResults(without, '2.0')['crd-ci-q2']).toBe('empty');
    expect(invariantResults(notCovered, '2.0')['crd-ci-q2']).toBe('true');
    const covered = build('2.0', 'covered', false);
    expect(invariantResults({ ...covered, extension: covered.extension!.filter((e) => e.url !== 'pa-needed') }, '2.0')['crd-ci-q2']).toBe('false');
  });

  it('2.2 answers are not valid 2.0.1, and the other way round: the version asked for matters', () => {
    expect(structureProblems(build('2.2', 'indeterminate', false), '2.0')).toContain('covered: indeterminate is not in the 2.0 value set (covered, not-covered, conditional)');
    expect(failedInvariants(build('2.0', 'not-covered', false), '2.2')).toEqual(['crd-ci-q2 false']);
  });

  it('catches what the checks are for: a reason coding outside the value set without text (q7), OTH without a reason (q6), conditional without info-needed (q3)', () => {
    const base = build('2.2', 'conditional', true);
    const strip = (url: string) => ({ ...base, extension: base.extension!.filter((e) => e.url !== url) });
    expect(failedInvariants(strip('reason'), '2.2')).toContain('crd-ci-q6 false');
    expect(failedInvariants(strip('info-needed'), '2.2')).toContain('crd-ci-q3 false');
    const coded = { ...base, extension: base.extension!.map((e) => (e.url === 'reason' ? { url: 'reason', valueCodeableConcept: { coding: [{ system: 'http://example.org', code: 'x' }] } } : e)) };
    expect(failedInvariants(coded, '2.2')).toContain('crd-ci-q7 false');
  });
});

describe('the official examples against the same checks', () => {
  const EXAMPLES = path.join(__dirname, '..', 'fixtures', 'examples', 'crd');
  const example = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
  const info = (action: { resource: { extension: Extension[] } }) => action.resource.extension.find((e) => e.url.endsWith('ext-coverage-information'))!;

  it('the CRD 2.2.1 IG\'s own response example: 2.2 structure and invariants hold', () => {
    const response = example('ig-2.2.1-CRDServiceResponse-with-coverage-information-systemAction.json');
    const extension = info(response.systemActions[0]);
    // The IG example's detail carries a category (2.2) and a ContactDetail contact: 2.2 only.
    expect(structureProblems(extension, '2.2')).toEqual([]);
    expect(failedInvariants(extension, '2.2')).toEqual([]);
  });

  it('Inferno\'s 2.0.1 "covered" fixture passes 2.0.1; its "conditional" fixture, without pa-needed, fails 2.0.1 crd-ci-q2', () => {
    expect(failedInvariants(info(example('inferno-spec-fixture-coverage_info_system_action_covered.json')), '2.0')).toEqual([]);
    expect(failedInvariants(info(example('inferno-spec-fixture-coverage_info_system_action_conditional.json')), '2.0')).toEqual(['crd-ci-q2 false']);
  });
});
