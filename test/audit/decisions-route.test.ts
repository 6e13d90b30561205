import request from 'supertest';
import { serializeRecord } from '../../src/audit/record-json';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, activeCoverage, facetOrder, fullPrefetch, hookRequest, patient } from '../helpers/builders';
import { fakeJwtAuthenticator } from '../helpers/fake-authenticator';
import { capturingLogger, testRuntime } from '../helpers/runtime';

const clients = {
  'ehr-a': { iss: 'https://ehr-a.example.org', tenant: 'north', fhirServers: [] },
  'ehr-a-south': { iss: 'https://ehr-a.example.org', tenant: 'south', fhirServers: [] },
  'ehr-b': { iss: 'https://ehr-b.example.org', fhirServers: [] },
};

/** Makes one decision as `client` and returns its coverage-assertion-id (from the response's coverage information). */
async function decideAs(runtime: Runtime, client: string): Promise<string> {
  const res = await request(runtime.app)
    .post(SERVICE_PATH)
    .set('Authorization', `Bearer ${client}`)
    .send(hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage()]) }));
  expect(res.status).toBe(200);
  await runtime.deps.decisionLog.flush();
  return /"coverage-assertion-id","valueString":"([^"]+)"/.exec(JSON.stringify(res.body))![1]!;
}

describe('GET /decisions/{coverageAssertionId}', () => {
  let runtime: Runtime;
  let logged: ReturnType<typeof capturingLogger>;
  beforeEach(async () => {
    logged = capturingLogger();
    runtime = await testRuntime({ authenticator: fakeJwtAuthenticator(clients), logger: logged.logger });
  });
  afterEach(() => runtime.close());

  it('returns the decision record behind a coverage assertion to the client that asked for the decision', async () => {
    const id = await decideAs(runtime, 'ehr-a');
    const res = await request(runtime.app).get(`/decisions/${id}`).set('Authorization', 'Bearer ehr-a');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ coverageAssertionId: id, clientIss: 'https://ehr-a.example.org', tenant: 'north', patientRef: 'Patient/pat-1' });
    expect(res.body.orders[0]).toMatchObject({ orderRef: 'ServiceRequest/sr-1', outcome: 'conditional' });
  });

  it('answers a record stored larger than the limit (before the limit existed) without its bulk, marked truncated, still only to its own client', async () => {
    const id = await decideAs(runtime, 'ehr-a');
    const record = (await runtime.deps.store.getDecision(id))!;
    // A 2,000-order record as issue 12 found them (338 MB at worst), stored directly as the old code did.
    const legacy = { ...record, coverageAssertionId: 'legacy-1', orders: Array.from({ length: 2000 }, (_, i) => ({ ...record.orders[0]!, orderRef: `ServiceRequest/sr-${i}`, criteria: record.units![0]!.criteria })) };
    await runtime.deps.store.saveDecision(legacy);
    const res = await request(runtime.app).get('/decisions/legacy-1').set('Authorization', 'Bearer ehr-a');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ coverageAssertionId: 'legacy-1', clientIss: 'https://ehr-a.example.org', orders: [], truncated: { limitBytes: 2 * 1024 * 1024 } });
    expect(Buffer.byteLength(JSON.stringify(legacy))).toBeGreaterThan(2 * 1024 * 1024);
    expect(Buffer.byteLength(res.text)).toBeLessThan(64 * 1024);
    expect((await request(runtime.app).get('/decisions/legacy-1').set('Authorization', 'Bearer ehr-b')).status).toBe(404);
  });

  it('finds a call\'s additional assertion ids (<id>.2: a second Coverage, CRD resp-32) in a record stored truncated, its response outlined', async () => {
    const id = await decideAs(runtime, 'ehr-a');
    const record = (await runtime.deps.store.getDecision(id))!;
    // The response as a call recording against two Coverages sends it: each action carries its own assertion id.
    const action = record.response!.systemActions![0]!;
    const withSecond = (assertion: string) => ({
      ...action,
      resource: { ...action.resource!, extension: [{ url: 'coverage-information', extension: [{ url: 'coverage-assertion-id', valueString: assertion }] }] },
    });
    const big = { ...record, coverageAssertionId: 'two-cov', response: { ...record.response!, systemActions: [withSecond('two-cov'), withSecond('two-cov.2'), { ...action, description: 'x'.repeat(4000) }] } };
    const stored = await serializeRecord(big, { maxBytes: Buffer.byteLength(JSON.stringify(big)) - 1000 });
    expect(stored.truncated?.omitted[0]).toMatch(/^response: /);
    await runtime.deps.store.saveDecision(big, stored.json);
    const second = await request(runtime.app).get('/decisions/two-cov.2').set('Authorization', 'Bearer ehr-a');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ coverageAssertionId: 'two-cov', truncated: { omitted: [expect.stringMatching(/^response: /)] } });
    expect(second.body.response.systemActions[1]).toMatchObject({ coverageAssertionIds: ['two-cov.2'] });
    expect((await request(runtime.app).get('/decisions/two-cov.3').set('Authorization', 'Bearer ehr-a')).status).toBe(404);
  });

  it('is authenticated like the CDS routes: no credentials, 401 OperationOutcome', async () => {
    const id = await decideAs(runtime, 'ehr-a');
    const res = await request(runtime.app).get(`/decisions/${id}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
  });

  it('answers 404 OperationOutcome for an unknown id, and the same for another client or tenant (no probing)', async () => {
    const id = await decideAs(runtime, 'ehr-a');
    const unknown = await request(runtime.app).get('/decisions/00000000-0000-4000-8000-00000000ffff').set('Authorization', 'Bearer ehr-a');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found', diagnostics: expect.stringContaining('00000000-0000-4000-8000-00000000ffff') }] });
    for (const other of ['ehr-b', 'ehr-a-south']) {
      const res = await request(runtime.app).get(`/decisions/${id}`).set('Authorization', `Bearer ${other}`);
      expect(res.status).toBe(404);
      expect(res.body.issue[0].diagnostics).toBe(`No decision with coverage-assertion-id "${id}"`);
    }
  });

  it('answers 400 naming coverageAssertionId when the id is malformed', async () => {
    const res = await request(runtime.app).get(`/decisions/${'x'.repeat(200)}`).set('Authorization', 'Bearer ehr-a');
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toMatchObject({ code: 'value', expression: ['coverageAssertionId'] });
    const odd = await request(runtime.app).get('/decisions/a%20b').set('Authorization', 'Bearer ehr-a');
    expect(odd.status).toBe(400);
  });

  it('logs every read (who, which id, found or not) without PHI', async () => {
    const id = await decideAs(runtime, 'ehr-a');
    await request(runtime.app).get(`/decisions/${id}`).set('Authorization', 'Bearer ehr-a');
    await request(runtime.app).get(`/decisions/${id}`).set('Authorization', 'Bearer ehr-b');
    const reads = logged.lines.filter((l) => l.includes('decision record read')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(reads).toEqual([
      expect.objectContaining({ coverageAssertionId: id, iss: 'https://ehr-a.example.org', tenant: 'north', found: true, requestId: expect.any(String) }),
      expect.objectContaining({ coverageAssertionId: id, iss: 'https://ehr-b.example.org', found: false }),
    ]);
    expect(reads.map((r) => JSON.stringify(r)).join()).not.toMatch(/pat-1|Patient\//);
  });
});
