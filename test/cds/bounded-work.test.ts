import request from 'supertest';
import type { FhirResource } from 'fhir/r4';
import { ValueSetMatcher } from '../../src/declarations/value-sets';
import type { Runtime } from '../../src/runtime';
import { CPT, PATIENT_REF, SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * Bounded work per request (issue 12): text is read up to the declared bound per field (the card says
 * what was not read), so a huge field costs no more than a field at the bound. Work is measured by what
 * reaches the matchers (counted characters), never by time.
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
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [order], prefetch: fullPrefetch(lumbarBlockChart()) }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    // "ultrasound" lies past the bound: not read, so the order is not taken for an ultrasound-guided one.
    expect(res.body.cards[0].summary).toMatch(/^Meets policy/);
    expect(detail(res)).toContain(`Text not read: only the first 10,000 characters of a text field are read; the rest of ServiceRequest/sr-1 notes (${note.length.toLocaleString('en-US')} characters) was not.`);
    expect(matched.length).toBeGreaterThan(0);
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
      .send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch([...lumbarBlockChart(), procedure]) }));
    expect(res.status).toBe(200);
    expect(res.body.cards[0].summary).toMatch(/^Meets policy/);
    expect(detail(res)).toContain(`the rest of Procedure/proc-long text (${text.length.toLocaleString('en-US')} characters) was not`);
    expect(Math.max(...matched)).toBeLessThan(3 * MAX_CHARS);
  });

  it('says nothing of the kind when every field is within the bound', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()) }));
    expect(detail(res)).not.toContain('Text not read');
  });
});
