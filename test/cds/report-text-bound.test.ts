import type { FhirResource, ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { MEETS_POLICY, SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { ChartBuilder, REFERENCE_DATE, monthsBefore } from '../helpers/chart';
import { decisionCardAbout, expectValidCdsResponse } from '../helpers/cds-response';
import { testRuntime } from '../helpers/runtime';
import { firstBlockOrder, lumbarCandidate } from '../cds-services/facet-joint-interventions/paths/base-charts';
import { mbbOrder, medicareCandidate } from '../cds-services/lcd-l38841-facet-joint-interventions/paths/base-charts';

/**
 * An imaging report's words are read up to the service's declared per-field bound (limits.maxTextCharsPerField,
 * 10,000 characters for the facet service), whichever policy decides: a report's plain-text presentedForm is
 * one text field like a note. A finding past the bound is not read, and the card says which text was not.
 * Counted in characters, never timed.
 */
const BOUND = 10_000;
/** Words that name no other cause, repeated past the bound. */
const FILLER = 'Degenerative facet arthropathy at L4-L5 without canal stenosis. '.repeat(Math.ceil((BOUND + 500) / 64));
const FRACTURE = 'Acute burst fracture of the L1 vertebral body with 30% height loss. ';

/** A lumbar CT report whose words are in a plain-text presentedForm (base64), as radiology systems send it. */
function report(c: ChartBuilder, text: string): string {
  return c.add({
    resourceType: 'DiagnosticReport',
    id: 'report-long',
    status: 'final',
    code: { text: 'CT lumbar spine' },
    subject: { reference: c.patientRef },
    effectiveDateTime: monthsBefore(1),
    presentedForm: [{ contentType: 'text/plain', data: Buffer.from(text, 'utf8').toString('base64') }],
  } as FhirResource);
}

const cases: Array<[policy: string, candidate: (c: ChartBuilder) => void, order: () => ServiceRequest, cardOpens: RegExp]> = [
  ['CP.MP.171 (a commercial member)', (c) => lumbarCandidate(c, ['imaging']), () => firstBlockOrder(), /under CP\.MP\.171 /],
  ['LCD L38841 (a Medicare member: a policy folder the service applies)', (c) => medicareCandidate(c, ['imaging']), () => mbbOrder(), /under LCD L38841 /],
];

describe('imaging report text is read up to the declared per-field bound, whichever policy decides', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime({ clock: () => new Date(`${REFERENCE_DATE}T15:00:00Z`) });
  });
  afterAll(() => runtime.close());

  async function decide(candidate: (c: ChartBuilder) => void, order: () => ServiceRequest, text: string) {
    const c = new ChartBuilder();
    candidate(c);
    report(c, text);
    const signed = order();
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [signed], prefetch: fullPrefetch(c.resources), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    return decisionCardAbout<{ summary: string; detail: string; links?: unknown[] }>(res.body, `ServiceRequest/${signed.id}`)!;
  }

  it.each(cases)('%s: a fracture within the bound is another cause', async (_policy, candidate, order, cardOpens) => {
    const card = await decide(candidate, order, `${FRACTURE}${FILLER}`);
    expect(card.detail).toMatch(cardOpens);
    expect(card.summary).toMatch(/^Not covered: (imaging shows another cause|another cause of the pain)$/);
    expect(card.detail).toMatch(/burst fracture/);
    // The rest of the report (past the bound) was not read, and the card says so.
    expect(card.detail).toContain(`the rest of DiagnosticReport/report-long presentedForm text (${(FRACTURE.length + FILLER.length).toLocaleString('en-US')} characters) was not`);
  });

  it.each(cases)('%s: a fracture past the bound is not read, and the card says what was not', async (_policy, candidate, order, cardOpens) => {
    expect(FILLER.length).toBeGreaterThan(BOUND);
    const card = await decide(candidate, order, `${FILLER}${FRACTURE}`);
    expect(card.detail).toMatch(cardOpens);
    expect(card.summary).toMatch(/^Meets policy/);
    expect(card.detail).not.toMatch(/burst fracture/);
    expect(card.detail).toContain(
      `Text not read: only the first 10,000 characters of a text field are read; the rest of DiagnosticReport/report-long presentedForm text (${(FILLER.length + FRACTURE.length).toLocaleString('en-US')} characters) was not.`,
    );
  });
});
