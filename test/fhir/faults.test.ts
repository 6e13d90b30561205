import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import request from 'supertest';
import type { FhirResource } from 'fhir/r4';
import type { Runtime } from '../../src/runtime';
import { activeCoverage, facetOrder, fullPrefetch, hookRequest, ICD10, patient, PATIENT_REF, searchset, SERVICE_PATH } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { capturingLogger, testRuntime } from '../helpers/runtime';

/**
 * What the service does when the EHR's FHIR server misbehaves. The data-gathering rules: a key that
 * cannot be fetched is marked failed; the criteria depending on it are indeterminate; the answer is
 * still a 200 with a card saying what could not be checked and, for the order, CRD coverage information
 * `indeterminate` with the `technical` reason. Never a 5xx, never a hang.
 */
const FHIR = 'http://127.0.0.1:9999/fhir';
const ORIGIN = 'http://127.0.0.1:9999';
const CONDITIONS = '/fhir/Condition';

function callFetchingConditions(extra: { omit?: string[]; chart?: FhirResource[] } = {}) {
  return hookRequest({
    orders: [facetOrder('order-1', '64490')],
    prefetch: fullPrefetch([patient(), activeCoverage(), ...(extra.chart ?? [])], { omit: extra.omit ?? ['conditions'] }),
    fhirServer: FHIR,
    accessToken: 'token-abc',
  });
}

interface CoverageInfo {
  covered?: string;
  reasonCodes: string[];
}

function coverageInformation(body: { systemActions?: Array<{ resource?: { extension?: Array<{ url: string; extension?: Array<Record<string, any>> }> } }> }): CoverageInfo {
  const ext = body.systemActions?.[0]?.resource?.extension?.find((e) => e.url.endsWith('ext-coverage-information'))?.extension ?? [];
  return {
    covered: ext.find((e) => e.url === 'covered')?.valueCode,
    reasonCodes: ext.filter((e) => e.url === 'reason').flatMap((e) => (e.valueCodeableConcept?.coding ?? []).map((c: { code: string }) => c.code)),
  };
}

describe('FHIR server faults degrade to "could not be checked"', () => {
  let runtime: Runtime;
  let logs: string[];

  beforeAll(async () => {
    const captured = capturingLogger();
    logs = captured.lines;
    runtime = await testRuntime({ logger: captured.logger, env: { FHIR_TIMEOUT_MS: '300', FHIR_MAX_PAGES: '3' } });
  });
  afterAll(() => runtime.close());
  beforeEach(() => {
    logs.length = 0;
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1:(?!9999)/); // supertest's own listener, not the fake EHR
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  /** The hook answers 200, valid, indeterminate/technical, and the card names the key and why. */
  async function expectIndeterminate(why: RegExp): Promise<void> {
    const res = await request(runtime.app).post(SERVICE_PATH).send(callFetchingConditions());
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(coverageInformation(res.body)).toEqual({ covered: 'indeterminate', reasonCodes: ['technical'] });
    const card = res.body.cards[0];
    expect(card.summary).toMatch(/^Could not be checked/);
    const notRetrieved = /Not retrieved from the EHR: (.*)\./.exec(card.detail)?.[1];
    expect(notRetrieved).toMatch(new RegExp(`^conditions \\(${why.source}`));
    const decided = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'hook decided');
    expect(decided.dataKeys.conditions).toBe('failed');
  }

  it('a timeout: the deadline ends the wait', async () => {
    nock(ORIGIN).get(CONDITIONS).query(true).delay(5000).reply(200, searchset([]));
    await expectIndeterminate(/the FHIR server did not answer before the deadline/);
  });

  it('a connection reset', async () => {
    nock(ORIGIN).get(CONDITIONS).query(true).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expectIndeterminate(/the FHIR server could not be reached \(ECONNRESET\)/);
  });

  it.each([
    [401, /the FHIR server refused the access token \(401\)/],
    [403, /the access token does not allow this query \(403\)/],
    [404, /the FHIR server does not support this query \(404\)/],
    [429, /the FHIR server is rate limiting \(429\)/],
    [500, /the FHIR server failed \(500\)/],
    [503, /the FHIR server failed \(503\)/],
  ])('HTTP %i', async (status, why) => {
    nock(ORIGIN).get(CONDITIONS).query(true).reply(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] });
    await expectIndeterminate(why);
  });

  it('a body that is not JSON', async () => {
    nock(ORIGIN).get(CONDITIONS).query(true).reply(200, '<html><body>Service Unavailable</body></html>', { 'Content-Type': 'text/html' });
    await expectIndeterminate(/the FHIR server did not answer with JSON/);
  });

  it('JSON that is not a FHIR resource', async () => {
    nock(ORIGIN).get(CONDITIONS).query(true).reply(200, [{ resourceType: 'Condition' }]);
    await expectIndeterminate(/the FHIR server did not answer with a FHIR resource/);
  });

  it('a next link that loops back to an earlier page', async () => {
    const page1 = { ...searchset([]), link: [{ relation: 'next', url: `${FHIR}/Condition?page=2` }] };
    const page2 = { ...searchset([]), link: [{ relation: 'next', url: `${FHIR}/Condition?patient=pat-1` }] };
    nock(ORIGIN).get(CONDITIONS).query({ patient: 'pat-1' }).reply(200, page1);
    nock(ORIGIN).get(CONDITIONS).query({ page: '2' }).reply(200, page2);
    await expectIndeterminate(/the FHIR server returned a next link that loops/);
  });

  it('next links that never end: stops at FHIR_MAX_PAGES, and a history cut short counts as not retrieved', async () => {
    const scope = nock(ORIGIN)
      .get(CONDITIONS)
      .query(true)
      .times(3)
      .reply((uri) => {
        const page = Number(new URL(uri, ORIGIN).searchParams.get('page') ?? '1');
        return [200, { ...searchset([]), link: [{ relation: 'next', url: `${FHIR}/Condition?page=${page + 1}` }] }];
      });
    await expectIndeterminate(/the FHIR server returned more than 3 pages/);
    expect(scope.isDone()).toBe(true);
  });

  it('a search answered with another resource type instead of a Bundle', async () => {
    nock(ORIGIN).get(CONDITIONS).query(true).reply(200, patient());
    await expectIndeterminate(/a search returned Patient, not a Bundle/);
  });

  it('a read answered with another resource type (an OperationOutcome with 200) is not the patient', async () => {
    nock(ORIGIN).get('/fhir/Patient/pat-1').reply(200, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing' }] });
    const res = await request(runtime.app).post(SERVICE_PATH).send(callFetchingConditions({ omit: ['patient'] }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    const decided = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'hook decided');
    expect(decided.dataKeys.patient).toBe('failed');
  });

  it('a huge or deeply nested answer is refused before it is parsed', async () => {
    const deep = `{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition","note":${'['.repeat(5000)}${']'.repeat(5000)}}}]}`;
    nock(ORIGIN).get(CONDITIONS).query(true).reply(200, deep, { 'Content-Type': 'application/fhir+json' });
    await expectIndeterminate(/the FHIR server answer nests objects and arrays more than 100 levels deep/);
  });
});

