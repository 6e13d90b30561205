import type { Extension, ServiceRequest } from 'fhir/r4';
import { COVERAGE_INFORMATION_URL, coverageInformation, coverageInformationAction, type CoverageInformationInput } from '../../src/cards/coverage-information';
import { crdVersion } from '../../src/cards/crd-versions';
import type { CriterionResult, Outcome } from '../../src/decision/types';
import { CPT, facetOrder } from '../helpers/builders';

/** The Da Vinci CRD coverage-information extension and its invariants (crd-notes.md). */
const result = (id: string, status: CriterionResult['status']): CriterionResult => ({ id, section: `§${id}`, title: `Title ${id}`, status, summary: '', evidence: [], categorical: false });

function build(outcome: Outcome, results: CriterionResult[] = [], options: Partial<CoverageInformationInput> = {}): Record<string, unknown[]> {
  const ext = coverageInformation({
    outcome,
    results,
    coverage: 'Coverage/cov-1',
    billingCodes: [{ system: CPT, code: '64493' }],
    assertionId: 'assert-1',
    date: '2026-11-26',
    paNeeded: { covered: 'no-auth', conditional: 'auth-needed' },
    policyLabel: 'CP.MP.171 Facet Joint Interventions',
    version: crdVersion('2.2'),
    secondary: false,
    ...options,
  });
  expect(ext.url).toBe(COVERAGE_INFORMATION_URL);
  const parts: Record<string, unknown[]> = {};
  for (const e of ext.extension!) {
    const value = Object.entries(e).find(([k]) => k.startsWith('value'))![1];
    (parts[e.url] ??= []).push(value);
  }
  return parts;
}

