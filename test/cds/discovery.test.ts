import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

describe('GET /cds-services (discovery)', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('lists one CDS service per hook: order-sign at facet-joint-interventions (as ever), the others at facet-joint-interventions-<hook>', async () => {
    const res = await request(runtime.app).get('/cds-services');
    expect(res.status).toBe(200);
    expect(res.body.services.map((s: { hook: string; id: string }) => [s.hook, s.id])).toEqual([
      ['order-sign', 'facet-joint-interventions'],
      ['order-select', 'facet-joint-interventions-order-select'],
      ['order-dispatch', 'facet-joint-interventions-order-dispatch'],
      ['appointment-book', 'facet-joint-interventions-appointment-book'],
    ]);
    for (const service of res.body.services) {
      // Every hook of the declaration reads the same chart: each context has patientId.
      expect(Object.keys(service.prefetch)).toEqual(Object.keys(res.body.services[0].prefetch));
      expect(service.extension['davinci-crd.version']).toEqual(['2.0', '2.2']);
      expect(service.title).toEqual(expect.any(String));
    }
  });

  it('offers coverage information by default on the CRD primary hooks only; order-select gives it when asked (CRD resp-27/28)', async () => {
    const res = await request(runtime.app).get('/cds-services');
    const defaults = Object.fromEntries(
      res.body.services.map((s: any) => [s.hook, s.extension['davinci-crd.configuration-options'].find((o: { code: string }) => o.code === 'coverage-info').default]),
    );
    expect(defaults).toEqual({ 'order-sign': true, 'order-select': false, 'order-dispatch': true, 'appointment-book': true });
  });

  it('declares the meets-policy option, off by default (CRD resp-12)', async () => {
    const res = await request(runtime.app).get('/cds-services');
    for (const service of res.body.services) {
      expect(service.extension['davinci-crd.configuration-options']).toContainEqual(
        expect.objectContaining({ code: 'meets-policy', type: 'boolean', default: false, name: expect.any(String), description: expect.any(String) }),
      );
    }
  });

  it('lists facet-joint-interventions for order-sign with its prefetch templates and CRD options', async () => {
    const res = await request(runtime.app).get('/cds-services');
    expect(res.status).toBe(200);
    const service = res.body.services[0];
    expect(service).toMatchObject({ hook: 'order-sign', id: 'facet-joint-interventions' });
    expect(service.title).toEqual(expect.any(String));
    expect(service.description).toEqual(expect.any(String));
    expect(service.usageRequirements).toEqual(expect.any(String));
    expect(Object.keys(service.prefetch)).toEqual(
      expect.arrayContaining([
        'patient',
        'coverage',
        'conditions',
        'procedures',
        'observations',
        'medicationRequests',
        'medicationStatements',
        'allergies',
        'devices',
      ]),
    );
    expect(service.prefetch.coverage).toBe('Coverage?patient={{context.patientId}}&status=active');
    expect(service.extension['davinci-crd.configuration-options']).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'coverage-info', type: 'boolean', default: true })]),
    );
    // Both CRD versions the service answers in (CRD §dev-1/§dev-2): 2.0 (what the CRD test kit checks) and 2.2.
    expect(service.extension['davinci-crd.version']).toEqual(['2.0', '2.2']);
  });

  it('uses only CDS Hooks 2.0 prefetch tokens', async () => {
    const res = await request(runtime.app).get('/cds-services');
    const templates: string[] = res.body.services.flatMap((s: { prefetch: Record<string, string> }) => Object.values(s.prefetch));
    const tokens = templates.flatMap((t) => [...t.matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]));
    expect(new Set(tokens)).toEqual(new Set(['context.patientId']));
  });

  it('answers CORS preflight without authentication', async () => {
    const res = await request(runtime.app)
      .options('/cds-services/facet-joint-interventions')
      .set('Origin', 'https://sandbox.cds-hooks.org')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
  });
});