describe('resources about another patient are ignored, never evidence', () => {
  // Neck pain since January: evidence for "pain for at least 3 months" (I.A.1.a) when it is this patient's.
  const neckPain = (id: string, subject: string): FhirResource => ({
    resourceType: 'Condition',
    id,
    subject: { reference: subject },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: ICD10, code: 'M54.2', display: 'Cervicalgia' }] },
    onsetDateTime: '2026-01-15',
  });

  let runtime: Runtime;
  let logs: string[];
  beforeAll(async () => {
    const captured = capturingLogger();
    logs = captured.lines;
    runtime = await testRuntime({ logger: captured.logger });
  });
  afterAll(() => runtime.close());
  afterEach(() => nock.cleanAll());

  /** Whether the card lists the pain criterion among what is unmet or to document (an item of its own), or not (met). */
  const painCriterion = (body: { cards: Array<{ detail: string }> }) =>
    body.cards[0]!.detail.split('\n').some((line) => line.startsWith('- Back or neck pain for at least 3 months (')) ? 'not met' : 'met';

  it('from the FHIR server', async () => {
    nock(ORIGIN).get(CONDITIONS).query(true).reply(200, searchset([neckPain('theirs', 'Patient/someone-else')]));
    const res = await request(runtime.app).post(SERVICE_PATH).send(callFetchingConditions());
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(JSON.stringify(res.body)).not.toContain('Condition/theirs');
    expect(painCriterion(res.body)).toBe('not met');
    const decided = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'hook decided');
    expect(decided.ignoredOtherPatient).toBe(1);
  });

  it('from prefetch, while the same resource about this patient is evidence', async () => {
    const theirs = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(callFetchingConditions({ omit: [], chart: [neckPain('theirs', 'Patient/someone-else')] }));
    expect(theirs.status).toBe(200);
    expect(JSON.stringify(theirs.body)).not.toContain('Condition/theirs');
    expect(painCriterion(theirs.body)).toBe('not met');

    const ours = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(callFetchingConditions({ omit: [], chart: [neckPain('ours', PATIENT_REF)] }));
    expect(painCriterion(ours.body)).toBe('met');
  });
});

describe('outbound FHIR concurrency limit (FHIR_MAX_CONCURRENCY)', () => {
  it('never has more requests in flight to the EHR than the limit, across concurrent hook calls', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let served = 0;
    // A real loopback EHR that holds each answer briefly, so requests would pile up without the limit.
    const ehr = http.createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        served++;
        res.setHeader('Content-Type', 'application/fhir+json');
        res.end(JSON.stringify(req.url?.startsWith('/fhir/Patient/') ? patient() : searchset([])));
      }, 20);
    });
    await new Promise<void>((resolve) => ehr.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(ehr.address() as AddressInfo).port}/fhir`;
    const runtime = await testRuntime({ env: { FHIR_MAX_CONCURRENCY: '2', FHIR_TIMEOUT_MS: '20000' } });
    try {
      const calls = Array.from({ length: 3 }, () =>
        request(runtime.app)
          .post(SERVICE_PATH)
          .send(hookRequest({ orders: [facetOrder('order-1', '64490')], fhirServer: base })),
      );
      const answers = await Promise.all(calls);
      for (const res of answers) {
        expect(res.status).toBe(200);
        expectValidCdsResponse(res.body);
      }
      expect(served).toBe(3 * 13); // every declared key fetched for each call
      expect(maxInFlight).toBe(2);
    } finally {
      await runtime.close();
      await new Promise((resolve) => ehr.close(resolve));
    }
  });
});
