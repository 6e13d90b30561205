import request from 'supertest';
import { localDate } from '../../src/cds/hook-handler';
import { prefetchFromChart } from '../../src/dev/chart-prefetch';
import { MAX_SANDBOX_WRITES, SandboxFhirStore } from '../../src/dev/sandbox-fhir';
import type { Runtime } from '../../src/runtime';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * The documentation app's routes (/dtr: its SMART configuration from DTR_CLIENT_ID and DTR_SCOPES, the
 * vendor builds served from node_modules), the sandbox's FHIR server the app is launched against from the
 * test page, and where the CRD answer does not ask for documentation.
 */
describe('the documentation app and the sandbox FHIR server', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  describe('/dtr', () => {
    it('serves the SMART client id and scopes: the defaults, or DTR_CLIENT_ID and DTR_SCOPES', async () => {
      expect((await request(runtime.app).get('/dtr/config.json')).body).toEqual({ clientId: 'facet-cds-dtr', scope: 'launch launch/patient openid fhirUser patient/*.read patient/QuestionnaireResponse.write' });
      const configured = await testRuntime({ env: { DTR_CLIENT_ID: 'ehr-registered-42', DTR_SCOPES: ' launch  openid\tpatient/*.rs ' } });
      try {
        expect((await request(configured.app).get('/dtr/config.json')).body).toEqual({ clientId: 'ehr-registered-42', scope: 'launch openid patient/*.rs' });
      } finally {
        await configured.close();
      }
    });

    it('serves the app and the fhirclient and lforms browser builds from the installed packages, scripts from its own origin only', async () => {
      const page = await request(runtime.app).get('/dtr/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('/dtr/vendor/lforms/lhc-forms.js');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      for (const file of ['fhir-client.min.js', 'lforms/lhc-forms.js', 'lforms/lformsFHIR.min.js', 'lforms/zone.min.js', 'lforms/styles.css']) {
        const res = await request(runtime.app).get(`/dtr/vendor/${file}`);
        expect([file, res.status]).toEqual([file, 200]);
        expect(res.headers['content-type']).toMatch(file.endsWith('.css') ? /text\/css/ : /javascript/);
      }
      const unknown = await request(runtime.app).get('/dtr/vendor/../../package.json');
      expect(unknown.status).toBe(404);
      const other = await request(runtime.app).get('/dtr/vendor/lforms/main.js');
      expect(other.status).toBe(404);
      expect(other.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ diagnostics: 'No vendor file lforms/main.js' }] });
    });
  });

  describe('/sandbox/fhir', () => {
    it('answers reads and patient searches from the scenario charts, and keeps the QuestionnaireResponses the app saves for the test page\'s prefetch', async () => {
      const read = await request(runtime.app).get('/sandbox/fhir/Patient/facet-02');
      expect(read.body).toMatchObject({ resourceType: 'Patient', id: 'facet-02' });
      const search = await request(runtime.app).get('/sandbox/fhir/Condition?patient=facet-02');
      expect(search.body.entry.length).toBeGreaterThan(0);
      // A search that finds nothing: total 0 and no entry (FHIR JSON has no empty arrays).
      const none = await request(runtime.app).get('/sandbox/fhir/Device?patient=facet-02');
      expect(none.body).toEqual({ resourceType: 'Bundle', type: 'searchset', total: 0 });
      const qr = { resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: 'Patient/facet-02' }, questionnaire: 'http://x/Questionnaire/q' };
      const saved = await request(runtime.app).post('/sandbox/fhir/QuestionnaireResponse').set('content-type', 'application/fhir+json').send(qr);
      expect(saved.status).toBe(201);
      expect(saved.headers.location).toBe(`/sandbox/fhir/QuestionnaireResponse/${saved.body.id}`);
      const prefetch = await request(runtime.app).get('/sandbox/api/services/facet-joint-interventions/scenarios/facet-02-conservative-therapy-undocumented/prefetch');
      expect(prefetch.body.questionnaireResponses.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([saved.body.id]);
    });

    it.each([
      ['a search for no patient', (r: request.Agent) => r.get('/sandbox/fhir/Condition'), 400, 'patient'],
      ['a resource type it does not keep', (r: request.Agent) => r.put('/sandbox/fhir/Patient/facet-02').send({ resourceType: 'Patient', id: 'facet-02' }), 400, 'resourceType'],
      ['a body of another type', (r: request.Agent) => r.post('/sandbox/fhir/QuestionnaireResponse').send({ resourceType: 'Observation' }), 400, 'resourceType'],
      ['an id that differs from the address', (r: request.Agent) => r.put('/sandbox/fhir/ServiceRequest/sr-1').send({ resourceType: 'ServiceRequest', id: 'sr-2', subject: { reference: 'Patient/facet-02' } }), 400, 'id'],
      ['a patient not in the sandbox', (r: request.Agent) => r.post('/sandbox/fhir/QuestionnaireResponse').send({ resourceType: 'QuestionnaireResponse', subject: { reference: 'Patient/someone' } }), 400, 'subject'],
      ['an unknown resource', (r: request.Agent) => r.get('/sandbox/fhir/Condition/nope'), 404, undefined],
    ])('answers %s with a 4xx OperationOutcome naming it', async (_what, call, status, expression) => {
      const res = await call(request.agent(runtime.app));
      expect(res.status).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
      if (expression) expect(res.body.issue[0].expression).toEqual([expression]);
    });

    it(`keeps at most ${MAX_SANDBOX_WRITES} written resources, then refuses with 413`, () => {
      const library = ScenarioLibrary.forServiceAndPolicies(runtime.deps.services[0]!)!;
      const store = new SandboxFhirStore([library], () => TEST_NOW);
      const qr = { resourceType: 'QuestionnaireResponse', subject: { reference: 'Patient/facet-02' } };
      for (let i = 0; i < MAX_SANDBOX_WRITES; i++) store.write(qr, 'QuestionnaireResponse');
      expect(() => store.write(qr, 'QuestionnaireResponse')).toThrow(expect.objectContaining({ status: 413 }));
    });
  });

  it('asks for no documentation on order-select (CRD §hook-19): no questionnaire, no app link', async () => {
    const service = runtime.deps.services[0]!;
    const library = ScenarioLibrary.forServiceAndPolicies(service)!;
    const scenario = library.find('facet-02-conservative-therapy-undocumented')!;
    const today = localDate(TEST_NOW);
    const orders = library.orders(scenario, today);
    const body = {
      hook: 'order-select',
      hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
      context: { userId: 'Practitioner/dr-1', patientId: scenario.patientId, selections: orders.map((o) => `ServiceRequest/${o.id}`), draftOrders: { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) } },
      prefetch: prefetchFromChart(service, library.patientResources(scenario, today), { patientId: scenario.patientId, userId: 'Practitioner/dr-1' }),
      extension: { 'davinci-crd.configuration': { 'coverage-info': true } },
    };
    const res = await request(runtime.app).post('/cds-services/facet-joint-interventions-order-select').send(body);
    expect(res.status).toBe(200);
    const info = res.body.systemActions[0].resource.extension.at(-1).extension as Array<{ url: string; valueCode?: string }>;
    expect(info.find((e) => e.url === 'covered')!.valueCode).toBe('conditional');
    expect(info.some((e) => e.url === 'questionnaire' || e.url === 'doc-needed')).toBe(false);
    expect(res.body.cards.flatMap((c: { links?: Array<{ type: string }> }) => c.links ?? []).some((l: { type: string }) => l.type === 'smart')).toBe(false);
  });
});
