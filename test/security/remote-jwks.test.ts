import nock from 'nock';
import pino from 'pino';
import { jwtVerify } from 'jose';
import { RemoteJwks } from '../../src/security/remote-jwks';
import { capturingLogger, TEST_NOW } from '../helpers/runtime';
import { clientToken, signingKey, type SigningKey } from './jwt-fixtures';

const HOST = 'https://keys.ehr.example.com';
const PATH = '/jwks.json';
const AUD = 'https://cds.example.org/cds-services';

describe('RemoteJwks: cache, rotation and failure handling', () => {
  let oldKey: SigningKey;
  let newKey: SigningKey;
  let now: number;
  let jwks: RemoteJwks;
  const verify = async (key: SigningKey) => jwtVerify(await clientToken(key, AUD), jwks.getKey, { currentDate: TEST_NOW });

  beforeAll(async () => {
    [oldKey, newKey] = await Promise.all([signingKey('ES384', 'old'), signingKey('ES384', 'new')]);
  });
  beforeEach(() => {
    nock.disableNetConnect();
    now = 0;
    jwks = new RemoteJwks(`${HOST}${PATH}`, { timeoutMs: 1000, cacheMs: 60_000, cooldownMs: 10_000, logger: pino({ level: 'silent' }), now: () => now });
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('serves from the cache until it is stale, then fetches again', async () => {
    const first = nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    await verify(oldKey);
    now = 59_000;
    await verify(oldKey);
    expect(first.isDone()).toBe(true);
    const second = nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    now = 61_000;
    await verify(oldKey);
    expect(second.isDone()).toBe(true);
  });

  it('fetches again for an unknown kid (key rotation), but at most once per cooldown', async () => {
    nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    await verify(oldKey);
    const rotated = nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk, newKey.publicJwk] });
    now = 5_000; // within the cooldown: no fetch, the unknown kid is refused
    await expect(verify(newKey)).rejects.toThrow(/no applicable key/i);
    expect(rotated.isDone()).toBe(false);
    now = 11_000;
    await verify(newKey);
    expect(rotated.isDone()).toBe(true);
  });

  it('keeps using the keys it has when a refresh fails', async () => {
    nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    await verify(oldKey);
    const failing = nock(HOST).get(PATH).once().reply(503, 'down');
    now = 61_000;
    await verify(oldKey);
    expect(failing.isDone()).toBe(true);
  });

  it('uses stale keys for at most max(cache time, 300 s) past their expiry while refreshes fail, then refuses them, saying why', async () => {
    const { logger, lines } = capturingLogger();
    jwks = new RemoteJwks(`${HOST}${PATH}`, { timeoutMs: 1000, cacheMs: 60_000, cooldownMs: 10_000, logger, now: () => now });
    nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    await verify(oldKey);
    const down = nock(HOST).get(PATH).times(2).reply(503, 'down');
    now = 61_000; // stale: the refresh fails, the keys are still used
    await verify(oldKey);
    now = 60_000 + 299_000; // just inside the bound (300 s past expiry, since the cache time is shorter)
    await verify(oldKey);
    expect(lines.join('')).not.toMatch(/refused/);
    now = 60_000 + 300_000; // the bound: refused, and the log says why
    await expect(verify(oldKey)).rejects.toThrow(/could not be refreshed, and stale keys are used at most 300 s past the cache time/);
    await expect(verify(oldKey)).rejects.toThrow(/could not be refreshed/);
    expect(down.isDone()).toBe(true);
    const refusals = lines.map((l) => JSON.parse(l) as { msg: string; level: number }).filter((l) => /expired and could not be refreshed/.test(l.msg));
    expect(refusals).toEqual([expect.objectContaining({ level: 40 })]); // once, not per call
    // The JWK Set is back: fresh keys are used again.
    nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    now += 10_000;
    await verify(oldKey);
  });

  it('bounds stale use by the cache time when that is longer than 300 s', async () => {
    jwks = new RemoteJwks(`${HOST}${PATH}`, { timeoutMs: 1000, cacheMs: 3_600_000, cooldownMs: 10_000, logger: pino({ level: 'silent' }), now: () => now });
    nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    await verify(oldKey);
    nock(HOST).get(PATH).times(2).reply(503, 'down');
    now = 2 * 3_600_000 - 1;
    await verify(oldKey);
    now = 2 * 3_600_000 + 10_000;
    await expect(verify(oldKey)).rejects.toThrow(/stale keys are used at most 3600 s past the cache time/);
  });

  it('fetches once for many concurrent verifications', async () => {
    const scope = nock(HOST).get(PATH).once().delay(50).reply(200, { keys: [oldKey.publicJwk] });
    await Promise.all(Array.from({ length: 5 }, () => verify(oldKey)));
    expect(scope.isDone()).toBe(true);
  });

  it('with no keys and a failed fetch, fails fast until the cooldown has passed', async () => {
    const down = nock(HOST).get(PATH).once().replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(verify(oldKey)).rejects.toThrow(/no keys could be fetched/);
    expect(down.isDone()).toBe(true);
    const back = nock(HOST).get(PATH).once().reply(200, { keys: [oldKey.publicJwk] });
    now = 1_000;
    await expect(verify(oldKey)).rejects.toThrow(/no keys could be fetched/);
    expect(back.isDone()).toBe(false);
    now = 11_000;
    await verify(oldKey);
    expect(back.isDone()).toBe(true);
  });

  it('ignores private and symmetric keys in a fetched set', async () => {
    nock(HOST).get(PATH).reply(200, { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'old' }] });
    await expect(verify(oldKey)).rejects.toThrow(/no keys could be fetched/);
  });
});
