import type { FhirResource } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { MEETS_POLICY, SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { capturingLogger, testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';
import { guardOutboundCalls } from '../fhir/outbound-calls';

/** JSON logs with a request id, and nothing a log must not hold: PHI, access tokens (issue 2, item 9). */
const PATIENT_ID = 'pt-7f3a9c55';
const TOKEN = 'tok-SECRET-b9e14c';
const FAMILY = 'Quartermaine';
const GIVEN = 'Zebulon';
const FHIR = 'https://ehr.example.test/fhir';

/** The facet chart for a patient with a recognisable id and name. */
function chart(): FhirResource[] {
  return lumbarBlockChart(PATIENT_ID).map((r) =>
    r.resourceType === 'Patient' ? ({ ...r, name: [{ family: FAMILY, given: [GIVEN] }], birthDate: '1961-07-04' } as FhirResource) : r,
  );
}

describe('logs', () => {
  let runtime: Runtime;
  let lines: string[];
  guardOutboundCalls();
  beforeEach(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    runtime = await testRuntime({ logger: captured.logger, env: { FHIR_SERVER_ALLOWLIST: FHIR } });
    lines.length = 0; // start-up lines (authentication mode) belong to no request
  });
  afterEach(() => runtime.close());

  const order = () => ({ ...lumbarBlockOrder('sr-1'), subject: { reference: `Patient/${PATIENT_ID}` } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes one JSON object per line, each with the request id the response carries', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order()], prefetch: fullPrefetch(chart()), patientId: PATIENT_ID }));
    expect(res.status).toBe(200);
    const requestId = res.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = records();
    expect(logged.map((l) => l.msg)).toEqual(expect.arrayContaining(['hook decided', 'request']));
    for (const line of logged) expect(line).toMatchObject({ requestId, service: expect.any(String), level: expect.any(Number), time: expect.any(String) });
    expect(logged.find((l) => l.msg === 'request')).toMatchObject({ method: 'POST', path: SERVICE_PATH, status: 200, durationMs: expect.any(Number) });
  });

  it('has each key once per line: the process is `service`, the CDS service called is `serviceId`', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order()], prefetch: fullPrefetch(chart()), patientId: PATIENT_ID, extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    const feedback = await request(runtime.app)
      .post(`${SERVICE_PATH}/feedback`)
      .send({ feedback: [{ card: res.body.cards[0].uuid, outcome: 'overridden', outcomeTimestamp: '2026-11-26T15:00:00Z' }] });
    expect(feedback.status).toBe(200);
    for (const msg of ['hook decided', 'feedback stored']) {
      const line = lines.find((l) => (JSON.parse(l) as { msg: string }).msg === msg)!;
      expect(line.match(/"service":/g)).toHaveLength(1); // a JSON parser keeps only the last of duplicate keys
      expect(JSON.parse(line)).toMatchObject({ service: 'facet-cds', serviceId: 'facet-joint-interventions' });
    }
  });

  it('logs CORS preflights, with the OPEN MODE marker, and sandbox calls under their full path without the query string', async () => {
    const preflight = await request(runtime.app)
      .options(SERVICE_PATH)
      .set('Origin', 'https://ehr.example.test')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type');
    expect(preflight.status).toBe(204);
    const catalog = await request(runtime.app).get('/sandbox/api/catalog?x=1');
    expect(catalog.status).toBe(200);
    const access = records().filter((l) => l.msg === 'request');
    expect(access).toEqual([
      expect.objectContaining({ method: 'OPTIONS', path: SERVICE_PATH, status: 204, authentication: 'OPEN MODE: caller not authenticated', requestId: preflight.headers['x-request-id'] }),
      expect.objectContaining({ method: 'GET', path: '/sandbox/api/catalog', status: 200, authentication: 'OPEN MODE: caller not authenticated' }),
    ]);
  });

  it('keeps a caller\'s X-Request-Id when it is a plain token, and replaces one that is not', async () => {
    const kept = await request(runtime.app).get('/health').set('X-Request-Id', 'ehr-trace.42:a');
    expect(kept.headers['x-request-id']).toBe('ehr-trace.42:a');
    const replaced = await request(runtime.app).get('/health').set('X-Request-Id', 'x"} {"level":60, "msg": "forged"');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(records().map((l) => l.requestId)).toEqual(['ehr-trace.42:a', replaced.headers['x-request-id']]);
  });

  it('never holds the patient id, the patient\'s name or birth date, or the access token, whatever happens', async () => {
    nock('https://ehr.example.test').get(/\/fhir\/Condition/).reply(500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: `no Condition for Patient/${PATIENT_ID}` }] });
    nock('https://ehr.example.test').get(/\/fhir\/Procedure/).reply(200, 'not json');
    const calls = [
      // a decision with FHIR failures
      hookRequest({ orders: [order()], prefetch: fullPrefetch(chart(), { omit: ['conditions', 'procedures'] }), fhirServer: FHIR, accessToken: TOKEN, patientId: PATIENT_ID }),
      // a 412
      hookRequest({ orders: [order()], patientId: PATIENT_ID }),
      // a 400 on the token
      { ...hookRequest({ orders: [order()], patientId: PATIENT_ID }), fhirAuthorization: { access_token: TOKEN, token_type: 'MAC' } },
      // a 400 on the prefetch
      hookRequest({ orders: [order()], prefetch: { patient: `Patient/${PATIENT_ID} ${FAMILY}` }, patientId: PATIENT_ID }),
    ];
    const statuses: number[] = [];
    for (const body of calls) statuses.push((await request(runtime.app).post(SERVICE_PATH).send(body)).status);
    statuses.push((await request(runtime.app).post(SERVICE_PATH).set('Authorization', `Bearer ${TOKEN}`).set('Content-Type', 'application/json').send(`{"context": {"patientId": "${PATIENT_ID}"`)).status);
    expect(statuses).toEqual([200, 412, 400, 400, 400]);
    await runtime.deps.decisionLog.flush();

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [PATIENT_ID, TOKEN, FAMILY, GIVEN, '1961-07-04']) expect(text).not.toContain(secret);
  });
});
