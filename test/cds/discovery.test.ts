import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

describe('GET /cds-services (discovery)', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('lists facet-joint-interventions for order-sign with its prefetch templates and CRD options', async () => {
    const res = await request(runtime.app).get('/cds-services');
    expect(res.status).toBe(200);
    expect(res.body.services).toHaveLength(1);
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
    // Only the CRD version the service answers in (2.2 wire format: covered=indeterminate, reason `technical`,
    // card topics from cdshooks-card-type); a request asking for another one is refused (validate-hook-request).
    expect(service.extension['davinci-crd.version']).toEqual(['2.2']);
  });

  it('uses only CDS Hooks 2.0 prefetch tokens', async () => {
    const res = await request(runtime.app).get('/cds-services');
    const templates: string[] = Object.values(res.body.services[0].prefetch);
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
