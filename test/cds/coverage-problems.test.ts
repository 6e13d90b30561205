import type { Coverage, Extension, FhirResource } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../src/cards/coverage-information';
import { resolveMemberCoverage } from '../../src/cds/member-coverage';
import type { DataStatus } from '../../src/decision/types';
import type { Runtime } from '../../src/runtime';
import { guardOutboundCalls } from '../fhir/outbound-calls';
import { HOOK_PATHS, activeCoverage, fullPrefetch, hookRequest, searchset } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { documentedMisfires, failedInvariants, structureProblems } from '../helpers/crd-coverage-information';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * Coverage problems (README "Coverage problems"): the coverage-information extension names exactly one
 * Coverage (`coverage` 1..1), so the member's record may fail to give one in several ways. CRD 2.2.1
 * §resp-45: no active coverage, or none resolvable to a single one, is recorded as not-covered with reason
 * no-active-coverage or coverage-not-found; §resp-32: one repetition per Coverage, each with its own
 * assertion id. §hook-13's 400 for a missing or ambiguous Coverage contradicts §resp-45: the service
 * answers 200 and tells the clinician (the reading that tells most). The policy decision is always shown.
 */
const TODAY = '2026-11-26';
const DATA: DataStatus = { keys: { coverage: 'provided' }, failures: {} };
const PREFETCH = { coverage: { template: 'Coverage?patient={{context.patientId}}&status=active', required: true, description: 'the member\'s coverage' } };
const coverage = (id: string | undefined, extra: Partial<Coverage> = {}): Coverage => {
  const c = activeCoverage(id ?? 'x', extra as Record<string, unknown>) as Coverage;
  if (id === undefined) delete c.id;
  return c;
};

describe('the member\'s coverage, as CRD needs it (resolveMemberCoverage)', () => {
  it.each<[string, FhirResource[], DataStatus, object]>([
    ['one active Coverage', [coverage('cov-1')], DATA, { kind: 'active', reference: 'Coverage/cov-1' }],
    ['the same Coverage sent twice', [coverage('cov-1'), coverage('cov-1')], DATA, { kind: 'active', reference: 'Coverage/cov-1' }],
    ['one active among ended and cancelled ones', [coverage('old', { period: { end: '2025-12-31' } }), coverage('gone', { status: 'cancelled' }), coverage('cov-1')], DATA, { kind: 'active', reference: 'Coverage/cov-1' }],
    ['two active Coverages', [coverage('cov-1'), coverage('cov-2')], DATA, { kind: 'several', references: ['Coverage/cov-1', 'Coverage/cov-2'], count: 2 }],
    ['two active, one without an id', [coverage('cov-1'), coverage(undefined)], DATA, { kind: 'several', references: ['Coverage/cov-1'], count: 2 }],
    ['a Coverage that ended', [coverage('cov-1', { period: { start: '2024-01-01', end: '2025-12-31' } })], DATA, { kind: 'inactive', reference: 'Coverage/cov-1', why: 'Coverage/cov-1 ended on 2025-12-31' }],
    ['a cancelled Coverage', [coverage('cov-1', { status: 'cancelled' })], DATA, { kind: 'inactive', reference: 'Coverage/cov-1', why: 'Coverage/cov-1 is cancelled' }],
    ['a Coverage that starts next year', [coverage('cov-1', { period: { start: '2027-01-01' } })], DATA, { kind: 'inactive', reference: 'Coverage/cov-1', why: 'Coverage/cov-1 starts on 2027-01-01' }],
    ['none active: the one that ended last', [coverage('a', { period: { end: '2024-06-30' } }), coverage('b', { period: { end: '2025-06-30' } })], DATA, { kind: 'inactive', reference: 'Coverage/b' }],
    ['entered in error only', [coverage('cov-1', { status: 'entered-in-error' })], DATA, { kind: 'none' }],
    ['no Coverage', [], DATA, { kind: 'none' }],
    ['an active Coverage without an id', [coverage(undefined)], DATA, { kind: 'unreferenceable' }],
    ['the coverage key failed', [], { keys: { coverage: 'failed' }, failures: { coverage: 'the FHIR server failed (500)' } }, { kind: 'unavailable', why: 'the coverage could not be retrieved from the EHR (the FHIR server failed (500))' }],
  ])('%s', (_what, resources, data, expected) => {
    expect(resolveMemberCoverage(resources, TODAY, data, PREFETCH)).toMatchObject(expected);
  });
});

