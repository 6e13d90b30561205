import type { ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import { createApp } from '../../src/app';
import { COVERAGE_INFORMATION_URL } from '../../src/cards/coverage-information';
import { localDate } from '../../src/cds/hook-handler';
import type { Runtime } from '../../src/runtime';
import { loadServices } from '../../src/declarations/load';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { SERVICE_ID, SERVICE_PATH, hookRequest } from '../helpers/builders';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

const library = ScenarioLibrary.forServiceAndPolicies(loadServices().find((s) => s.id === SERVICE_ID)!)!;
const today = localDate(TEST_NOW);
const API = `/sandbox/api/services/${SERVICE_ID}/scenarios`;

describe('/sandbox routes (development only)', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('serves the page and its scripts with a strict Content-Security-Policy', async () => {
    for (const path of ['/sandbox', '/sandbox/']) {
      const res = await request(runtime.app).get(path);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/html');
      expect(res.text).toContain('<h1>Order-entry test page</h1>');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    }
    for (const asset of ['sandbox.js', 'markdown.js', 'orders.js', 'hook-requests.js', 'sandbox.css']) {
      const res = await request(runtime.app).get(`/sandbox/${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('lists the scenario patients with their orders dated for today, and the procedure codes to compose with', async () => {
    const res = await request(runtime.app).get('/sandbox/api/catalog');
    expect(res.status).toBe(200);
    expect(res.body.today).toBe(today);
    const service = res.body.services.find((s: { id: string }) => s.id === SERVICE_ID);
    expect(service.id).toBe(SERVICE_ID);
    // The hook selector's choices: each hook with the service id it is called at.
    expect(service.hooks).toEqual([
      { hook: 'order-sign', id: SERVICE_ID, primary: true },
      { hook: 'order-select', id: `${SERVICE_ID}-order-select`, primary: false },
      { hook: 'order-dispatch', id: `${SERVICE_ID}-order-dispatch`, primary: true },
      { hook: 'appointment-book', id: `${SERVICE_ID}-appointment-book`, primary: true },
    ]);
    expect(service.scenarios).toHaveLength(library.scenarios.length);
    const five = service.scenarios.find((s: { id: string }) => s.id === 'facet-05-ultrasound-guided');
    expect(five.patient).toEqual({ name: 'Susan Patel', gender: 'female', birthDate: expect.stringMatching(/^19\d\d-\d\d-\d\d$/) });
    expect(five.orders).toEqual(library.orders(library.find('facet-05-ultrasound-guided')!, today));
    expect(five.expected).toEqual([expect.objectContaining({ order: 'facet-05-sr-1', outcome: 'not-covered' })]);
    const codes = service.procedures.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['64490', '64493', '64495', '64635', '64636', '0216T']));
    expect(service.procedures.find((p: { code: string }) => p.code === '64493')).toEqual({ code: '64493', display: expect.any(String), regions: ['lumbar'] });
  });

  it.each(library.scenarios.map((s) => [s.id, s] as const))('%s: its prefetch, sent as the page sends it, gives the documented outcome', async (_id, scenario) => {
    const prefetch = await request(runtime.app).get(`${API}/${scenario.id}/prefetch`);
    expect(prefetch.status).toBe(200);
    expect(prefetch.body.patient).toMatchObject({ resourceType: 'Patient', id: scenario.patientId });
    const body = hookRequest({ orders: library.orders(scenario, today), prefetch: prefetch.body, patientId: scenario.patientId });
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    for (const expected of scenario.expected) {
      const action = res.body.systemActions.find((a: { resource: ServiceRequest }) => a.resource.id === expected.order);
      const info = action.resource.extension.find((e: { url: string }) => e.url === COVERAGE_INFORMATION_URL);
      expect({ order: expected.order, covered: info.extension.find((e: { url: string }) => e.url === 'covered').valueCode }).toEqual({
        order: expected.order,
        covered: expected.outcome,
      });
    }
  });

  it('answers unknown services and scenarios with 404 and an OperationOutcome naming them', async () => {
    const service = await request(runtime.app).get('/sandbox/api/services/nope/scenarios/facet-01/prefetch');
    expect(service.status).toBe(404);
    expect(service.body.issue[0].diagnostics).toBe('No service with scenarios named "nope"');
    const scenario = await request(runtime.app).get(`${API}/facet-99/prefetch`);
    expect(scenario.status).toBe(404);
    expect(scenario.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found', diagnostics: `No scenario "facet-99" for ${SERVICE_ID}` }] });
    expect((await request(runtime.app).get('/sandbox/nothing.js')).status).toBe(404);
  });

  it('is not served in production', async () => {
    const production = createApp({ ...runtime.deps, config: { ...runtime.deps.config, env: 'production' } });
    for (const path of ['/sandbox', '/sandbox/sandbox.js', '/sandbox/api/catalog', `${API}/facet-01-first-block-covered/prefetch`]) {
      const res = await request(production).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });
});
