import request from 'supertest';
import type { FhirResource } from 'fhir/r4';
import { ValueSetMatcher } from '../../src/declarations/value-sets';
import type { Runtime } from '../../src/runtime';
import { CPT, MEETS_POLICY, PATIENT_REF, SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * Bounded work per request (issue 12): text is read up to the declared bound per field (the card says
 * what was not read), so a huge field costs no more than a field at the bound. Work is measured by what
 * reaches the matchers (counted characters), never by time. The requests ask for the meets-policy card
 * (covered orders get none by default, CRD resp-12), which is where what was not read is said.
 */
const MAX_CHARS = 10_000; // limits.maxTextCharsPerField in the facet service.json

describe('text bounded per field', () => {
  let runtime: Runtime;
  let matched: number[];
  let spy: jest.SpyInstance;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());
  beforeEach(() => {
    matched = [];
    const original = ValueSetMatcher.prototype.matchesText;
    spy = jest.spyOn(ValueSetMatcher.prototype, 'matchesText').mockImplementation(function (this: ValueSetMatcher, text: string | undefined) {
      if (typeof text === 'string') matched.push(text.length);
      return original.call(this, text);
    });
  });
  afterEach(() => spy.mockRestore());

  const detail = (res: request.Response) => String(res.body.cards[0]?.detail ?? '');

  it('reads a 300 KB order note only up to the bound, and says so on the card', async () => {
    const note = `${'facet '.repeat(50_000)}under ultrasound guidance`;
    const order = lumbarBlockOrder('sr-1', '64493', { note: [{ text: 'Diagnostic block; radiofrequency neurotomy is being considered if positive.' }, { text: note }] });
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    // "ultrasound" lies past the bound: not read, so the order is not taken for an ultrasound-guided one.
    expect(res.body.cards[0].summary).toMatch(/^Meets policy/);
    expect(detail(res)).toContain(`Text not read: only the first 10,000 characters of a text field are read; the rest of ServiceRequest/sr-1 notes (${note.length.toLocaleString('en-US')} characters) was not.`);
    expect(matched.length).toBeGreaterThan(0);
    expect(Math.max(...matched)).toBeLessThan(3 * MAX_CHARS);
  });

  it('reads a radiofrequency order\'s words (for its modality) only up to the bound: "pulsed" past it is not read', async () => {
    const note = `${'facet '.repeat(50_000)}pulsed radiofrequency`;
    const order = lumbarBlockOrder('sr-1', '64635', { note: [{ text: note }] });
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(detail(res)).toContain(`the rest of ServiceRequest/sr-1 notes (${note.length.toLocaleString('en-US')} characters) was not`);
    expect(detail(res)).toContain('Procedure: radiofrequency neurotomy, conventional technique');
    expect(Math.max(...matched)).toBeLessThan(3 * MAX_CHARS);
  });

  it('reads an 88 KB Procedure text only up to the bound, and says so on the card', async () => {
    const text = 'facet '.repeat(14_700);
    const procedure: FhirResource = {
      resourceType: 'Procedure',
      id: 'proc-long',
      status: 'completed',
      subject: { reference: PATIENT_REF },
      code: { coding: [{ system: CPT, code: '64999' }], text },
      performedDateTime: '2026-05-01',
    };
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch([...lumbarBlockChart(), procedure]), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expect(res.body.cards[0].summary).toMatch(/^Meets policy/);
    expect(detail(res)).toContain(`the rest of Procedure/proc-long text (${text.length.toLocaleString('en-US')} characters) was not`);
    expect(Math.max(...matched)).toBeLessThan(3 * MAX_CHARS);
  });

  it('says nothing of the kind when every field is within the bound', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
    expect(detail(res)).not.toContain('Text not read');
  });
});