describe('coverage problems, answered', () => {
  const FHIR = 'https://ehr.example.test/fhir';
  let runtime: Runtime;
  guardOutboundCalls();
  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR } });
  });
  afterAll(() => runtime.close());

  const withCoverages = (coverages: FhirResource[]) => [...lumbarBlockChart().filter((r) => r.resourceType !== 'Coverage'), ...coverages];
  const info = (body: { systemActions?: Array<{ resource: { extension?: Extension[] } }> }) =>
    (body.systemActions ?? []).flatMap((a) => (a.resource.extension ?? []).filter((e) => e.url === COVERAGE_INFORMATION_URL));
  const part = (e: Extension, url: string) => e.extension!.find((x) => x.url === url);

  async function sign(chart: FhirResource[], options: { version?: string; prefetch?: Record<string, unknown>; fhirServer?: boolean } = {}) {
    const res = await request(runtime.app)
      .post(HOOK_PATHS['order-sign'])
      .send(
        hookRequest({
          orders: [lumbarBlockOrder('sr-1')],
          prefetch: options.prefetch ?? fullPrefetch(chart),
          ...(options.fhirServer ? { fhirServer: FHIR, accessToken: 'tok' } : {}),
          ...(options.version ? { extension: { 'davinci-crd.requestedVersion': options.version } } : {}),
        }),
      );
    expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
    expectValidCdsResponse(res.body);
    for (const e of info(res.body)) {
      const version = options.version ?? '2.2';
      expect(structureProblems(e, version as '2.0' | '2.2')).toEqual([]);
      expect(failedInvariants(e, version as '2.0' | '2.2')).toEqual(documentedMisfires(e, version as '2.0' | '2.2'));
    }
    return res.body;
  }
  const notice = (body: { cards: Array<{ summary: string; source: { topic: { code: string } } }> }) => body.cards.filter((c) => c.source.topic.code === 'insurance');

  it('several active Coverages: not-covered, coverage-not-found, on each, each with its own assertion id (resp-45, resp-32); each id reads the decision back', async () => {
    const body = await sign(withCoverages([activeCoverage('cov-1'), activeCoverage('cov-2')]));
    const extensions = info(body);
    expect(extensions.map((e) => part(e, 'coverage')!.valueReference!.reference)).toEqual(['Coverage/cov-1', 'Coverage/cov-2']);
    for (const e of extensions) {
      expect(part(e, 'covered')!.valueCode).toBe('not-covered');
      expect(part(e, 'reason')!.valueCodeableConcept!.coding).toEqual([expect.objectContaining({ code: 'coverage-not-found' })]);
    }
    const [first, second] = extensions.map((e) => part(e, 'coverage-assertion-id')!.valueString!);
    expect(second).toBe(`${first}.2`);
    expect(notice(body).map((c) => c.summary)).toEqual([expect.stringMatching(/^Several active coverages found/)]);
    // The policy decision is still shown (the order meets the policy: meets-policy is off, so no card for it).
    await runtime.deps.decisionLog.flush();
    for (const id of [first, second]) {
      const read = await request(runtime.app).get(`/decisions/${id}`);
      expect({ id, status: read.status, assertion: read.body.coverageAssertionId }).toEqual({ id, status: 200, assertion: first });
    }
    expect((await request(runtime.app).get(`/decisions/${first}.3`)).status).toBe(404);
  });

  it('several active Coverages in 2.0.1: no coverage-not-found code there, the reason says it in words', async () => {
    const body = await sign(withCoverages([activeCoverage('cov-1'), activeCoverage('cov-2')]), { version: '2.0' });
    for (const e of info(body)) {
      expect(part(e, 'covered')!.valueCode).toBe('not-covered');
      expect(part(e, 'reason')!.valueCodeableConcept).toEqual({ text: expect.stringMatching(/^Coverage not resolved to a single plan: 2 Coverages are active today/) });
    }
  });

  it('no active coverage (the only Coverage ended): not-covered, no-active-coverage, on that Coverage (resp-45)', async () => {
    const body = await sign(withCoverages([activeCoverage('cov-1', { period: { start: '2024-01-01', end: '2025-12-31' } })]));
    const [e] = info(body);
    expect(part(e!, 'coverage')!.valueReference!.reference).toBe('Coverage/cov-1');
    expect(part(e!, 'covered')!.valueCode).toBe('not-covered');
    expect(part(e!, 'reason')!.valueCodeableConcept).toEqual({
      coding: [expect.objectContaining({ code: 'no-active-coverage' })],
      text: 'No active coverage: Coverage/cov-1 ended on 2025-12-31',
    });
    expect(notice(body).map((c) => c.summary)).toEqual([expect.stringMatching(/^No active coverage: /)]);
    // The policy's own decision is shown: the order meets it, so the card says so (not only the coverage problem).
    expect(body.cards.length).toBeGreaterThan(1);
  });

  it('no Coverage at all: no coverage information (it must name a Coverage); an Instructions card says so; the decision cards stay', async () => {
    const body = await sign(withCoverages([]));
    expect(body.systemActions).toBeUndefined();
    expect(notice(body).map((c) => c.summary)).toEqual(['No active coverage found: coverage information was not recorded on the orders']);
    expect(body.cards.some((c: { source: { topic: { code: string } } }) => c.source.topic.code !== 'insurance')).toBe(true);
  });

  it('a Coverage without an id: no coverage information (it cannot reference it); the card says what to send', async () => {
    const nameless = activeCoverage('x') as Coverage;
    delete nameless.id;
    const body = await sign(withCoverages([nameless]));
    expect(body.systemActions).toBeUndefined();
    expect(notice(body).map((c) => c.summary)).toEqual(['Coverage cannot be referenced: coverage information was not recorded on the orders']);
  });

  it('the coverage could not be retrieved (the FHIR server failed): no coverage information; the card says why', async () => {
    nock('https://ehr.example.test').get('/fhir/Coverage').query(true).reply(500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] });
    const prefetch = fullPrefetch(lumbarBlockChart(), { omit: ['coverage'] });
    const body = await sign([], { prefetch, fhirServer: true });
    expect(body.systemActions).toBeUndefined();
    expect(notice(body).map((c) => c.summary)).toEqual(['No active coverage found: coverage information was not recorded on the orders']);
  });

  it('the Coverage prefetched as an empty search, the member\'s other data complete: the same as no Coverage', async () => {
    const body = await sign([], { prefetch: { ...fullPrefetch(lumbarBlockChart()), coverage: searchset([]) } });
    expect(body.systemActions).toBeUndefined();
    expect(notice(body)).toHaveLength(1);
  });

  it('a Coverage for another patient is not the member\'s', async () => {
    const other = { ...(activeCoverage('cov-9') as Coverage), beneficiary: { reference: 'Patient/someone-else' } };
    const body = await sign(withCoverages([other]));
    expect(body.systemActions).toBeUndefined();
    expect(notice(body).map((c) => c.summary)).toEqual(['No active coverage found: coverage information was not recorded on the orders']);
  });

  describe('the decision card agrees with the coverage information: coverage not determined is said, never "meets policy, no prior auth"', () => {
    const decisionCards = (body: { cards: Array<{ summary: string; detail?: string; indicator: string; source: { topic: { code: string } } }> }) =>
      body.cards.filter((c) => c.source.topic.code !== 'insurance');
    it.each<[string, () => FhirResource[], RegExp, RegExp]>([
      ['several active Coverages', () => [activeCoverage('cov-1'), activeCoverage('cov-2')], /^Coverage unclear: 2 active plans; confirm which plan is primary\. Policy criteria met$/, /^\*\*Coverage not determined: 2 active coverages\.\*\* Confirm which plan is primary/],
      ['no Coverage active today', () => [activeCoverage('cov-1', { period: { start: '2024-01-01', end: '2025-12-31' } })], /^No active coverage; check eligibility\. Policy criteria met$/, /^\*\*Coverage not determined: no coverage in effect on the order date\*\* \(the latest coverage ended on 2025-12-31\)/],
      ['no Coverage at all', () => [], /^No active coverage found; check eligibility\. Policy criteria met$/, /^\*\*Coverage not determined: no active coverage in the record\.\*\*/],
    ])('%s: the order meets the policy, and the card says coverage is not determined and what to do', async (_what, coverages, summary, opening) => {
      const body = await sign(withCoverages(coverages()));
      const cards = decisionCards(body);
      expect(cards.map((c) => c.summary)).toEqual([expect.stringMatching(summary)]);
      const [card] = cards;
      expect(card!.detail).toMatch(opening);
      expect(card!.detail).toMatch(/The record meets every criterion of the policy\./);
      for (const text of [card!.summary, card!.detail!]) expect(text).not.toMatch(/Meets policy|no prior auth|prior authorization is needed|Prior auth needed/i);
      expect(card!.indicator).toBe('warning');
      // Coverage information, where recorded, says not covered: the card does not say otherwise.
      for (const e of info(body)) expect(part(e, 'covered')!.valueCode).toBe('not-covered');
    });

    it('one active Coverage: the card speaks for coverage as before (no coverage problem named)', async () => {
      const body = await sign(withCoverages([activeCoverage('cov-1')]), {});
      expect(body.cards.map((c: { summary: string }) => c.summary).join(' ')).not.toMatch(/Coverage unclear|No active coverage/);
    });
  });
});
