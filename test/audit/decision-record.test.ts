import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FhirResource } from 'fhir/r4';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { SqliteStore } from '../../src/store/sqlite-store';
import type { DecisionRecord } from '../../src/store/types';
import { ICD10, SERVICE_PATH, activeCoverage, facetOrder, fullPrefetch, hookRequest, patient } from '../helpers/builders';
import { fakeJwtAuthenticator } from '../helpers/fake-authenticator';
import { startFhirServer } from '../helpers/fhir-server';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

const TOKEN = 'secret-access-token-never-stored';

const backPain: FhirResource = {
  resourceType: 'Condition',
  id: 'cond-lbp',
  subject: { reference: 'Patient/pat-1' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: ICD10, code: 'M54.50', display: 'Low back pain, unspecified' }] },
  onsetDateTime: '2026-01-10',
};

async function decide(runtime: Runtime, body: Record<string, unknown>, auth?: string): Promise<{ response: request.Response; records: DecisionRecord[] }> {
  const call = request(runtime.app).post(SERVICE_PATH).send(body);
  const response = await (auth ? call.set('Authorization', auth) : call);
  await runtime.deps.decisionLog.flush();
  const records = await runtime.deps.store.listDecisions(new Date(0), new Date('2100-01-01'));
  return { response, records };
}

