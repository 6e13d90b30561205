import nock from 'nock';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { ChartBuilder } from '../helpers/chart';
import { testRuntime } from '../helpers/runtime';
import { firstBlockOrder, lumbarCandidate } from '../cds-services/facet-joint-interventions/paths/base-charts';

const FHIR = 'http://127.0.0.1:8091/fhir';

describe('FHIR error metric', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') && !host.endsWith(':8091'));
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
    await runtime.close();
  });

  it('counts failed keys by failure kind, not by message text from the server', async () => {
    const c = new ChartBuilder();
    lumbarCandidate(c);
    nock(FHIR).get('/Observation').query(true).reply(503, 'busy');
    nock(FHIR).get('/Procedure').query(true).reply(200, { resourceType: 'Patient', id: 'not-a-bundle' });
    const body = hookRequest({ orders: [firstBlockOrder()], prefetch: fullPrefetch(c.resources, { omit: ['observations', 'procedures'] }), fhirServer: FHIR });
    expect((await request(runtime.app).post(SERVICE_PATH).send(body)).status).toBe(200);
    const metrics = await runtime.deps.metrics.registry.getSingleMetricAsString('cds_fhir_errors_total');
    expect(metrics).toContain('cds_fhir_errors_total{failure="server-error"} 1');
    expect(metrics).toContain('cds_fhir_errors_total{failure="bad-response"} 1');
    expect(metrics).not.toContain('Patient');
  });
});
