import type { Bundle, FhirResource, OperationOutcome } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { PATIENT_ID, SERVICE_PATH, fullPrefetch, hookRequest, searchset } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';
import { guardOutboundCalls } from './outbound-calls';

/**
 * Data gathering per CDS Hooks 2.0.1 (cds-hooks-notes.md §1.5) and src/fhir/gather.ts: for each
 * declared prefetch key, what the EHR sent decides whether the service calls the EHR's FHIR server.
 */
const ORIGIN = 'https://ehr.example.test';
const FHIR = `${ORIGIN}/fhir`;
const TOKEN = 'tok-4f8e2a91';
const REQUIRED_KEYS = ['patient', 'coverage', 'conditions', 'procedures', 'observations', 'medicationRequests', 'medicationStatements'];

const chart = lumbarBlockChart();
const conditions = chart.filter((r) => r.resourceType === 'Condition');
const order = () => lumbarBlockOrder('sr-1');

/** The EHR's FHIR server, answering only requests that carry the hook's access token. */
function ehr() {
  return nock(ORIGIN, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
}

function withServer(prefetch?: Record<string, unknown>) {
  return hookRequest({ orders: [order()], prefetch, fhirServer: FHIR, accessToken: TOKEN });
}

function coverageInformation(res: request.Response): Record<string, any> {
  const ext = res.body.systemActions[0].resource.extension.find((e: any) => e.url.endsWith('ext-coverage-information')).extension as any[];
  return Object.fromEntries(ext.map((e) => [e.url, e.valueCode ?? e.valueCodeableConcept ?? e.valueReference ?? e.valueString ?? e.valueDate]));
}

function outcome(res: request.Response): string {
  expect(res.status).toBe(200);
  expectValidCdsResponse(res.body);
  return coverageInformation(res).covered;
}

const operationOutcome = (severity: 'error' | 'warning' = 'error'): OperationOutcome => ({
  resourceType: 'OperationOutcome',
  issue: [{ severity, code: 'exception', diagnostics: 'EHR could not run the prefetch query' }],
});

describe('gathering the chart', () => {
  let runtime: Runtime;
  const outbound = guardOutboundCalls();
  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR } });
  });
  afterAll(() => runtime.close());

  const post = (body: unknown) => request(runtime.app).post(SERVICE_PATH).send(body as object);

  describe('prefetch complete', () => {
    it('decides from prefetch alone and calls nothing, though a FHIR server and token were given', async () => {
      const res = await post(withServer(fullPrefetch(chart)));
      expect(outcome(res)).toBe('covered');
      expect(outbound.unexpected).toEqual([]);
    });
  });

  describe('prefetch partial', () => {
    it('fetches exactly the missing search keys, with the access token as Bearer', async () => {
      const fetched = [
        ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, searchset(conditions)),
        ehr().get(`/fhir/Procedure?patient=${PATIENT_ID}`).reply(200, searchset(chart.filter((r) => r.resourceType === 'Procedure'))),
        ehr().get(`/fhir/MedicationRequest?patient=${PATIENT_ID}`).reply(200, searchset(chart.filter((r) => r.resourceType === 'MedicationRequest'))),
      ];
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions', 'procedures', 'medicationRequests'] })));
      expect(outcome(res)).toBe('covered');
      for (const scope of fetched) expect(scope.isDone()).toBe(true);
      expect(outbound.unexpected).toEqual([]);
    });

    it('fetches a missing read key (Patient/{{context.patientId}}) as a read', async () => {
      const read = ehr().get(`/fhir/Patient/${PATIENT_ID}`).reply(200, chart[0]);
      const res = await post(withServer(fullPrefetch(chart, { omit: ['patient'] })));
      expect(outcome(res)).toBe('covered');
      expect(read.isDone()).toBe(true);
      expect(outbound.unexpected).toEqual([]);
    });

    it('fetches the observations key with its declared codes', async () => {
      const search = ehr()
        .get('/fhir/Observation')
        .query((q) => q.patient === PATIENT_ID && typeof q.code === 'string' && q.code.split(',').includes('http://loinc.org|97909-6'))
        .reply(200, searchset(chart.filter((r) => r.resourceType === 'Observation')));
      const res = await post(withServer(fullPrefetch(chart, { omit: ['observations'] })));
      expect(outcome(res)).toBe('covered');
      expect(search.isDone()).toBe(true);
    });

    it('sends no Authorization header when the request has a fhirServer but no fhirAuthorization', async () => {
      const search = nock(ORIGIN, { badheaders: ['authorization'] }).get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, searchset(conditions));
      const body = hookRequest({ orders: [order()], prefetch: fullPrefetch(chart, { omit: ['conditions'] }), fhirServer: FHIR });
      expect(outcome(await post(body))).toBe('covered');
      expect(search.isDone()).toBe(true);
    });

    it('runs the fetches in parallel: every missing key is in flight before any is answered', async () => {
      const missing = ['Condition', 'Procedure', 'MedicationRequest', 'MedicationStatement'];
      let arrived = 0;
      let releaseAll!: () => void;
      const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
      for (const type of missing) {
        ehr()
          .get(`/fhir/${type}?patient=${PATIENT_ID}`)
          .reply(async () => {
            if (++arrived === missing.length) releaseAll();
            await allArrived; // a sequential client would never get here for the first request: deadline, indeterminate
            return [200, searchset(chart.filter((r) => r.resourceType === type))];
          });
      }
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions', 'procedures', 'medicationRequests', 'medicationStatements'] })));
      expect(outcome(res)).toBe('covered');
      expect(arrived).toBe(missing.length);
    });
  });

  describe('prefetch null or empty: no data, no refetch', () => {
    it('takes conditions: null as "no conditions", without calling the server', async () => {
      const res = await post(withServer({ ...fullPrefetch(chart), conditions: null }));
      expect(outcome(res)).toBe('conditional');
      expect(res.body.cards[0].detail).toContain('**To document (2):**\n\n- Back or neck pain for at least 3 months (I.A.1.a): No current back or neck pain diagnosis on record');
      expect(outbound.unexpected).toEqual([]);
    });

    it('takes patient: null (a read that found nothing) as no data, without calling the server', async () => {
      const res = await post(withServer({ ...fullPrefetch(chart), patient: null }));
      expect(res.status).toBe(200);
      expect(outbound.unexpected).toEqual([]);
    });

    it('takes an empty searchset as "no conditions", without calling the server', async () => {
      const res = await post(withServer({ ...fullPrefetch(chart), conditions: { resourceType: 'Bundle', type: 'searchset', total: 0 } }));
      expect(outcome(res)).toBe('conditional');
      expect(outbound.unexpected).toEqual([]);
    });
  });

  describe('prefetch OperationOutcome: a client-side error', () => {
    it('refetches a key that holds an OperationOutcome alone', async () => {
      const refetch = ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, searchset(conditions));
      const res = await post(withServer({ ...fullPrefetch(chart), conditions: operationOutcome() }));
      expect(outcome(res)).toBe('covered');
      expect(refetch.isDone()).toBe(true);
      expect(outbound.unexpected).toEqual([]);
    });

    it('refetches a key whose Bundle holds an error OperationOutcome, ignoring the Bundle\'s other entries', async () => {
      const refetch = ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, searchset(conditions));
      const partial: Bundle = searchset([operationOutcome(), { ...conditions[0]!, id: 'cond-partial', subject: { reference: 'Patient/pat-1' } } as FhirResource]);
      const res = await post(withServer({ ...fullPrefetch(chart), conditions: partial }));
      expect(outcome(res)).toBe('covered');
      expect(refetch.isDone()).toBe(true);
    });

    it('uses a Bundle whose OperationOutcome is only a warning, without refetching', async () => {
      const res = await post(withServer({ ...fullPrefetch(chart), conditions: searchset([...conditions, operationOutcome('warning')]) }));
      expect(outcome(res)).toBe('covered');
      expect(outbound.unexpected).toEqual([]);
    });

    it('with no FHIR server, treats an OperationOutcome as missing: 412 for a required key', async () => {
      const res = await post(hookRequest({ orders: [order()], prefetch: { ...fullPrefetch(chart), conditions: operationOutcome() } }));
      expect(res.status).toBe(412);
      expect(res.body.issue[0].expression).toEqual(['prefetch.conditions']);
    });

    it('with no FHIR server, treats an OperationOutcome as missing: still a decision for an optional key', async () => {
      const res = await post(hookRequest({ orders: [order()], prefetch: { ...fullPrefetch(chart), devices: operationOutcome() } }));
      expect(outcome(res)).toBe('covered');
    });
  });

  describe('no prefetch and no FHIR server', () => {
    it('answers 412 with an OperationOutcome naming every required key', async () => {
      const res = await post(hookRequest({ orders: [order()] }));
      expect(res.status).toBe(412);
      expect(res.type).toBe('application/fhir+json');
      // Shaped like the CDS Hooks 3.0.0-ballot 412 example (test/fixtures/examples/cds-hooks/spec-3.0.0-ballot_412-OperationOutcome.json).
      expect(res.body).toEqual({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'incomplete',
            diagnostics: `Required data was not prefetched and cannot be fetched (the request has no fhirServer): ${REQUIRED_KEYS.join(', ')}`,
            expression: REQUIRED_KEYS.map((key) => `prefetch.${key}`),
          },
        ],
      });
    });

    it('answers 412 when the fhirServer is not allowlisted, saying so, and calls nothing', async () => {
      const res = await post(hookRequest({ orders: [order()], fhirServer: 'https://elsewhere.example.test/fhir', accessToken: TOKEN }));
      expect(res.status).toBe(412);
      expect(res.body.issue[0].diagnostics).toMatch(/fhirServer is not on the allowlist for this client/);
      expect(outbound.unexpected).toEqual([]);
    });

    it('decides without the optional keys: only required keys make a 412', async () => {
      const res = await post(hookRequest({ orders: [order()], prefetch: fullPrefetch(chart, { omit: ['medicationDispenses', 'allergies', 'devices', 'imagingReports', 'serviceRequests'] }) }));
      expect(outcome(res)).toBe('covered');
    });
  });

  describe('FHIR server failures: still 200, indeterminate', () => {
    it('a 500 on one key: outcome indeterminate (reason technical) and a card saying what could not be checked', async () => {
      ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(500, operationOutcome());
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
      expect(outcome(res)).toBe('indeterminate');
      const info = coverageInformation(res);
      expect(info.reason.coding).toEqual([{ system: 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp', code: 'technical', display: 'Technical issue' }]);
      const card = res.body.cards[0];
      expect(card.summary).toBe('Could not be checked: not retrieved from the EHR: conditions');
      expect(card.detail).toContain('Not retrieved from the EHR: conditions (the FHIR server failed (500)).');
      // The reason once, then the criteria it leaves unchecked.
      expect(card.detail).toContain('**Not checked (7):**\n\n- Could not be checked: conditions (the FHIR server failed (500)) — Back or neck pain for at least 3 months (I.A.1.a); Pain interferes');
    });

    it('a server slower than FHIR_TIMEOUT_MS: outcome indeterminate, the card says the server did not answer in time', async () => {
      const slow = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR, FHIR_TIMEOUT_MS: '200' } });
      let answer!: () => void;
      try {
        // The server answers only after the service has responded: no clock in the test, only the deadline.
        ehr()
          .get(`/fhir/Condition?patient=${PATIENT_ID}`)
          .reply(() => new Promise((resolve) => (answer = () => resolve([200, searchset(conditions)]))));
        const res = await request(slow.app).post(SERVICE_PATH).send(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
        expect(outcome(res)).toBe('indeterminate');
        expect(res.body.cards[0].detail).toContain('conditions (the FHIR server did not answer before the deadline)');
        expect(coverageInformation(res).reason.coding[0].code).toBe('technical');
      } finally {
        answer?.();
        await slow.close();
      }
    });

    it('a 200 search whose Bundle reports an error: indeterminate, not "nothing on record"', async () => {
      const failed = { ...searchset([operationOutcome()]), entry: [{ resource: operationOutcome(), search: { mode: 'outcome' as const } }] };
      ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, failed);
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
      expect(outcome(res)).toBe('indeterminate');
      expect(res.body.cards[0].detail).toContain('conditions (the FHIR server reported an error with its results)');
    });

    it('a 200 search with a warning OperationOutcome beside its results: the results are used', async () => {
      ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, searchset([...conditions, operationOutcome('warning')]));
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
      expect(outcome(res)).toBe('covered');
    });

    it('a failure on a key no applicable criterion reads changes nothing', async () => {
      ehr().get(`/fhir/Device?patient=${PATIENT_ID}`).reply(503);
      const res = await post(withServer(fullPrefetch(chart, { omit: ['devices'] })));
      expect(outcome(res)).toBe('covered');
    });
  });

  describe('paging', () => {
    const page = (resources: FhirResource[], self: string, next?: string): Bundle => ({
      ...searchset(resources),
      link: [{ relation: 'self', url: `${FHIR}/${self}` }, ...(next ? [{ relation: 'next', url: `${FHIR}/${next}` }] : [])],
    });

    it('follows Bundle next links: evidence on page 2 counts', async () => {
      const p1 = ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, page([], `Condition?patient=${PATIENT_ID}`, 'Condition?_page=2'));
      const p2 = ehr().get('/fhir/Condition?_page=2').reply(200, page(conditions, 'Condition?_page=2'));
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
      expect(outcome(res)).toBe('covered');
      expect(p1.isDone() && p2.isDone()).toBe(true);
    });

    it('stops at FHIR_MAX_PAGES: a history cut short is not complete, so its key counts as not retrieved', async () => {
      const bounded = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR, FHIR_MAX_PAGES: '2' } });
      try {
        ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, page([], `Condition?patient=${PATIENT_ID}`, 'Condition?_page=2'));
        ehr().get('/fhir/Condition?_page=2').reply(200, page([], 'Condition?_page=2', 'Condition?_page=3'));
        const third = ehr().get('/fhir/Condition?_page=3').reply(200, page(conditions, 'Condition?_page=3'));
        const res = await request(bounded.app).post(SERVICE_PATH).send(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
        expect(outcome(res)).toBe('indeterminate'); // the diagnosis was on page 3, never read
        expect(third.isDone()).toBe(false);
        expect(outbound.unexpected).toEqual([]);
      } finally {
        await bounded.close();
      }
    });

    it('continues a paginated prefetch Bundle from the FHIR server', async () => {
      const p2 = ehr().get('/fhir/Condition?_page=2').reply(200, page(conditions, 'Condition?_page=2'));
      const prefetch = { ...fullPrefetch(chart), conditions: page([], `Condition?patient=${PATIENT_ID}`, 'Condition?_page=2') };
      const res = await post(withServer(prefetch));
      expect(outcome(res)).toBe('covered');
      expect(p2.isDone()).toBe(true);
    });

    // CDS Hooks 2.0.1: "It is the CDS Service's responsibility to programmatically retrieve any additional
    // necessary data. If unable, SHALL respond with 412." A first page is not the record.
    it('answers 412 for a required key whose prefetch Bundle has a next page the service may not fetch (no fhirServer)', async () => {
      const prefetch = { ...fullPrefetch(chart), conditions: page(conditions, `Condition?patient=${PATIENT_ID}`, 'Condition?_page=2') };
      const res = await post(hookRequest({ orders: [order()], prefetch }));
      expect(res.status).toBe(412);
      expect(res.body.issue).toEqual([
        {
          severity: 'error',
          code: 'incomplete',
          diagnostics: 'Required prefetch is incomplete (its Bundle has a next page) and the rest cannot be fetched (the request has no fhirServer): conditions',
          expression: ['prefetch.conditions'],
        },
      ]);
      expect(outbound.unexpected).toEqual([]);
    });

    it('answers 412 for a paginated required key when the fhirServer is not allowlisted, naming it with the keys not sent', async () => {
      const prefetch = { ...fullPrefetch(chart, { omit: ['procedures'] }), conditions: page(conditions, `Condition?patient=${PATIENT_ID}`, 'Condition?_page=2') };
      const res = await post(hookRequest({ orders: [order()], prefetch, fhirServer: 'https://elsewhere.example.test/fhir', accessToken: TOKEN }));
      expect(res.status).toBe(412);
      expect(res.body.issue[0].diagnostics).toBe(
        'Required data was not prefetched and cannot be fetched (fhirServer is not on the allowlist for this client): procedures; ' +
          'Required prefetch is incomplete (its Bundle has a next page) and the rest cannot be fetched (fhirServer is not on the allowlist for this client): conditions',
      );
      expect(res.body.issue[0].expression).toEqual(['prefetch.conditions', 'prefetch.procedures']);
      expect(outbound.unexpected).toEqual([]);
    });

    it('an optional key whose prefetch Bundle has a next page, without FHIR access: not used, like a key not sent, and the card says it was incomplete', async () => {
      // The only sign that radiofrequency neurotomy is being considered (I.A.1.f) is a planned order on page 1.
      const planned = {
        resourceType: 'ServiceRequest',
        id: 'rf-plan-1',
        status: 'active',
        intent: 'plan',
        subject: { reference: `Patient/${PATIENT_ID}` },
        code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64635' }] },
      } as FhirResource;
      const withoutRfNote = lumbarBlockOrder('sr-1', '64493', { note: [{ text: 'Diagnostic block.' }] });
      const prefetch = (next?: string) => ({ ...fullPrefetch(chart), serviceRequests: page([planned], `ServiceRequest?patient=${PATIENT_ID}`, next) });

      // Complete (no next page): the planned order counts.
      const complete = await post(hookRequest({ orders: [withoutRfNote], prefetch: prefetch() }));
      expect(outcome(complete)).toBe('covered');

      const res = await post(hookRequest({ orders: [withoutRfNote], prefetch: prefetch('ServiceRequest?_page=2') }));
      expect(outcome(res)).toBe('conditional');
      const detail: string = res.body.cards[0].detail;
      expect(detail).toContain(
        'Incomplete data from the EHR, not used: serviceRequests (the prefetched Bundle has a next page, and the service cannot fetch it (the request has no fhirServer)).',
      );
      expect(detail).toContain('**To document (1):**\n\n- Radiofrequency neurotomy is being considered (I.A.1.f):');
      expect(outbound.unexpected).toEqual([]);
    });
  });

  describe('other patients', () => {
    it('ignores fetched resources about another patient: they are not evidence', async () => {
      const other = conditions.map((c) => ({ ...c, subject: { reference: 'Patient/someone-else' } }));
      ehr().get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(200, searchset(other as FhirResource[]));
      const res = await post(withServer(fullPrefetch(chart, { omit: ['conditions'] })));
      expect(outcome(res)).toBe('conditional');
      expect(res.body.cards[0].detail).not.toContain('cond-spondylosis');
    });

    it('ignores prefetched resources about another patient', async () => {
      const other = conditions.map((c) => ({ ...c, subject: { reference: 'https://ehr.example.test/fhir/Patient/someone-else' } }));
      const res = await post(hookRequest({ orders: [order()], prefetch: { ...fullPrefetch(chart), conditions: searchset(other as FhirResource[]) } }));
      expect(outcome(res)).toBe('conditional');
    });
  });
});
