import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { parseBytes } from '../../src/config';
import { JSON_LIMITS, MIN_MEMBER_BYTES, jsonShapeProblem, requestBodyLimits } from '../../src/http/json-limits';
import { activeCoverage, facetOrder, fullPrefetch, hookRequest, patient, SERVICE_PATH } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';

/** The default BODY_LIMIT (10mb) and the shape bounds that go with it. */
const BODY_LIMIT_BYTES = parseBytes('10mb');
const REQUEST_LIMITS = requestBodyLimits(BODY_LIMIT_BYTES);

/** Every refusal is a 4xx JSON OperationOutcome naming what is wrong. */
function expectOutcome(res: request.Response, status: number, diagnostics: RegExp): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0].diagnostics).toMatch(diagnostics);
}

describe('malformed, mistyped and oversized request bodies', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  const post = (path: string, body: string | Buffer, type = 'application/json') => request(runtime.app).post(path).set('Content-Type', type).send(body);
  const valid = () => hookRequest({ orders: [facetOrder('order-1', '64490')], prefetch: fullPrefetch([patient(), activeCoverage()]) });

  for (const path of [SERVICE_PATH, `${SERVICE_PATH}/feedback`]) {
    describe(path, () => {
      it('malformed JSON → 400', async () => {
        expectOutcome(await post(path, '{"hook": "order-sign",'), 400, /not valid JSON/);
      });

      it('a JSON scalar instead of an object → 400', async () => {
        expectOutcome(await post(path, '"order-sign"'), 400, /not valid JSON/);
      });

      it('a content type other than JSON → 415', async () => {
        expectOutcome(await post(path, JSON.stringify(valid()), 'text/plain'), 415, /Content-Type: application\/json/);
        expectOutcome(await request(runtime.app).post(path).type('form').send('hook=order-sign'), 415, /Content-Type: application\/json/);
        expectOutcome(await request(runtime.app).post(path), 415, /Content-Type: application\/json/);
      });

      it('JSON in a charset other than UTF-8 → 415', async () => {
        expectOutcome(await post(path, Buffer.from(JSON.stringify(valid()), 'utf16le'), 'application/json; charset=utf-16le'), 415, /UTF-8/);
      });

      it('a body over BODY_LIMIT → 413', async () => {
        const big = JSON.stringify({ ...valid(), padding: 'x'.repeat(11 * 1024 * 1024) });
        expectOutcome(await post(path, big), 413, /larger than this service accepts/);
      });

      it(`nesting deeper than ${JSON_LIMITS.maxDepth} levels → 400, even when JSON.parse would cope`, async () => {
        const deep = `{"extension":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
        expectOutcome(await post(path, deep), 400, /nests objects and arrays more than 100 levels deep/);
      });

      it(`an array with more than ${REQUEST_LIMITS.maxMembers} members (tiny ones, far under BODY_LIMIT) → 413`, async () => {
        const body = JSON.stringify({ ...valid(), extension: { many: new Array(REQUEST_LIMITS.maxMembers + 1).fill(0) } });
        expectOutcome(await post(path, body), 413, new RegExp(`more than ${REQUEST_LIMITS.maxMembers} members`));
      });
    });
  }

  it('accepts application/fhir+json and charset=utf-8', async () => {
    const res = await post(SERVICE_PATH, JSON.stringify(valid()), 'application/fhir+json; charset=UTF-8');
    expect(res.status).toBe(200);
  });

  it('accepts a long chart: 12,000 prefetched Observations (about 1.65 MB)', async () => {
    const body = valid() as { prefetch: { observations: { entry: unknown[] } } };
    body.prefetch.observations.entry = Array.from({ length: 12_000 }, (_, i) => ({
      fullUrl: `https://ehr.example.org/fhir/Observation/obs-${i}`,
      resource: {
        resourceType: 'Observation',
        id: `obs-${i}`,
        status: 'final',
        subject: { reference: 'Patient/pat-1' },
        code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
        effectiveDateTime: '2026-01-01',
      },
    }));
    const text = JSON.stringify(body);
    expect(text.length).toBeGreaterThan(1_600_000);
    expect((await post(SERVICE_PATH, text)).status).toBe(200);
  });

  it('accepts any body within BODY_LIMIT whose members are realistic: the smallest ones up to the byte limit', async () => {
    // Members of MIN_MEMBER_BYTES (a 37-character string, its two quotes and a comma) filling the body up to BODY_LIMIT.
    const member = 'x'.repeat(MIN_MEMBER_BYTES - 3);
    const base = JSON.stringify(valid()).length + 100;
    const count = Math.floor((BODY_LIMIT_BYTES - base) / MIN_MEMBER_BYTES);
    const text = JSON.stringify({ ...valid(), extension: { many: new Array(count).fill(member) } });
    expect(text.length).toBeLessThanOrEqual(BODY_LIMIT_BYTES);
    expect(count).toBeGreaterThan(JSON_LIMITS.maxMembers);
    expect((await post(SERVICE_PATH, text)).status).toBe(200);
  });
});

describe('requestBodyLimits', () => {
  it('bounds members by the byte limit (one per MIN_MEMBER_BYTES), never under JSON_LIMITS.maxMembers; depth stays', () => {
    expect(requestBodyLimits(10 * 1024 * 1024)).toEqual({ maxDepth: 100, maxMembers: 262_144 });
    expect(requestBodyLimits(5 * 1024 * 1024)).toEqual({ maxDepth: 100, maxMembers: 250_000 });
    expect(requestBodyLimits(100 * 1024 * 1024)).toEqual({ maxDepth: 100, maxMembers: 2_621_440 });
  });
});

describe('jsonShapeProblem', () => {
  const limits = { maxDepth: 3, maxMembers: 3 };
  it('counts depth and members outside strings only', () => {
    expect(jsonShapeProblem('[[[1]]]', limits)).toBeUndefined();
    expect(jsonShapeProblem('[[[[1]]]]', limits)).toEqual({ kind: 'depth', limit: 3 });
    expect(jsonShapeProblem('[1,2,3]', limits)).toBeUndefined();
    expect(jsonShapeProblem('[1,2,3,4]', limits)).toEqual({ kind: 'members', limit: 3 });
    expect(jsonShapeProblem('{"a":1,"b":2,"c":3,"d":4}', limits)).toEqual({ kind: 'members', limit: 3 });
    expect(jsonShapeProblem('["[[[[,,,,", "\\"[[[[,,,,"]', limits)).toBeUndefined();
    expect(jsonShapeProblem('[[1,2],[3,4],[5,6]]', limits)).toBeUndefined(); // members count per container
  });

  it('reads UTF-8 bytes and strings alike', () => {
    const text = '{"note":"é ☃ 𝄞 [[[[","list":[1,2,3,4]}';
    expect(jsonShapeProblem(Buffer.from(text), limits)).toEqual({ kind: 'members', limit: 3 });
    expect(jsonShapeProblem(text, limits)).toEqual({ kind: 'members', limit: 3 });
  });
});
