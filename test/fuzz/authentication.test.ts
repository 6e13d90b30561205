import fc from 'fast-check';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH } from '../helpers/builders';
import { clientToken, ehrClient, jwtRuntime, PUBLIC_BASE, signingKey, type SigningKey } from '../security/jwt-fixtures';
import { oddValueArb } from './arbitraries';

/**
 * Property: in JWT mode, any Authorization header that is not a genuine, unaltered token for this URL
 * is a 401 (never a 5xx, never a 200), and feedback bodies get a 200 or a 4xx OperationOutcome.
 */
const DISCOVERY_AUD = `${PUBLIC_BASE}/cds-services`;
const FEEDBACK_AUD = `${PUBLIC_BASE}${SERVICE_PATH}/feedback`;
const RUNS = Number(process.env.FUZZ_RUNS ?? '1');
const settings = (numRuns: number) => ({ numRuns: Math.max(1, Math.round(numRuns * RUNS)), ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) });

describe('fuzz: client authentication and feedback', () => {
  let key: SigningKey;
  let runtime: Runtime;
  beforeAll(async () => {
    key = await signingKey('ES384', 'k');
    runtime = await jwtRuntime([ehrClient(key)]);
  });
  afterAll(() => runtime.close());

  const discover = (authorization: string) => request(runtime.app).get('/cds-services').set('Authorization', authorization).timeout(10_000);

  it('random Authorization headers are refused', async () => {
    const header = fc.oneof(fc.string(), fc.string().map((s) => `Bearer ${s}`), fc.stringMatching(/^Bearer [A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,40}$/));
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        const res = await discover(authorization.replace(/[\r\n\0]/g, ''));
        expect(res.status).toBe(401);
      }),
      settings(150),
    );
  }, 60_000);

  it('a genuine token with its header or claims changed (not re-signed) is refused', async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const part = fc.constantFrom(0, 1);
    const field = fc.constantFrom('alg', 'typ', 'kid', 'jku', 'iss', 'aud', 'exp', 'iat', 'jti', 'tenant', 'crit', 'b64', 'x5u', 'jwk');
    await fc.assert(
      fc.asyncProperty(part, field, oddValueArb, async (which, name, value) => {
        const [h, p, s] = (await clientToken(key, DISCOVERY_AUD)).split('.') as [string, string, string];
        const decoded = [JSON.parse(Buffer.from(h, 'base64url').toString()), JSON.parse(Buffer.from(p, 'base64url').toString())];
        fc.pre(JSON.stringify(decoded[which][name]) !== JSON.stringify(value));
        decoded[which][name] = value;
        const forged = which === 0 ? `${encode(decoded[0])}.${p}.${s}` : `${h}.${encode(decoded[1])}.${s}`;
        expect((await discover(`Bearer ${forged}`)).status).toBe(401);
      }),
      settings(150),
    );
  }, 60_000);

  it('a genuine token with one signature character changed is refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), async (at, replacement) => {
        const [h, p, s] = (await clientToken(key, DISCOVERY_AUD)).split('.') as [string, string, string];
        const i = at % (s.length - 1); // the last character may carry only padding bits
        fc.pre(s[i] !== replacement);
        expect((await discover(`Bearer ${h}.${p}.${s.slice(0, i)}${replacement}${s.slice(i + 1)}`)).status).toBe(401);
      }),
      settings(60),
    );
  }, 60_000);

  it('feedback bodies: 200 or a 4xx OperationOutcome', async () => {
    const item = fc.record(
      {
        card: fc.oneof(fc.uuid(), oddValueArb),
        outcome: fc.oneof(fc.constantFrom('accepted', 'overridden'), oddValueArb),
        acceptedSuggestions: fc.oneof(fc.array(fc.record({ id: fc.oneof(fc.uuid(), oddValueArb) })), oddValueArb),
        overrideReason: fc.oneof(fc.record({ reason: fc.record({ code: fc.string(), system: fc.string(), display: fc.string() }, { requiredKeys: [] }), userComment: fc.string() }, { requiredKeys: [] }), oddValueArb),
        outcomeTimestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), oddValueArb),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(fc.record({ feedback: fc.array(item, { maxLength: 5 }) }), fc.record({ feedback: oddValueArb }), fc.jsonValue());
    await fc.assert(
      fc.asyncProperty(body, async (feedback) => {
        const res = await request(runtime.app)
          .post(`${SERVICE_PATH}/feedback`)
          .set('Authorization', `Bearer ${await clientToken(key, FEEDBACK_AUD)}`)
          .set('Content-Type', 'application/json')
          .timeout(10_000)
          .send(JSON.stringify(feedback) ?? 'null');
        if (res.status !== 200) {
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(res.body.resourceType).toBe('OperationOutcome');
        }
      }),
      settings(150),
    );
  }, 60_000);
});
