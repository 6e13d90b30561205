import type { Resource } from '@medplum/fhirtypes';
import type { Coverage, QuestionnaireResponse, ServiceRequest } from 'fhir/r4';
import { completeResponse } from '../../scripts/lib/documentation';
import axios from 'axios';
import request from 'supertest';
import { localDate } from '../../src/cds/hook-handler';
import type { Runtime } from '../../src/runtime';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { startFhirServer, type FhirTestServer } from '../helpers/fhir-server';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * The "done when", on every scenario patient whose order is conditional for missing documentation
 * (CP.MP.171 and the Medicare LCD): the chart on a FHIR server on localhost, the package's questionnaire
 * asks exactly for the criteria the card lists as not documented; once answered (answers that satisfy the
 * declaration) and saved to the FHIR server as a completed QuestionnaireResponse, the same order signs as covered.
 */
const TODAY = localDate(TEST_NOW);

describe('every scenario conditional for missing documentation becomes covered once its questionnaire is completed', () => {
  let fhir: FhirTestServer;
  let runtime: Runtime;
  beforeAll(async () => {
    fhir = await startFhirServer();
    // The chart comes over HTTP from a server on this machine: a deadline a loaded machine keeps (not a speed check).
    runtime = await testRuntime({ env: { FHIR_TIMEOUT_MS: '15000' } });
  });
  afterAll(async () => {
    await runtime.close();
    await fhir.close();
  });

  const service = () => runtime.deps.services.find((s) => s.id === 'facet-joint-interventions')!;
  const library = () => ScenarioLibrary.forServiceAndPolicies(service())!;
  const conditional = () =>
    library().scenarios.flatMap((scenario) => scenario.expected.filter((e) => e.outcome === 'conditional' && (e.notDocumented?.length ?? 0) > 0).map((e) => ({ scenario, expected: e })));

  it('has such scenarios under both policies', () => {
    expect(conditional().map((c) => c.scenario.id)).toEqual(expect.arrayContaining(['facet-02-conservative-therapy-undocumented', 'facet-17-region-not-charted', 'lcd-11-no-conservative-care']));
  });

  async function sign(orders: ServiceRequest[], patientId: string) {
    const body = {
      hook: 'order-sign',
      hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
      fhirServer: fhir.baseUrl,
      context: { userId: 'Practitioner/dr-1', patientId, draftOrders: { resourceType: 'Bundle', type: 'collection', entry: orders.map((resource) => ({ resource })) } },
      extension: { 'davinci-crd.configuration': { 'meets-policy': true } },
    };
    const res = await request(runtime.app).post('/cds-services/facet-joint-interventions').send(body);
    expect(res.status).toBe(200);
    return res.body;
  }

  const coveredOf = (body: any, orderId: string) =>
    (body.systemActions as any[]).find((a) => a.resource.id === orderId)!.resource.extension.at(-1).extension.find((e: { url: string }) => e.url === 'covered').valueCode;

  it.each(['facet-02-conservative-therapy-undocumented', 'facet-17-region-not-charted', 'lcd-11-no-conservative-care'])('%s', async (id) => {
    const { scenario, expected } = conditional().find((c) => c.scenario.id === id)!;
    await fhir.seed(library().patientResources(scenario, TODAY) as Resource[]);
    const orders = library().orders(scenario, TODAY);
    const order = orders.find((o) => o.id === expected.order)!;
    expect(coveredOf(await sign(orders, scenario.patientId), order.id!)).toBe('conditional');

    const coverage = library().patientResources(scenario, TODAY).find((r) => r.resourceType === 'Coverage') as Coverage;
    const pkg = await request(runtime.app)
      .post('/fhir/Questionnaire/$questionnaire-package')
      .send({ resourceType: 'Parameters', parameter: [{ name: 'coverage', resource: coverage }, { name: 'order', resource: order }, { name: 'fhirServer', valueUrl: fhir.baseUrl }] });
    expect(pkg.status).toBe(200);
    const entries = pkg.body.parameter[0].resource.entry.map((e: { resource: Resource }) => e.resource);
    const prefilled = entries.find((r: Resource) => r.resourceType === 'QuestionnaireResponse') as QuestionnaireResponse;
    // Exactly what is missing is asked.
    const asked = prefilled.item!.filter((g) => g.item!.find((i) => i.linkId === `${g.linkId}.status`)!.answer![0]!.valueCoding!.code === 'not-documented').map((g) => g.linkId);
    expect(asked.sort()).toEqual([...expected.notDocumented!].sort());

    const policy = service().policies.find((p) => prefilled.questionnaire!.includes(`/Questionnaire/${p.id}-`))!;
    const { response: answered } = completeResponse(policy.questionnaire!, prefilled, 'Practitioner/dr-attesting', TODAY);
    const saved = await axios.post(`${fhir.baseUrl}/QuestionnaireResponse`, answered, { headers: { 'content-type': 'application/fhir+json' } });
    expect(saved.status).toBe(201);

    const again = await sign(orders, scenario.patientId);
    expect(coveredOf(again, order.id!)).toBe('covered');
    // The decision card of this order: CRD names the order it is about in the card's associated-resource extension.
    const card = (again.cards as any[]).find((c) => c.detail?.startsWith('**') && JSON.stringify(c.extension ?? []).includes(`ServiceRequest/${order.id}`));
    expect(card.detail).toContain(`(QuestionnaireResponse/${saved.data.id})`);
    expect(card.detail).toContain('Attested by Practitioner/dr-attesting');
  });
});