describe('decision record of a hook call', () => {
  let runtime: Runtime;
  afterEach(() => runtime.close());

  it('holds what an audit needs: ids, time, versions, patient, orders, outcomes, criteria with evidence, response', async () => {
    runtime = await testRuntime();
    const orders = [facetOrder('sr-1', '64493'), facetOrder('sr-2', '64494')];
    const { response, records } = await decide(
      runtime,
      hookRequest({ orders, prefetch: fullPrefetch([patient(), activeCoverage(), backPain]), fhirServer: 'http://127.0.0.1:9/fhir', accessToken: TOKEN }),
    );
    expect(response.status).toBe(200);
    expect(records).toHaveLength(1);
    const record = records[0]!;

    // The coverage-assertion-id the EHR receives leads back to this record.
    const assertionIds = JSON.stringify(response.body.systemActions).match(/"coverage-assertion-id","valueString":"([^"]+)"/);
    expect(assertionIds?.[1]).toBe(record.coverageAssertionId);

    expect(record).toMatchObject({
      hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
      hook: 'order-sign',
      serviceId: 'facet-joint-interventions',
      serviceVersion: '1.0.0',
      policyId: 'CP.MP.171',
      policyRevision: '05/26',
      decidedAt: TEST_NOW.toISOString(),
      userId: 'Practitioner/dr-1',
      patientRef: 'Patient/pat-1',
      coverageRef: 'Coverage/cov-1',
      fhirServer: 'http://127.0.0.1:9/fhir',
      data: { keys: expect.objectContaining({ patient: 'provided', conditions: 'provided' }) },
      response: response.body,
    });
    expect(record.responseTimeMs).toEqual(expect.any(Number));
    expect(record.orders.map((o) => [o.orderRef, o.codes, o.levels, o.outcome])).toEqual([
      ['ServiceRequest/sr-1', ['64493'], 2, 'conditional'],
      ['ServiceRequest/sr-2', ['64494'], 2, 'conditional'],
    ]);
    // One decision unit (the two orders are one procedure): its criteria, cards and suggestions once, each order pointing to it.
    expect(record.format).toBe(2);
    expect(record.units).toHaveLength(1);
    const unit = record.units![0]!;
    expect(record.orders.map((o) => [o.unitId, o.cardUuid])).toEqual([
      [unit.id, response.body.cards[0].uuid],
      [unit.id, response.body.cards[0].uuid],
    ]);
    expect(unit).toMatchObject({ outcome: 'conditional', orders: 2, levels: 2, cardUuid: response.body.cards[0].uuid });
    // The unit's other cards (alternatives, companion orders), if any, are kept with it, and every suggestion on its cards.
    const unitCards = response.body.cards.filter((c: { extension?: Record<string, unknown> }) => c.extension?.['davinci-crd.associated-resource']);
    expect(unit.relatedCardUuids ?? []).toEqual(unitCards.slice(1).map((c: { uuid: string }) => c.uuid));
    expect(unit.suggestions?.map((s) => s.uuid) ?? []).toEqual(unitCards.flatMap((c: { suggestions?: Array<{ uuid: string }> }) => (c.suggestions ?? []).map((s) => s.uuid)));
    expect(unit.criteria.find((c) => c.id === 'pain-three-months')).toMatchObject({
      section: 'I.A.1.a',
      status: 'met',
      evidence: [expect.objectContaining({ reference: 'Condition/cond-lbp' })],
    });
    expect(unit.criteria.find((c) => c.status === 'not-documented')?.missing).toEqual(expect.any(String));
  });

  it('keeps why evidence was set aside (Evidence.setAside), not only its text', async () => {
    runtime = await testRuntime();
    const neckRadiculopathy: FhirResource = {
      ...backPain,
      id: 'cond-neck-radic',
      code: { coding: [{ system: ICD10, code: 'M54.12', display: 'Radiculopathy, cervical region' }] },
    } as FhirResource;
    const { records } = await decide(runtime, hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage(), backPain, neckRadiculopathy]) }));
    const criterion = records[0]!.units![0]!.criteria.find((c) => c.id === 'no-radiculopathy-or-myelopathy')!;
    expect(criterion.evidence).toEqual([expect.objectContaining({ reference: 'Condition/cond-neck-radic', setAside: 'another region' })]);
  });

  it('says which optional keys came incomplete (a paginated prefetch Bundle the service could not finish) and were not used', async () => {
    runtime = await testRuntime();
    const paginated = { resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'next', url: 'https://ehr.example.test/fhir/Device?_page=2' }], entry: [] };
    const { records } = await decide(
      runtime,
      hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: { ...fullPrefetch([patient(), activeCoverage(), backPain]), devices: paginated } }),
    );
    expect(records[0]!.data).toEqual({
      keys: expect.objectContaining({ devices: 'missing', conditions: 'provided' }),
      incomplete: { devices: 'the prefetched Bundle has a next page, and the service cannot fetch it (the request has no fhirServer)' },
    });
  });

  it('never holds the access token, the prefetch data or demographics', async () => {
    runtime = await testRuntime();
    const { records } = await decide(
      runtime,
      hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage(), backPain]), fhirServer: 'http://127.0.0.1:9/fhir', accessToken: TOKEN }),
    );
    const stored = JSON.stringify(records[0]);
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain('fhirAuthorization');
    expect(stored).not.toContain('prefetch');
    expect(stored).not.toContain('1970-01-01'); // birth date
    expect(stored).not.toMatch(/"family"|"given"/); // patient name
  });

  it('keeps fhirServer as the base the service called; one with a query (a credential may sit there), fragment or dot segments is refused and never recorded', async () => {
    const fhir = await startFhirServer({ resources: [patient(), activeCoverage(), backPain] as never[] });
    try {
      // Every key comes over HTTP from a local server: a deadline a loaded machine keeps (not a speed check).
      runtime = await testRuntime({ env: { FHIR_TIMEOUT_MS: '15000' } });
      const origin = fhir.baseUrl.replace(/\/fhir\/R4$/, '');
      fhir.requests.length = 0;
      const { response, records } = await decide(runtime, hookRequest({ orders: [facetOrder('sr-1', '64493')], fhirServer: `${fhir.baseUrl}/` }));
      expect(response.status).toBe(200);
      const assertionId = /"coverage-assertion-id","valueString":"([^"]+)"/.exec(JSON.stringify(response.body.systemActions))?.[1];
      const record = records.find((r) => r.coverageAssertionId === assertionId)!;
      expect(record.fhirServer).toBe(fhir.baseUrl);
      // That base is the one the FHIR client called: every key was fetched from it.
      expect(record.data?.keys.conditions).toBe('fetched');
      expect(fhir.requests.length).toBeGreaterThan(0);
      for (const sent of [`${origin}/fhir/R4/../../fhir/R4/?apikey=SECRET-KEY#frag`, `${origin}/x/../fhir/R4`, `${fhir.baseUrl}?x=1`]) {
        fhir.requests.length = 0;
        const refused = await decide(runtime, hookRequest({ orders: [facetOrder('sr-1', '64493')], fhirServer: sent }));
        expect(refused.response.status).toBe(400);
        expect(refused.response.body.issue[0].expression).toEqual(['fhirServer']);
        expect(fhir.requests).toEqual([]);
        expect(JSON.stringify(refused.records)).not.toMatch(/SECRET-KEY|apikey/);
      }
    } finally {
      await fhir.close();
    }
  });

  it('names the verified client (iss and tenant)', async () => {
    runtime = await testRuntime({
      authenticator: fakeJwtAuthenticator({ 'ehr-a': { iss: 'https://ehr-a.example.org', tenant: 'north', fhirServers: [] } }),
    });
    const { records } = await decide(runtime, hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage()]) }), 'Bearer ehr-a');
    expect(records[0]).toMatchObject({ clientIss: 'https://ehr-a.example.org', tenant: 'north' });
  });

  it('is not written when no order is in scope (nothing was decided, no coverage assertion was made)', async () => {
    runtime = await testRuntime();
    const lab = { ...facetOrder('sr-lab', '80053') };
    const { response, records } = await decide(runtime, hookRequest({ orders: [lab], prefetch: fullPrefetch([patient()]) }));
    expect(response.body).toEqual({ cards: [] });
    expect(records).toEqual([]);
  });

  it('does not fail the answer when the store is down: the record is retried, then spooled to DATA_DIR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-spool-'));
    const broken = new SqliteStore(':memory:');
    jest.spyOn(broken, 'saveDecision').mockRejectedValue(new Error('store down'));
    runtime = await testRuntime({ env: { DATA_DIR: dataDir }, store: broken });
    const { response } = await decide(runtime, hookRequest({ orders: [facetOrder('sr-1', '64493')], prefetch: fullPrefetch([patient(), activeCoverage()]) }));
    expect(response.status).toBe(200);
    expect(response.body.cards.length).toBeGreaterThan(0);
    const spooled = fs.readFileSync(path.join(dataDir, 'audit-spool.jsonl'), 'utf8').trim().split('\n');
    expect(spooled.map((l) => (JSON.parse(l) as DecisionRecord).orders[0]?.orderRef)).toEqual(['ServiceRequest/sr-1']);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
