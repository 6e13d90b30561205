import type { FhirResource, ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import type { Runtime } from '../../../src/runtime';
import { MEETS_POLICY, SERVICE_PATH, fullPrefetch, hookRequest } from '../../helpers/builders';
import { ChartBuilder, REFERENCE_DATE, icd, monthsBefore, order } from '../../helpers/chart';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { firstBlockOrder, lumbarCandidate } from './paths/base-charts';

/** What the decision may read: only this patient's record, only the facet orders. */
describe('the record and the orders a decision reads', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime({ clock: () => new Date(`${REFERENCE_DATE}T15:00:00Z`) });
  });
  afterAll(() => runtime.close());

  async function sign(orders: FhirResource[], chart: FhirResource[]) {
    // The meets-policy card on: these cases read the decision off the card.
    const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders, prefetch: fullPrefetch(chart), extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    return res.body as { cards: Array<{ summary: string; detail: string }>; systemActions?: Array<{ resource: ServiceRequest }> };
  }

  it('facet and non-facet orders signed together: only the facet order is decided and annotated', async () => {
    const c = new ChartBuilder();
    lumbarCandidate(c);
    const mri = order('sr-mri', '72148', { date: REFERENCE_DATE });
    const drug: FhirResource = {
      resourceType: 'MedicationRequest',
      id: 'mr-1',
      status: 'draft',
      intent: 'order',
      subject: { reference: c.patientRef },
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197806', display: 'ibuprofen 600 MG Oral Tablet' }] },
    };
    const body = await sign([mri, drug, firstBlockOrder()], c.resources);
    expect(body.cards).toHaveLength(1);
    expect(body.systemActions!.map((a) => a.resource.id)).toEqual(['sr-block']);
    expect(body.cards[0]!.detail).not.toContain('sr-mri');
  });

  it('only non-facet orders: no cards, no system actions', async () => {
    const body = await sign([order('sr-mri', '72148')], []);
    expect(body).toEqual({ cards: [] });
  });

  it('evidence about another patient is ignored, never used for or against this one', async () => {
    const c = new ChartBuilder();
    lumbarCandidate(c);
    const other = new ChartBuilder('someone-else');
    other.condition(icd('M54.16'), { onset: monthsBefore(3) }); // radiculopathy would make the block not covered
    other.nsaidAllergy('ibuprofen');
    const body = await sign([firstBlockOrder()], [...c.resources, ...other.resources]);
    expect(body.cards[0]!.summary).toMatch(/^Meets policy/);
    expect(JSON.stringify(body)).not.toContain('someone-else');
  });

  it('a Patient resource for someone else in prefetch is not this patient', async () => {
    const c = new ChartBuilder();
    lumbarCandidate(c);
    const chart = [...c.resources.filter((r) => r.resourceType !== 'Patient'), { resourceType: 'Patient', id: 'intruder' } as FhirResource];
    const body = await sign([firstBlockOrder()], chart);
    expect(JSON.stringify(body)).not.toContain('intruder');
  });
});
