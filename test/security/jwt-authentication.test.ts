import nock from 'nock';
import request from 'supertest';
import { SignJWT } from 'jose';
import type { Runtime } from '../../src/runtime';
import { SqliteStore } from '../../src/store/sqlite-store';
import { SERVICE_PATH } from '../helpers/builders';
import { capturingLogger } from '../helpers/runtime';
import {
  EHR_ISS,
  NOW_SECONDS,
  PUBLIC_BASE,
  clientToken,
  ehrClient,
  jwtRuntime,
  rawToken,
  signingKey,
  validClaims,
  type SigningKey,
} from './jwt-fixtures';

const DISCOVERY_AUD = `${PUBLIC_BASE}/cds-services`;
const SERVICE_AUD = `${PUBLIC_BASE}${SERVICE_PATH}`;
const FEEDBACK_AUD = `${SERVICE_AUD}/feedback`;

const discover = (runtime: Runtime, token?: string) => {
  const req = request(runtime.app).get('/cds-services');
  return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
};

describe('JWT client authentication (CDS Hooks 2.0.1 "Trusting CDS Clients")', () => {
  let es384: SigningKey;
  let rs384: SigningKey;
  let stranger: SigningKey;
  let runtime: Runtime;
  let logs: string[];

  beforeAll(async () => {
    [es384, rs384, stranger] = await Promise.all([signingKey('ES384', 'ehr-es'), signingKey('RS384', 'ehr-rs'), signingKey('ES384', 'ehr-es')]);
    const captured = capturingLogger();
    logs = captured.lines;
    runtime = await jwtRuntime([ehrClient(es384, { jwks: { keys: [es384.publicJwk, rs384.publicJwk] }, tenant: 'org-1' })], { logger: captured.logger });
  });
  afterAll(() => runtime.close());
  beforeEach(() => {
    logs.length = 0;
  });

  /** Refused with a bare 401 (no detail in the body), the reason in the log, the token nowhere in the log. */
  async function expectRefused(token: string | undefined, reason: RegExp, call = () => discover(runtime, token)): Promise<void> {
    logs.length = 0;
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'Unauthorized' }] });
    const refusal = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request refused: client authentication failed');
    expect(refusal?.reason).toMatch(reason);
    if (token) for (const part of token.split('.').filter((p) => p.length > 8)) expect(logs.join('\n')).not.toContain(part);
  }

  const tenantClaims = { tenant: 'org-1' };

  it('accepts an ES384 token whose aud is the discovery URL, and names the client on the access-log line', async () => {
    const res = await discover(runtime, await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims }));
    expect(res.status).toBe(200);
    const access = logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
    expect(access).toMatchObject({ status: 200, client: EHR_ISS });
    expect(access.authentication).toBeUndefined();
  });

  it('accepts RS384, and aud given as an array holding the URL', async () => {
    expect((await discover(runtime, await clientToken(rs384, [DISCOVERY_AUD], { claims: tenantClaims }))).status).toBe(200);
  });

  it('protects discovery, service and feedback endpoints, each with its own aud', async () => {
    await expectRefused(undefined, /no Authorization header/);
    await expectRefused(undefined, /no Authorization header/, () => request(runtime.app).post(SERVICE_PATH).send({}));
    await expectRefused(undefined, /no Authorization header/, () => request(runtime.app).post(`${SERVICE_PATH}/feedback`).send({}));
    // a token minted for discovery does not open the service
    const forDiscovery = await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims });
    await expectRefused(forDiscovery, /aud/, () => request(runtime.app).post(SERVICE_PATH).set('Authorization', `Bearer ${forDiscovery}`).send({}));
    // with the right aud, the request reaches the handlers (which then judge the body)
    const service = await request(runtime.app)
      .post(SERVICE_PATH)
      .set('Authorization', `Bearer ${await clientToken(es384, SERVICE_AUD, { claims: tenantClaims })}`)
      .send({});
    expect(service.status).toBe(400);
    const feedback = await request(runtime.app)
      .post(`${SERVICE_PATH}/feedback`)
      .set('Authorization', `Bearer ${await clientToken(es384, FEEDBACK_AUD, { claims: tenantClaims })}`)
      .send({ feedback: [] });
    expect(feedback.status).not.toBe(401);
  });

  it('answers CORS preflight without a token', async () => {
    const res = await request(runtime.app).options(SERVICE_PATH).set('Origin', 'https://sandbox.cds-hooks.org').set('Access-Control-Request-Method', 'POST');
    expect(res.status).toBe(204);
  });

  it('refuses an Authorization header that is not a bearer JWT', async () => {
    await expectRefused(undefined, /not "Bearer <JWT>"/, () => request(runtime.app).get('/cds-services').set('Authorization', 'Basic dXNlcjpwYXNz'));
    await expectRefused('not-a-jwt', /not a signed JWT/);
  });

  it('refuses alg none', async () => {
    await expectRefused(rawToken({ alg: 'none', typ: 'JWT', kid: 'ehr-es' }, { ...validClaims(DISCOVERY_AUD), ...tenantClaims }), /alg "none" is refused/);
  });

  it('refuses HMAC, even keyed with the public key text (the classic alg confusion)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(es384.publicJwk));
    const token = await new SignJWT({ ...validClaims(DISCOVERY_AUD), ...tenantClaims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'ehr-es' }).sign(secret);
    await expectRefused(token, /alg "HS256" is refused/);
  });

  it('refuses an iss that is not listed, even with a valid signature', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, iss: 'https://sandbox.cds-hooks.org' } }), /iss "https:\/\/sandbox.cds-hooks.org" is not a trusted CDS client/);
  });

  it('refuses a token signed by another key under the same kid', async () => {
    await expectRefused(await clientToken(stranger, DISCOVERY_AUD, { claims: tenantClaims }), /signature .* does not verify/);
  });

  it('refuses a kid the client does not have, and a token without kid', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims, header: { kid: 'unknown-kid' } }), /no key with kid "unknown-kid"/);
    // genuinely signed, just without kid: the key must be picked by kid, never by trying each key
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims, header: { kid: undefined } }), /no kid/);
  });

  it('refuses a typ other than JWT', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims, header: { typ: 'at+jwt' } }), /typ "at\+jwt" is not "JWT"/);
  });

  it('never fetches a jku the clients file does not list for that iss', async () => {
    const scope = nock('https://attacker.example').get('/jwks.json').reply(200, { keys: [stranger.publicJwk] });
    await expectRefused(
      await clientToken(stranger, DISCOVERY_AUD, { claims: tenantClaims, header: { jku: 'https://attacker.example/jwks.json' } }),
      /jku "https:\/\/attacker.example\/jwks.json" is not the JWK Set URL listed/,
    );
    expect(scope.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('refuses an aud that is not the exact URL called', async () => {
    for (const aud of [`${PUBLIC_BASE}/cds-services/`, 'http://cds.example.org/cds-services', SERVICE_AUD, [SERVICE_AUD, FEEDBACK_AUD]]) {
      await expectRefused(await clientToken(es384, aud, { claims: tenantClaims }), /"aud" claim/);
    }
  });

  it('refuses an expired token, but tolerates exp within the clock skew', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, iat: NOW_SECONDS - 400, exp: NOW_SECONDS - 61 } }), /"exp" claim/);
    const withinSkew = await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, iat: NOW_SECONDS - 300, exp: NOW_SECONDS - 30 } });
    expect((await discover(runtime, withinSkew)).status).toBe(200);
  });

  it('refuses iat in the future beyond the clock skew, and tokens issued more than an hour ago', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, iat: NOW_SECONDS + 120, exp: NOW_SECONDS + 400 } }), /"iat" claim .* in the past/);
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, iat: NOW_SECONDS - 3700, exp: NOW_SECONDS + 60 } }), /"iat" claim .*too far in the past/);
    const slightlyAhead = await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, iat: NOW_SECONDS + 30 } });
    expect((await discover(runtime, slightlyAhead)).status).toBe(200);
  });

  it('refuses a lifetime over an hour (its jti would have to be kept that long)', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: { ...tenantClaims, exp: NOW_SECONDS + 7200 } }), /lives 7200 s/);
  });

  it('requires iss, aud, exp, iat and jti', async () => {
    for (const claim of ['aud', 'exp', 'iat', 'jti']) {
      await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims, omit: [claim] }), new RegExp(`"${claim}"|${claim}`));
    }
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims, omit: ['iss'] }), /iss undefined|iss "undefined"/);
  });

  it('refuses a replayed jti', async () => {
    const token = await clientToken(es384, DISCOVERY_AUD, { claims: tenantClaims });
    expect((await discover(runtime, token)).status).toBe(200);
    await expectRefused(token, /jti already used/);
    expect(await runtime.deps.metrics.registry.getSingleMetricAsString('cds_auth_failures_total')).toMatch(/cds_auth_failures_total\{reason="replay"\} 1/);
  });

  it('refuses a tenant other than the one listed for the client', async () => {
    await expectRefused(await clientToken(es384, DISCOVERY_AUD, { claims: { tenant: 'org-2' } }), /tenant "org-2"/);
    await expectRefused(await clientToken(es384, DISCOVERY_AUD), /tenant "undefined"|tenant undefined/);
  });

  it('refuses an algorithm the client entry does not allow', async () => {
    const { logger, lines } = capturingLogger();
    const narrow = await jwtRuntime([ehrClient(es384, { algorithms: ['ES384'] })], { logger });
    try {
      expect((await discover(narrow, await clientToken(es384, DISCOVERY_AUD))).status).toBe(200);
      expect((await discover(narrow, await clientToken(rs384, DISCOVERY_AUD))).status).toBe(401);
      expect(lines.join('\n')).toMatch(/alg RS384 is not accepted from https:\/\/ehr.example.com/);
    } finally {
      await narrow.close();
    }
  });
});

