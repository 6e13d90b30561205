import nock from 'nock';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, facetOrder, fullPrefetch, hookRequest } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';
import { guardOutboundCalls } from '../fhir/outbound-calls';

/** One order-sign call end to end: relevance first, then data, decision and response. */
const FHIR = 'https://ehr.example.test/fhir';
const MEETS_POLICY = { 'davinci-crd.configuration': { 'meets-policy': true } };

function coverageInformation(res: request.Response, orderId: string): Array<{ url: string; [k: string]: unknown }> {
  const action = res.body.systemActions.find((a: any) => a.resource.id === orderId);
  // The service appends its own; a client's earlier (or malformed) one may come before it.
  return action.resource.extension.findLast((e: any) => e?.url?.endsWith('ext-coverage-information')).extension;
}

function covered(res: request.Response, orderId: string): unknown {
  return coverageInformation(res, orderId).find((e) => e.url === 'covered')?.valueCode;
}

describe('handleHookCall', () => {
  let runtime: Runtime;
  const outbound = guardOutboundCalls();
  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR } });
  });
  afterAll(() => runtime.close());

  it('answers {"cards": []} at once when no order is a facet order, without calling an allowlisted FHIR server', async () => {
    const server = nock('https://ehr.example.test').get(/.*/).reply(200, { resourceType: 'Bundle', type: 'searchset' });
    const body = hookRequest({ orders: [facetOrder('sr-mri', '72148'), facetOrder('sr-pt', '97110')], fhirServer: FHIR, accessToken: 'tok-1' });
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
    expect(server.isDone()).toBe(false);
    expect(outbound.unexpected).toEqual([]);
  });

  it('answers {"cards": []} for an empty draftOrders Bundle, even with no prefetch and no FHIR server (nothing to decide, so no 412)', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('decides a facet order from prefetch alone: coverage information, and no card repeating it (CRD resp-12)', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()) }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(covered(res, 'sr-1')).toBe('covered');
    expect(res.body.cards).toEqual([]);
    expect(outbound.unexpected).toEqual([]);
  });

  it('shows the meets-policy card when the client turns the option on', async () => {
    const body = hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY });
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.cards[0].summary).toBe('Meets policy, no prior auth needed');
    expect(res.body.cards[0].detail).toContain('**Order:** Lumbar facet joint injection, 1 level (CPT 64493)');
    expect(covered(res, 'sr-1')).toBe('covered');
  });

  it('shows the meets-policy card, whatever the option, when no coverage information records the order (coverage-info off)', async () => {
    const extension = { 'davinci-crd.configuration': { 'coverage-info': false } };
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()), extension }));
    expect(res.status).toBe(200);
    expect(res.body.systemActions).toBeUndefined();
    expect(res.body.cards[0].summary).toBe('Meets policy, no prior auth needed');
  });

  it('decides re-signed orders the same as drafts (status is not filtered)', async () => {
    for (const status of ['active', 'on-hold', 'completed'] as const) {
      const res = await request(runtime.app)
        .post(SERVICE_PATH)
        .send(hookRequest({ orders: [lumbarBlockOrder('sr-1', '64493', { status })], prefetch: fullPrefetch(lumbarBlockChart()) }));
      expect(res.status).toBe(200);
      expect(covered(res, 'sr-1')).toBe('covered');
    }
  });

  it('decides only the facet orders of a mixed session', async () => {
    const orders = [facetOrder('sr-mri', '72148'), lumbarBlockOrder('sr-1'), { resourceType: 'MedicationRequest', id: 'rx-1', status: 'draft', intent: 'order', subject: { reference: 'Patient/pat-1' }, medicationCodeableConcept: { text: 'ibuprofen' } }];
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: orders as any, prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expect(res.body.systemActions.map((a: any) => a.resource.id)).toEqual(['sr-1']);
    expect(res.body.cards.flatMap((c: any) => c.extension?.['davinci-crd.associated-resource'] ?? [])).toEqual([{ reference: 'ServiceRequest/sr-1' }]);
  });

  it('decides a facet order on its own codes when an order it does not decide shares its id, whichever comes first', async () => {
    for (const orders of [
      [lumbarBlockOrder('sr-1'), facetOrder('sr-1', '72148')],
      [facetOrder('sr-1', '72148'), lumbarBlockOrder('sr-1')],
    ]) {
      const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders, prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
      expect(res.status).toBe(200);
      expect(res.body.cards[0].summary).toBe('Meets policy, no prior auth needed');
    expect(res.body.cards[0].detail).toContain('**Order:** Lumbar facet joint injection, 1 level (CPT 64493)');
      expect(covered(res, 'sr-1')).toBe('covered');
    }
  });

  it('ignores members it does not know, at every level', async () => {
    const body = hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: { ...fullPrefetch(lumbarBlockChart()), notDeclared: { resourceType: 'Bundle', type: 'searchset' } } }) as any;
    body['com.example.traceId'] = 'abc';
    body.context['com.example.department'] = { name: 'Spine' };
    body.context.selections = ['ServiceRequest/sr-1'];
    body.extension = { 'com.example.flag': true };
    body.context.draftOrders.entry[0].fullUrl = 'urn:uuid:0b0c0d0e-0000-4000-8000-000000000001';
    body.context.draftOrders.entry[0].request = { method: 'POST', url: 'ServiceRequest' };
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(covered(res, 'sr-1')).toBe('covered');
  });

  it.each([
    ['[null]', [null]],
    ['an object', {}],
    ['a string', 'x'],
    ['a coverage-information entry whose extension is a string', [{ url: 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information', extension: 'x' }]],
    ['a coverage-information entry whose extension is [null]', [{ url: 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information', extension: [null] }]],
  ])('decides an order whose extension is malformed (%s) instead of failing', async (_what, extension) => {
    const order = { ...lumbarBlockOrder('sr-1'), extension } as never;
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order], prefetch: fullPrefetch(lumbarBlockChart()) }));
    expect(res.status).toBe(200);
    expect(covered(res, 'sr-1')).toBe('covered');
  });

  it('takes the same request as application/fhir+json', async () => {
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .set('Content-Type', 'application/fhir+json; charset=utf-8')
      .send(JSON.stringify(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()) })));
    expect(res.status).toBe(200);
    expect(covered(res, 'sr-1')).toBe('covered');
  });
});
