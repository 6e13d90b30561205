import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import type { HookRequest } from '../../src/cds/types';
import type { Runtime } from '../../src/runtime';
import { resolveFhirAccess } from '../../src/security/fhir-access';
import { SqliteStore } from '../../src/store/sqlite-store';
import { activeCoverage, facetOrder, fullPrefetch, hookRequest, patient, searchset, SERVICE_PATH } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { capturingLogger, testRuntime } from '../helpers/runtime';
import { clientToken, EHR_FHIR, ehrClient, jwtRuntime, PUBLIC_BASE, signingKey, type SigningKey } from './jwt-fixtures';

const ACCESS_TOKEN = 'ehr-access-token-9f8e7d6c5b4a';
const EHR_ORIGIN = new URL(EHR_FHIR).origin; // https://fhir.ehr.example.com
const EHR_PATH = new URL(EHR_FHIR).pathname; // /r4
const ELSEWHERE = 'https://attacker.example';
const SERVICE_AUD = `${PUBLIC_BASE}${SERVICE_PATH}`;

/** A facet order with everything prefetched except Conditions, which must come from the FHIR server. */
function callNeedingConditions(fhirServer: string, extra: { omit?: string[] } = {}) {
  return hookRequest({
    orders: [facetOrder('order-1', '64490')],
    prefetch: fullPrefetch([patient(), activeCoverage()], { omit: extra.omit ?? ['conditions'] }),
    fhirServer,
    accessToken: ACCESS_TOKEN,
  });
}

describe('FHIR server allowlist and the access token', () => {
  let key: SigningKey;
  let runtime: Runtime;
  let logs: string[];
  let dataDir: string;

  beforeAll(async () => {
    key = await signingKey();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-allowlist-'));
    const captured = capturingLogger();
    logs = captured.lines;
    runtime = await jwtRuntime([ehrClient(key)], {
      logger: captured.logger,
      store: new SqliteStore(path.join(dataDir, 'facet-cds.sqlite')),
      env: { DATA_DIR: dataDir },
    });
  });
  afterAll(async () => {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const call = async (body: unknown) =>
    request(runtime.app)
      .post(SERVICE_PATH)
      .set('Authorization', `Bearer ${await clientToken(key, SERVICE_AUD)}`)
      .send(body as object);

  /** Whatever happened, the token is in no log line, no byte of the database or spool, no response. */
  async function expectTokenNowhere(responseText: string): Promise<void> {
    await runtime.deps.decisionLog.flush();
    expect(responseText).not.toContain(ACCESS_TOKEN);
    expect(logs.join('\n')).not.toContain(ACCESS_TOKEN);
    for (const file of fs.readdirSync(dataDir)) {
      expect(fs.readFileSync(path.join(dataDir, file)).toString('latin1')).not.toContain(ACCESS_TOKEN);
    }
  }

  it('calls a listed server, sending the token there only, and answers from what it returned', async () => {
    const ehr = nock(EHR_ORIGIN, { reqheaders: { authorization: `Bearer ${ACCESS_TOKEN}` } })
      .get(`${EHR_PATH}/Condition`)
      .query({ patient: 'pat-1' })
      .reply(200, searchset([]));
    const res = await call(callNeedingConditions(EHR_FHIR));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(ehr.isDone()).toBe(true);
    const decided = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'hook decided');
    expect(decided).toMatchObject({ fhirServerCalled: true, dataKeys: { conditions: 'fetched' } });
    await expectTokenNowhere(res.text);
    expect((await runtime.deps.store.listDecisions(new Date(0), new Date('2100-01-01'))).length).toBeGreaterThan(0); // the store was written
  });

  it('never calls a server the client is not allowed: required data missing → 412, no request made', async () => {
    const elsewhere = nock(ELSEWHERE).get(/.*/).reply(200, searchset([]));
    const res = await call(callNeedingConditions(`${ELSEWHERE}/fhir`));
    expect(res.status).toBe(412);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'incomplete', expression: ['prefetch.conditions'] }] });
    expect(res.body.issue[0].diagnostics).toMatch(/not on the allowlist/);
    expect(elsewhere.isDone()).toBe(false);
    await expectTokenNowhere(res.text);
  });

  it('answers from prefetch alone when everything needed was sent, still without calling the unlisted server', async () => {
    const elsewhere = nock(ELSEWHERE).get(/.*/).reply(200, searchset([]));
    const res = await call(callNeedingConditions(`${ELSEWHERE}/fhir`, { omit: [] }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(elsewhere.isDone()).toBe(false);
  });

  it('treats a different path or port on the listed host as another server', async () => {
    const scope = nock(EHR_ORIGIN).get(/.*/).reply(200, searchset([]));
    const other = nock(`${EHR_ORIGIN}:8443`).get(/.*/).reply(200, searchset([]));
    for (const server of [`${EHR_ORIGIN}/r4-other`, `${EHR_ORIGIN}:8443${EHR_PATH}`, 'http://fhir.ehr.example.com/r4']) {
      expect((await call(callNeedingConditions(server))).status).toBe(412);
    }
    // A path that climbs out of the listed base is not a FHIR base at all.
    expect((await call(callNeedingConditions(`${EHR_ORIGIN}/r4/../admin`))).status).toBe(400);
    expect(scope.isDone()).toBe(false);
    expect(other.isDone()).toBe(false);
  });

  it('does not follow a prefetched Bundle next link to another server (the token would go with it)', async () => {
    const elsewhere = nock(ELSEWHERE).get(/.*/).reply(200, searchset([]));
    const body = callNeedingConditions(EHR_FHIR, { omit: [] }) as { prefetch: Record<string, { link?: unknown }> };
    body.prefetch.procedures!.link = [{ relation: 'next', url: `${ELSEWHERE}/fhir/Procedure?page=2` }];
    const res = await call(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(elsewhere.isDone()).toBe(false);
    expect(JSON.stringify(res.body)).toMatch(/procedures \(the FHIR server returned a next link to another server\)/);
  });

  it('does not follow a next link to a sibling path on the same host (another tenant)', async () => {
    const page1 = { ...searchset([]), link: [{ relation: 'next', url: `${EHR_ORIGIN}/r4-tenant-b/Condition?page=2` }] };
    const first = nock(EHR_ORIGIN).get(`${EHR_PATH}/Condition`).query(true).reply(200, page1);
    const sibling = nock(EHR_ORIGIN).get('/r4-tenant-b/Condition').query(true).reply(200, searchset([]));
    const res = await call(callNeedingConditions(EHR_FHIR));
    expect(res.status).toBe(200);
    expect(first.isDone()).toBe(true);
    expect(sibling.isDone()).toBe(false);
  });

  it('does not follow a redirect from the FHIR server', async () => {
    nock(EHR_ORIGIN).get(`${EHR_PATH}/Condition`).query(true).reply(302, '', { Location: `${ELSEWHERE}/steal` });
    const elsewhere = nock(ELSEWHERE).get(/.*/).reply(200, searchset([]));
    const res = await call(callNeedingConditions(EHR_FHIR));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(elsewhere.isDone()).toBe(false);
    await expectTokenNowhere(res.text);
  });

  it('keeps the token out of logs, store and answers when the FHIR server refuses it', async () => {
    nock(EHR_ORIGIN).get(`${EHR_PATH}/Condition`).query(true).reply(401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: `invalid token ${ACCESS_TOKEN}` }] });
    const res = await call(callNeedingConditions(EHR_FHIR));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    await expectTokenNowhere(res.text);
  });
});