describe('the jti replay cache is the shared store', () => {
  it('a token used on one replica is refused on another sharing the store', async () => {
    const key = await signingKey('ES384', 'k');
    const shared = new SqliteStore(':memory:');
    const keepOpen = Object.assign(Object.create(shared) as SqliteStore, { close: async () => undefined });
    const a = await jwtRuntime([ehrClient(key)], { store: keepOpen });
    const b = await jwtRuntime([ehrClient(key)], { store: keepOpen });
    try {
      const token = await clientToken(key, DISCOVERY_AUD);
      expect((await discover(a, token)).status).toBe(200);
      expect((await discover(b, token)).status).toBe(401);
      expect((await discover(b, await clientToken(key, DISCOVERY_AUD))).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
      await shared.close();
    }
  });

  it('answers 503, not 200, when the replay cache cannot be reached', async () => {
    const key = await signingKey('ES384', 'k');
    const broken = new SqliteStore(':memory:');
    broken.claimJti = async () => {
      throw new Error('connection refused');
    };
    const runtime = await jwtRuntime([ehrClient(key)], { store: broken });
    try {
      const res = await discover(runtime, await clientToken(key, DISCOVERY_AUD));
      expect(res.status).toBe(503);
      expect(res.body.resourceType).toBe('OperationOutcome');
    } finally {
      await runtime.close();
    }
  });
});

describe('keys fetched from a jwksUrl', () => {
  const JWKS_HOST = 'https://keys.ehr.example.com';
  const JWKS_PATH = '/.well-known/jwks.json';
  let key: SigningKey;
  beforeAll(async () => {
    key = await signingKey('ES384', 'remote-1');
  });
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const remoteClient = () => ({ iss: EHR_ISS, jwksUrl: `${JWKS_HOST}${JWKS_PATH}`, fhirServers: [] });

  it('fetches the JWK Set once and reuses it; a jku equal to the listed jwksUrl is accepted', async () => {
    const scope = nock(JWKS_HOST).get(JWKS_PATH).once().reply(200, { keys: [key.publicJwk] });
    const runtime = await jwtRuntime([remoteClient()]);
    try {
      expect((await discover(runtime, await clientToken(key, DISCOVERY_AUD))).status).toBe(200);
      expect((await discover(runtime, await clientToken(key, DISCOVERY_AUD, { header: { jku: `${JWKS_HOST}${JWKS_PATH}` } }))).status).toBe(200);
      expect(scope.isDone()).toBe(true);
    } finally {
      await runtime.close();
    }
  });

  it('refuses (401) when the JWK Set does not answer in time', async () => {
    nock(JWKS_HOST).get(JWKS_PATH).delayConnection(1500).reply(200, { keys: [key.publicJwk] });
    const { logger, lines } = capturingLogger();
    const runtime = await jwtRuntime([remoteClient()], { env: { JWKS_TIMEOUT_MS: '200' }, logger });
    try {
      expect((await discover(runtime, await clientToken(key, DISCOVERY_AUD))).status).toBe(401);
      expect(lines.join('\n')).toMatch(/did not answer within 200 ms/);
    } finally {
      await runtime.close();
    }
  });

  it('refuses (401) a JWK Set larger than the size bound', async () => {
    const padding = Array.from({ length: 15 }, (_, i) => ({ ...key.publicJwk, kid: `pad-${i}`, x5c: ['A'.repeat(5000)] }));
    nock(JWKS_HOST).get(JWKS_PATH).reply(200, { keys: [key.publicJwk, ...padding] });
    const { logger, lines } = capturingLogger();
    const runtime = await jwtRuntime([remoteClient()], { logger });
    try {
      expect((await discover(runtime, await clientToken(key, DISCOVERY_AUD))).status).toBe(401);
      expect(lines.join('\n')).toMatch(/size bound/);
    } finally {
      await runtime.close();
    }
  });

  it('does not follow a redirect from the jwksUrl', async () => {
    nock(JWKS_HOST).get(JWKS_PATH).reply(302, '', { Location: 'https://attacker.example/jwks.json' });
    const elsewhere = nock('https://attacker.example').get('/jwks.json').reply(200, { keys: [key.publicJwk] });
    const runtime = await jwtRuntime([remoteClient()]);
    try {
      expect((await discover(runtime, await clientToken(key, DISCOVERY_AUD))).status).toBe(401);
      expect(elsewhere.isDone()).toBe(false);
    } finally {
      await runtime.close();
    }
  });
});