describe('clean codings everywhere', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it.each([
    ['a null', null],
    ['a string', 'CPT 64493'],
    ['a number', 64493],
    ['an array', [{ system: CPT, code: '64493' }]],
  ])('decides an in-scope order whose code.coding holds %s among its codings, and records the clean codes', async (_what, odd) => {
    const order = lumbarBlockOrder('sr-1');
    (order.code as { coding: unknown[] }).coding = [odd, { system: CPT, code: '64493' }, odd];
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.cards[0].summary).toBe('Meets policy, no prior auth needed');
    expect(res.body.cards[0].detail).toContain('**Order:** Lumbar facet joint injection, 1 level (CPT 64493)');
    await runtime.deps.decisionLog.flush();
    const assertionId = res.body.systemActions[0].resource.extension.at(-1).extension.find((e: { url: string }) => e.url === 'coverage-assertion-id').valueString;
    const record = await runtime.deps.store.getDecision(assertionId);
    expect(record!.orders.map((o) => o.codes)).toEqual([['64493']]);
  });
});

describe('clean codings in the alternatives a policy suggests', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('an ultrasound-guided order with null and non-object entries among its codings, details and notes still gets its fluoroscopic alternative', async () => {
    const order = lumbarBlockOrder('sr-1', '0216T');
    (order.code as { coding: unknown[] }).coding = [null, 'CPT 0216T', { system: CPT, code: '0216T' }, 42];
    (order as { orderDetail?: unknown[] }).orderDetail = [null, { coding: [null] }];
    (order as { note?: unknown[] }).note = [null, { text: 'Ultrasound-guided' }];
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order], prefetch: fullPrefetch(lumbarBlockChart()) }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    const labels = res.body.cards.flatMap((c: { suggestions?: Array<{ label: string }> }) => (c.suggestions ?? []).map((s) => s.label));
    // (Labelled with what it leaves, where the record also lacks documentation: src/kit/suggestions.ts partOfTheFix.)
    expect(labels).toContainEqual(expect.stringMatching(/^Order the same injection under fluoroscopic or CT guidance \(CPT 64493\)/));
  });
});

describe('bounded orders', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  /** n orders of one lumbar session (one decision unit: the case where every criterion cites every order). */
  const orders = (n: number) => Array.from({ length: n }, (_, i) => lumbarBlockOrder(`sr-${i}`, i === 0 ? '64493' : '64494'));
  const sign = (n: number, extra: FhirResource[] = []) =>
    request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [...orders(n), ...extra], prefetch: fullPrefetch(lumbarBlockChart()) }));

  it('refuses more in-scope orders than the declared maximum with a 400 naming the limit', async () => {
    const res = await sign(51);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'too-costly',
          diagnostics:
            "context.draftOrders has 51 orders in scope of facet-joint-interventions; at most 50 are decided per request (the service's limits.maxInScopeOrders). Sign them in batches of 50 or fewer.",
          expression: ['context.draftOrders'],
        },
      ],
    });
  });

  /** The stored record's size for n orders: one session (one unit), or n sessions on n days (n units). */
  async function recordBytes(n: number, layout: 'one unit' | 'one unit per order'): Promise<number> {
    const list = orders(n).map((o, i) => (layout === 'one unit' ? o : { ...o, occurrenceDateTime: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`, bodySite: [{ text: ['L1-L2', 'L2-L3', 'L3-L4', 'L4-L5', 'L5-S1'][Math.floor(i / 28) % 5]! }] }));
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: list, prefetch: fullPrefetch(lumbarBlockChart()), hookInstance: `records-${n}-${layout}` }));
    expect(res.status).toBe(200);
    await runtime.deps.decisionLog.flush();
    const records = await runtime.deps.store.listDecisions(new Date(0), new Date('2100-01-01'), { limit: 10_000 });
    const record = records.find((r) => r.hookInstance === `records-${n}-${layout}`)!;
    return Buffer.byteLength(JSON.stringify(record));
  }

  it.each(['one unit', 'one unit per order'] as const)('keeps a record that grows linearly with the orders (%s): criteria once per unit, orders pointing to it', async (layout) => {
    const [ten, forty] = [await recordBytes(10, layout), await recordBytes(40, layout)];
    // Quadratic growth would be ×16 for 4× the orders.
    expect(forty / ten).toBeLessThan(4.5);
  });

  it('decides the maximum, and orders out of scope do not count', async () => {
    const labs = Array.from({ length: 20 }, (_, i) => ({ ...lumbarBlockOrder(`lab-${i}`), code: { coding: [{ system: CPT, code: '80053' }] } }));
    const res = await sign(50, labs);
    expect(res.status).toBe(200);
    expect(res.body.systemActions).toHaveLength(50);
  });
});