describe('open mode allowlist', () => {
  afterEach(() => nock.cleanAll());
  const callOpen = (runtime: Runtime, fhirServer: string) => request(runtime.app).post(SERVICE_PATH).send(callNeedingConditions(fhirServer));

  it('by default only loopback FHIR servers are called', async () => {
    const runtime = await testRuntime();
    try {
      const remote = nock('https://fhir.example.com').get(/.*/).reply(200, searchset([]));
      expect((await callOpen(runtime, 'https://fhir.example.com/r4')).status).toBe(412);
      expect(remote.isDone()).toBe(false);
      const local = nock('http://127.0.0.1:9999').get('/fhir/Condition').query(true).reply(200, searchset([]));
      expect((await callOpen(runtime, 'http://127.0.0.1:9999/fhir')).status).toBe(200);
      expect(local.isDone()).toBe(true);
    } finally {
      await runtime.close();
    }
  });

  it('with FHIR_SERVER_ALLOWLIST, only the servers listed', async () => {
    const runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: 'https://fhir.example.com/r4' } });
    try {
      const listed = nock('https://fhir.example.com').get('/r4/Condition').query(true).reply(200, searchset([]));
      expect((await callOpen(runtime, 'https://fhir.example.com/r4/')).status).toBe(200);
      expect(listed.isDone()).toBe(true);
      const loopback = nock('http://127.0.0.1:9999').get(/.*/).reply(200, searchset([]));
      expect((await callOpen(runtime, 'http://127.0.0.1:9999/fhir')).status).toBe(412);
      expect(loopback.isDone()).toBe(false);
    } finally {
      await runtime.close();
    }
  });
});

describe('resolveFhirAccess', () => {
  const request = (fhirServer: string) => ({ fhirServer, fhirAuthorization: { access_token: ACCESS_TOKEN, token_type: 'Bearer' } }) as HookRequest;
  const client = { iss: 'https://ehr.example.com', fhirServers: ['http://fhir.ehr.example.com/r4', EHR_FHIR] };

  it('requires https in production, even for a listed server', () => {
    const production = loadConfig({ NODE_ENV: 'production' });
    expect(resolveFhirAccess(request('http://fhir.ehr.example.com/r4'), client, production).refusal).toMatch(/https in production/);
    expect(resolveFhirAccess(request(EHR_FHIR), client, production).access).toEqual({ baseUrl: EHR_FHIR, accessToken: ACCESS_TOKEN });
    expect(resolveFhirAccess(request('http://fhir.ehr.example.com/r4'), client, loadConfig({ NODE_ENV: 'test' })).access).toBeDefined();
  });

  it('an authenticated client is held to its own list, not FHIR_SERVER_ALLOWLIST', () => {
    const config = loadConfig({ NODE_ENV: 'test', FHIR_SERVER_ALLOWLIST: 'https://other.example/fhir' });
    expect(resolveFhirAccess(request('https://other.example/fhir'), client, config).refusal).toMatch(/not on the allowlist/);
    expect(resolveFhirAccess(request('http://127.0.0.1/fhir'), client, config).refusal).toMatch(/not on the allowlist/);
  });
});
