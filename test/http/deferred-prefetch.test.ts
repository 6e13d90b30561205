import type { FhirResource } from 'fhir/r4';
import request from 'supertest';
import { handleHookCall } from '../../src/cds/hook-handler';
import { JsonOutline, JsonShapeScanner } from '../../src/http/json-limits';
import { isDeferred, parseJsonPieces } from '../../src/http/json-pieces';
import type { Runtime } from '../../src/runtime';
import { HOOK_PATHS, PATIENT_REF, SERVICE_ID, SERVICE_PATH, facetOrder, fullPrefetch, hookRequest, searchset } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * Issue 15: the hook route parses a large prefetch only when the call reads it. Most order-sign calls sign
 * no facet order and never do; the body is still checked whole before the answer, so what was refused
 * before is refused the same way.
 */
const NOT_JSON = { resourceType: 'OperationOutcome', issue: [{ code: 'structure', diagnostics: 'The request body is not valid JSON', expression: ['(request body)'] }] };

/** A prefetch over one 64 kB piece (the size the body reader parses apart), the facet chart in it. */
function largePrefetch(): Record<string, unknown> {
  const chart = lumbarBlockChart();
  const notes: FhirResource[] = Array.from({ length: 60 }, (_, i) => ({
    resourceType: 'Observation',
    id: `note-${i}`,
    status: 'final',
    subject: { reference: PATIENT_REF },
    code: { text: 'Progress note' },
    valueString: 'Seen in clinic. '.repeat(100),
  }));
  const prefetch = fullPrefetch(chart);
  prefetch.observations = searchset([...chart.filter((r) => r.resourceType === 'Observation'), ...notes]);
  return prefetch;
}

/** `text` with its last `]` inside the prefetch doubled: JSON.parse refuses it. */
function brokenInPrefetch(text: string): string {
  const at = text.lastIndexOf('"note-59"');
  expect(at).toBeGreaterThan(text.indexOf('"prefetch"'));
  return `${text.slice(0, at)}"note-59",,${text.slice(at + '"note-59",'.length)}`;
}

describe('the hook route parses the prefetch only when the call reads it', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  const noFacet = () => hookRequest({ orders: [facetOrder('sr-mri', '72148')], prefetch: largePrefetch() });
  const facet = () => hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: largePrefetch() });

  it('answers a call about no facet order with no cards, the large prefetch checked', async () => {
    const text = JSON.stringify(noFacet());
    expect(text.length).toBeGreaterThan(100_000);
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(text);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('refuses a malformed prefetch with 400 although a call about no facet order never reads it', async () => {
    const text = brokenInPrefetch(JSON.stringify(noFacet()));
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(text);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(NOT_JSON);
  });

  it('refuses a malformed prefetch with 400 when a facet order reads it', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(brokenInPrefetch(JSON.stringify(facet())));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(NOT_JSON);
  });

  it('answers a malformed body as such before anything else wrong with the request (as when it was parsed whole first)', async () => {
    const body = { ...noFacet(), hookInstance: 42 };
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(brokenInPrefetch(JSON.stringify(body)));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(NOT_JSON);
    const sound = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(sound.status).toBe(400);
    expect(sound.body.issue[0].expression).toEqual(['hookInstance']);
  });

  it('refuses a prefetch that is not an object, large or not', async () => {
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...noFacet(), prefetch: [largePrefetch()] }));
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['prefetch']);
  });

  it('decides a facet order from a large prefetch exactly as from the same body parsed whole', async () => {
    const text = JSON.stringify(facet());
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send(text);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    const whole = await handleHookCall(service(), JSON.parse(text), { baseUrl: 'http://x' }, hookDeps());
    const withoutIds = (value: unknown) => JSON.stringify(value).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID').replace(/http:\/\/127\.0\.0\.1:\d+|http:\/\/x/g, 'BASE');
    expect(withoutIds(res.body)).toBe(withoutIds(whole));
  });

  it('parses a malformed prefetch once however many orders order-dispatch resolves from it (it is read per reference)', async () => {
    const references = Array.from({ length: 40 }, (_, i) => `ServiceRequest/sr-${i}`);
    const body = { hook: 'order-dispatch', hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f', context: { patientId: 'pat-1', performer: 'Organization/o1', dispatchedOrders: references }, prefetch: largePrefetch() };
    const count = async (text: string) => {
      const parse = jest.spyOn(JSON, 'parse');
      try {
        const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).set('Content-Type', 'application/json').send(text);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject(NOT_JSON);
        return parse.mock.calls.length;
      } finally {
        parse.mockRestore();
      }
    };
    const one = await count(brokenInPrefetch(JSON.stringify({ ...body, context: { ...body.context, dispatchedOrders: references.slice(0, 1) } })));
    const forty = await count(brokenInPrefetch(JSON.stringify(body)));
    // The same pieces parsed (the handful of extra context members aside), not forty times as many.
    expect(forty).toBeLessThan(one + 10);
  });

  describe('in the hook handler', () => {
    /** The body as the hook route's reader gives it: the prefetch left unparsed. */
    function deferredBody(body: Record<string, unknown>): Record<string, unknown> {
      const bytes = Buffer.from(JSON.stringify(body));
      const outline = new JsonOutline(4);
      const scanner = new JsonShapeScanner({ maxDepth: 100, maxMembers: 1_000_000 }, outline);
      expect(scanner.feed(bytes)).toBeUndefined();
      const parsed = parseJsonPieces(bytes, 0, outline, undefined, { members: new Set(['prefetch']), failed: (e) => e as Error }) as Record<string, unknown>;
      expect(isDeferred(parsed, 'prefetch')).toBe(true);
      return parsed;
    }

    it('does not parse the prefetch of a call about no facet order', async () => {
      const body = deferredBody(noFacet());
      await expect(handleHookCall(service(), body, { baseUrl: 'http://x' }, hookDeps())).resolves.toEqual({ cards: [] });
      expect(isDeferred(body, 'prefetch')).toBe(true);
    });

    it('parses it when a facet order is decided', async () => {
      const body = deferredBody(facet());
      const response = await handleHookCall(service(), body, { baseUrl: 'http://x' }, hookDeps());
      expect(isDeferred(body, 'prefetch')).toBe(false);
      expect(response.systemActions).toHaveLength(1);
    });
  });

  function service() {
    return runtime.deps.services.find((s) => s.id === SERVICE_ID)!;
  }

  function hookDeps() {
    const { deps } = runtime;
    return { config: deps.config, fhirClient: deps.fhirClient, logger: deps.logger, metrics: deps.metrics, decisionLog: deps.decisionLog, clock: deps.clock!, newId: deps.newId! };
  }
});
