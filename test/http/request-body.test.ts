import type { FhirResource } from 'fhir/r4';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import { StartupError } from '../../src/errors';
import type { Runtime } from '../../src/runtime';
import { PATIENT_REF, SERVICE_PATH, fullPrefetch, hookRequest, searchset } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/** The HTTP layer in front of the hook handler: routes, content types and body size (issue 2, item 3). */
const MB = 1024 * 1024;

/** A valid facet hook request padded with `bytes` of narrative (EHRs send whole charts with their HTML). */
function requestOfSize(bytes: number): string {
  const chart = lumbarBlockChart();
  const filler: FhirResource[] = [];
  const div = `<div xmlns="http://www.w3.org/1999/xhtml">${'Progress note text. '.repeat(500)}</div>`;
  for (let i = 0; filler.length * div.length < bytes; i++) {
    filler.push({ resourceType: 'Observation', id: `note-${i}`, status: 'final', subject: { reference: PATIENT_REF }, code: { text: 'Progress note' }, text: { status: 'generated', div } });
  }
  const prefetch = fullPrefetch(chart);
  prefetch.observations = searchset([...chart.filter((r) => r.resourceType === 'Observation'), ...filler]);
  return JSON.stringify(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch }));
}

describe('request bodies', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('accepts and decides a 6 MB hook request (at least 5 MB must be accepted)', async () => {
    const body = requestOfSize(6 * MB);
    expect(body.length).toBeGreaterThan(6 * MB);
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('refuses a body over the default 10mb limit with 413 and an OperationOutcome', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(requestOfSize(11 * MB));
    expect(res.status).toBe(413);
    expect(res.type).toBe('application/fhir+json');
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-costly', diagnostics: 'The request body is larger than this service accepts (BODY_LIMIT, 10485760 bytes)' }] });
  });

  it('answers malformed JSON with 400 and an OperationOutcome', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send('{"hook": "order-sign",');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'structure', diagnostics: 'The request body is not valid JSON', expression: ['(request body)'] }] });
  });

  it('answers a JSON scalar body with 400', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send('"order-sign"');
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toBe('The request body is not valid JSON');
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['application/xml', 'application/xml'],
    ['form data', 'application/x-www-form-urlencoded'],
  ])('answers a %s body with 415 and an OperationOutcome', async (_name, type) => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', type).send('hook=order-sign');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-supported', diagnostics: 'Send the request as JSON (Content-Type: application/json)' }] });
  });

  it('answers a body with no Content-Type with 415', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).unset('Content-Type').send(Buffer.from('{}'));
    expect(res.status).toBe(415);
  });

  it('answers feedback sent as text with 415 too', async () => {
    const res = await request(runtime.app).post(`${SERVICE_PATH}/feedback`).set('Content-Type', 'text/plain').send('{}');
    expect(res.status).toBe(415);
  });
});

describe('BODY_LIMIT', () => {
  it('refuses a body over a configured limit with 413', async () => {
    const runtime = await testRuntime({ env: { BODY_LIMIT: '6mb' } });
    try {
      const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(requestOfSize(7 * MB));
      expect(res.status).toBe(413);
    } finally {
      await runtime.close();
    }
  });

  it('cannot be set under 5mb, over 256mb, nor to a value that is not a size', () => {
    expect(() => loadConfig({ BODY_LIMIT: '4mb' })).toThrow(new StartupError('BODY_LIMIT must be at least 5mb (CDS clients send whole charts)'));
    expect(() => loadConfig({ BODY_LIMIT: '3000mb' })).toThrow(new StartupError('BODY_LIMIT must be at most 256mb, got "3000mb"'));
    expect(loadConfig({ BODY_LIMIT: '256mb' }).bodyLimit).toBe('256mb');
    expect(() => loadConfig({ BODY_LIMIT: 'lots' })).toThrow(/BODY_LIMIT must look like 10mb/);
    expect(loadConfig({}).bodyLimit).toBe('10mb');
  });
});

describe('routes', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('answers an unknown service with 404 and an OperationOutcome naming it', async () => {
    const res = await request(runtime.app).post('/cds-services/facet-joints').send(hookRequest({ orders: [] }));
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found', diagnostics: 'No CDS service with id "facet-joints"' }] });
  });

  it('answers feedback for an unknown service with 404', async () => {
    const res = await request(runtime.app).post('/cds-services/facet-joints/feedback').send({ feedback: [] });
    expect(res.status).toBe(404);
    expect(res.body.issue[0].diagnostics).toBe('No CDS service with id "facet-joints"');
  });

  it('answers an unknown route with 404 and an OperationOutcome', async () => {
    const res = await request(runtime.app).get('/cds-services/facet-joint-interventions');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found', diagnostics: 'No route for GET /cds-services/facet-joint-interventions' }] });
  });

  it('echoes a long service id, page or path cut short, with its length (messages are logged; a URL may be 16 KB)', async () => {
    const long = 'a'.repeat(5000);
    const service = await request(runtime.app).post(`/cds-services/${long}`).send(hookRequest({ orders: [] }));
    expect(service.status).toBe(404);
    expect(service.body.issue[0].diagnostics).toBe(`No CDS service with id "${'a'.repeat(60)}"… (5000 characters)`);
    const page = await request(runtime.app).get(`/docs/${long}`);
    expect(page.status).toBe(404);
    expect(page.body.issue[0].diagnostics).toBe(`No documentation page "${'a'.repeat(60)}"… (5000 characters); see /docs`);
    const route = await request(runtime.app).get(`/nowhere/${long}`);
    expect(route.status).toBe(404);
    expect(route.body.issue[0].diagnostics).toBe(`No route for GET /nowhere/${'a'.repeat(191)}… (5009 characters)`);
  });
});
