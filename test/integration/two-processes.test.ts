import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SERVICE_PATH, facetOrder, fullPrefetch, hookRequest } from '../helpers/builders';
import { createTestDatabase, NO_POSTGRES, testDatabaseUrl, type TestDatabase } from '../helpers/postgres';
import { describeUnless } from '../helpers/skip';
import { bareChart, documentedChart } from '../audit/charts';
import { createCaller, type Caller } from './jwt-caller';
import { ServiceProcess } from './service-process';

const serverUrl = testDatabaseUrl('two-process test');
const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

jest.setTimeout(120_000);

/** Claims a JWT id from a separate process that opens the store as the service does (see claim-jti.ts). */
async function claimJtiFromProcess(databaseUrl: string, iss: string, jti: string): Promise<boolean> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/integration/claim-jti.ts', iss, jti], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
  });
  const answer = JSON.parse(stdout) as { claimed: boolean; store: string };
  expect(answer.store).toBe('postgres');
  return answer.claimed;
}

let caller: Caller;

async function post(base: string, route: string, body: unknown): Promise<{ status: number; body: any }> {
  const headers = { 'content-type': 'application/json', ...(await caller.headers(route)) };
  const res = await fetch(`${base}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function get(base: string, route: string, headers?: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${base}${route}`, { headers: headers ?? (await caller.headers(route)) });
  return { status: res.status, body: await res.json() };
}

function assertionId(response: unknown): string {
  return /"coverage-assertion-id","valueString":"([^"]+)"/.exec(JSON.stringify(response))![1]!;
}

describeUnless(serverUrl ? undefined : NO_POSTGRES, 'two service processes on one PostgreSQL (DATABASE_URL)', () => {
  let db: TestDatabase;
  let dataDirs: string[] = [];
  let a: ServiceProcess | undefined;
  let b: ServiceProcess | undefined;
  const decided: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase(serverUrl!);
    dataDirs = ['a', 'b', 'clients'].map((n) => fs.mkdtempSync(path.join(os.tmpdir(), `facet-cds-replica-${n}-`)));
    caller = await createCaller(dataDirs[2]!);
    // Started together: both run the migrations at once (the advisory lock makes that safe).
    [a, b] = await Promise.all([
      ServiceProcess.start('replica-a', { DATABASE_URL: db.url, DATA_DIR: dataDirs[0]!, ...caller.env }),
      ServiceProcess.start('replica-b', { DATABASE_URL: db.url, DATA_DIR: dataDirs[1]!, ...caller.env }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads decisions made by either process back from both', async () => {
    const atA = await post(a!.baseUrl, SERVICE_PATH, hookRequest({ orders: [facetOrder('sr-a', '64493')], prefetch: fullPrefetch(bareChart()), hookInstance: 'hook-at-a' }));
    const atB = await post(b!.baseUrl, SERVICE_PATH, hookRequest({ orders: [facetOrder('sr-b', '64493')], prefetch: fullPrefetch(documentedChart()), hookInstance: 'hook-at-b' }));
    expect([atA.status, atB.status]).toEqual([200, 200]);
    const ids = { a: assertionId(atA.body), b: assertionId(atB.body) };
    Object.assign(decided, ids);

    for (const reader of [a!, b!]) {
      // The audit write is off the response's critical path: poll briefly until it lands.
      for (const [maker, id] of Object.entries(ids)) {
        let found = await get(reader.baseUrl, `/decisions/${id}`);
        for (let i = 0; found.status === 404 && i < 50; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          found = await get(reader.baseUrl, `/decisions/${id}`);
        }
        expect({ reader: reader.name, maker, status: found.status }).toEqual({ reader: reader.name, maker, status: 200 });
        expect(found.body).toMatchObject({ coverageAssertionId: id, hookInstance: `hook-at-${maker}` });
      }
    }
    expect((await get(a!.baseUrl, `/decisions/${ids.b}`)).body.orders[0]).toMatchObject({ orderRef: 'ServiceRequest/sr-b', outcome: 'covered' });
    expect((await get(b!.baseUrl, `/decisions/${ids.a}`)).body.orders[0]).toMatchObject({ orderRef: 'ServiceRequest/sr-a', outcome: 'conditional' });
  });

  it('dedupes the same feedback sent to both processes', async () => {
    const made = await post(a!.baseUrl, SERVICE_PATH, hookRequest({ orders: [facetOrder('sr-f', '64493')], prefetch: fullPrefetch(bareChart()) }));
    const feedback = {
      feedback: [
        {
          card: made.body.cards[0].uuid,
          outcome: 'overridden',
          overrideReason: { reason: { system: 'http://facet-cds.dev/fhir/CodeSystem/override-reason', code: 'documented-elsewhere' } },
          outcomeTimestamp: '2026-11-26T15:10:00Z',
        },
      ],
    };
    expect((await post(a!.baseUrl, `${SERVICE_PATH}/feedback`, feedback)).body).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect((await post(b!.baseUrl, `${SERVICE_PATH}/feedback`, feedback)).body).toEqual({ received: 1, stored: 0, duplicates: 1 });
  });

  it('refuses at one process a JWT id already used at another (shared replay cache)', async () => {
    if (caller.mode === 'jwt') {
      // Real calls: one signed JWT, accepted by replica A, then replayed at replica B.
      const token = await caller.token('/cds-services');
      const headers = { authorization: `Bearer ${token}` };
      expect((await get(a!.baseUrl, '/cds-services', headers)).status).toBe(200);
      const replay = await get(b!.baseUrl, '/cds-services', headers);
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
      expect((await get(b!.baseUrl, '/cds-services')).status).toBe(200); // a fresh jti is fine
      return;
    }
    // No JWT authenticator in this build (src/security/jwt-authenticator.ts absent): the services run
    // in open mode, so the jti is claimed from two separate processes through the store exactly as a
    // service opens it (createStore(loadConfig()), DATABASE_URL) - the call the authenticator makes.
    const iss = 'https://ehr.example.org';
    const jti = `jti-${Date.now()}`;
    expect(await claimJtiFromProcess(db.url, iss, jti)).toBe(true);
    expect(await claimJtiFromProcess(db.url, iss, jti)).toBe(false);
    expect(await claimJtiFromProcess(db.url, iss, `${jti}-other`)).toBe(true);
  });

  it('runs with client authentication when the build has it (calls without a JWT are refused)', async () => {
    const anonymous = await get(a!.baseUrl, '/cds-services', {});
    expect(anonymous.status).toBe(caller.mode === 'jwt' ? 401 : 200);
  });

  it('reports itself ready on the shared store, and stops cleanly on SIGTERM', async () => {
    for (const service of [a!, b!]) expect((await get(service.baseUrl, '/ready')).body.checks.store).toBe('ok');
    expect(await b!.stop()).toBe(0);
    b = undefined;
    // The survivor still serves, and still reads what the stopped one wrote.
    expect((await get(a!.baseUrl, '/ready')).status).toBe(200);
    expect((await get(a!.baseUrl, `/decisions/${decided.b}`)).body.hookInstance).toBe('hook-at-b');
  });
});
