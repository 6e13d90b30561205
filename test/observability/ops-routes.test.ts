import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { Metrics } from '../../src/observability/metrics';
import { SERVICE_PATH, activeCoverage, facetOrder, fullPrefetch, hookRequest, patient } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';

describe('operations endpoints', () => {
  let runtime: Runtime;
  beforeEach(async () => {
    runtime = await testRuntime({ metrics: new Metrics({ defaultMetrics: false }) });
  });
  afterEach(() => runtime.close());

  it('GET /health answers while the process runs', async () => {
    const res = await request(runtime.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /ready answers 200 with its checks when the store answers and declarations are loaded', async () => {
    const res = await request(runtime.app).get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { store: 'ok', writes: 'ok', declarations: '1 loaded', accepting: 'yes' } });
  });

  it('GET /ready answers 503 OperationOutcome naming the store when it cannot be reached', async () => {
    jest.spyOn(runtime.deps.store, 'ping').mockRejectedValue(new Error('connect ECONNREFUSED'));
    const res = await request(runtime.app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'transient', diagnostics: 'Not ready: store: unreachable: connect ECONNREFUSED' }],
    });
  });

  it('GET /ready answers 503 when the store hangs past its deadline', async () => {
    jest.spyOn(runtime.deps.store, 'ping').mockReturnValue(new Promise(() => undefined));
    const res = await request(runtime.app).get('/ready');
    expect(res.status).toBe(503);
    expect(res.body.issue[0].diagnostics).toBe('Not ready: store: no answer within 2000 ms');
  });

  it('GET /ready answers 503 once the instance is draining for shutdown, while /health stays 200', async () => {
    runtime.deps.readiness.startDraining();
    expect((await request(runtime.app).get('/ready')).body.issue[0].diagnostics).toBe('Not ready: draining for shutdown');
    expect((await request(runtime.app).get('/health')).status).toBe(200);
  });

  it('GET /metrics exposes hook latency, outcomes by criterion, FHIR and store metrics in Prometheus format', async () => {
    await request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage()]) }));
    await runtime.deps.decisionLog.flush();
    const res = await request(runtime.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/^cds_hook_duration_seconds_count\{service="facet-joint-interventions",status="200"\} 1$/m);
    expect(res.text).toMatch(/^cds_order_outcomes_total\{service="facet-joint-interventions",outcome="conditional"\} 1$/m);
    expect(res.text).toMatch(/^cds_criterion_results_total\{service="facet-joint-interventions",criterion="physical-therapy",section="I\.A\.1\.b\.i",status="not-documented"\} 1$/m);
    expect(res.text).toMatch(/^cds_store_operation_duration_seconds_count\{operation="saveDecision",result="ok"\} 1$/m);
    expect(res.text).toMatch(/^cds_audit_records_total\{result="written"\} 1$/m);
    for (const name of ['cds_fhir_request_duration_seconds', 'cds_fhir_errors_total', 'cds_store_errors_total', 'cds_audit_spooled_total', 'cds_audit_pending_writes']) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).not.toMatch(/pat-1/);
  });
});