describe('coverageInformation', () => {
  it('covered: pa-needed from the declaration, a reason, the billing code, date and assertion id', () => {
    const parts = build('covered');
    expect(parts).toMatchObject({
      coverage: [{ reference: 'Coverage/cov-1' }],
      covered: ['covered'],
      'pa-needed': ['no-auth'],
      billingCode: [{ system: CPT, code: '64493' }],
      date: ['2026-11-26'],
      'coverage-assertion-id': ['assert-1'],
    });
    expect(parts.reason).toEqual([{ text: 'CP.MP.171 Facet Joint Interventions: every applicable criterion is met by the record' }]);
  });

  it('not-covered: no pa-needed (q2), the unmet criteria as the reason', () => {
    const parts = build('not-covered', [result('a', 'not-met'), result('b', 'met')]);
    expect(parts['pa-needed']).toBeUndefined();
    expect(parts.reason).toEqual([{ text: 'CP.MP.171 Facet Joint Interventions: not met: §a Title a' }]);
  });

  it('conditional: info-needed with a reason (q3, q6), doc-needed, doc-purpose with pa (q8)', () => {
    const parts = build('conditional', [result('a', 'not-documented')]);
    expect(parts).toMatchObject({ 'pa-needed': ['auth-needed'], 'doc-needed': ['clinical'], 'doc-purpose': ['withpa'], 'info-needed': ['OTH'] });
    expect(parts.reason).toEqual([{ text: 'CP.MP.171 Facet Joint Interventions: documentation needed: §a Title a' }]);
  });

  it('indeterminate: the CRD "technical" reason (q9)', () => {
    const parts = build('indeterminate', [result('a', 'indeterminate')]);
    expect(parts['pa-needed']).toEqual(['indeterminate']);
    expect(parts.reason).toEqual([
      { coding: [{ system: 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp', code: 'technical', display: 'Technical issue' }], text: 'Could not retrieve the data needed for: §a Title a' },
    ]);
  });

  describe('in CRD 2.0.1 codes (davinci-crd.requestedVersion "2.0")', () => {
    const v2_0 = { version: crdVersion('2.0') };

    it('not-covered says pa-needed no-auth: 2.0.1\'s crd-ci-q2 expression requires pa-needed on every extension', () => {
      expect(build('not-covered', [result('a', 'not-met')], v2_0)).toMatchObject({ covered: ['not-covered'], 'pa-needed': ['no-auth'] });
    });

    it('indeterminate does not exist in 2.0.1: conditional, pa-needed conditional, info-needed OTH, the reason in text only', () => {
      const parts = build('indeterminate', [result('a', 'indeterminate')], v2_0);
      expect(parts).toMatchObject({ covered: ['conditional'], 'pa-needed': ['conditional'], 'info-needed': ['OTH'] });
      expect(parts.reason).toEqual([{ text: 'Could not retrieve the data needed for: §a Title a' }]);
    });

    it('a coverage problem\'s reason has no 2.0.1 code: text only', () => {
      expect(build('covered', [], { ...v2_0, problem: 'no-active-coverage', problemText: 'Coverage/c ended on 2026-01-01' }).reason).toEqual([{ text: 'No active coverage: Coverage/c ended on 2026-01-01' }]);
    });
  });

  it('a coverage problem overrides the policy outcome: not covered, with the CRD reason code (2.2)', () => {
    const parts = build('covered', [], { problem: 'coverage-not-found', problemText: '2 Coverages are active' });
    expect(parts).toMatchObject({ covered: ['not-covered'] });
    expect(parts['pa-needed']).toBeUndefined();
    expect(parts.reason).toEqual([
      { coding: [{ system: 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp', code: 'coverage-not-found', display: 'Coverage not found' }], text: 'Coverage not resolved to a single plan: 2 Coverages are active' },
    ]);
  });

  it('on a secondary hook (order-select) a conditional order asks for no documentation (CRD hook-19)', () => {
    const parts = build('conditional', [result('a', 'not-documented')], { secondary: true });
    expect(parts).toMatchObject({ covered: ['conditional'], 'pa-needed': ['auth-needed'], 'info-needed': ['OTH'] });
    expect(parts['doc-needed']).toBeUndefined();
    expect(parts['doc-purpose']).toBeUndefined();
  });
});

describe('coverageInformationAction', () => {
  const info = (coverage: string, covered: string): Extension => ({
    url: COVERAGE_INFORMATION_URL,
    extension: [
      { url: 'coverage', valueReference: { reference: coverage } },
      { url: 'covered', valueCode: covered },
    ],
  });

  it('updates the whole order, leaving every other element as it was', () => {
    const order = facetOrder('sr-1', '64493', { note: [{ text: 'L4-L5' }], priority: 'routine' });
    const action = coverageInformationAction(order, info('Coverage/cov-1', 'covered'), 'Record coverage information');
    expect(action).toEqual({ type: 'update', description: 'Record coverage information', resource: { ...order, extension: [info('Coverage/cov-1', 'covered')] } });
    expect(order.extension).toBeUndefined(); // the request's order is not modified
  });

  it('returns the client\'s order as sent: null placeholders of primitive extensions and empty strings stay where they are', () => {
    const order = facetOrder('sr-1', '64493', {
      instantiatesUri: ['http://example.org/protocol/a', 'http://example.org/protocol/b'],
      _instantiatesUri: [null, { extension: [{ url: 'http://example.org/ext/protocol-version', valueString: '2' }] }],
      patientInstruction: '',
      note: [{ text: 'L4-L5' }],
    } as Partial<ServiceRequest>);
    const sent = structuredClone(order);
    const action = coverageInformationAction(order, info('Coverage/cov-1', 'covered'), 'd');
    // The extension stays on the second URI (dropping the null would move it to the first), "" stays.
    expect(action.resource).toEqual({ ...sent, extension: [info('Coverage/cov-1', 'covered')] });
    expect(order).toEqual(sent); // the request's order is not modified...
    expect((action.resource as ServiceRequest).note).not.toBe(order.note); // ...nor shared with the answer
  });

  it('replaces coverage information for the same coverage and keeps the rest', () => {
    const other = { url: 'http://example.org/ext', valueString: 'x' };
    const order = facetOrder('sr-1', '64493', { extension: [info('Coverage/cov-1', 'conditional'), other, info('Coverage/cov-2', 'covered')] });
    const action = coverageInformationAction(order, info('Coverage/cov-1', 'covered'), 'd');
    expect((action.resource as { extension: Extension[] }).extension).toEqual([other, info('Coverage/cov-2', 'covered'), info('Coverage/cov-1', 'covered')]);
  });
});
