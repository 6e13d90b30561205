import type { Resource } from '@medplum/fhirtypes';
import type { Coverage, QuestionnaireResponse, QuestionnaireResponseItem, QuestionnaireResponseItemAnswer, ServiceRequest } from 'fhir/r4';
import axios from 'axios';
import request from 'supertest';
import { localDate } from '../../src/cds/hook-handler';
import type { QuestionJson, QuestionnaireJson } from '../../src/dtr/declaration';
import type { Runtime } from '../../src/runtime';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { addMonths } from '../../src/kit/dates';
import facetQuestionnaire from '../../cds-services/facet-joint-interventions/questionnaire.json';
import lcdQuestionnaire from '../../cds-services/lcd-l38841-facet-joint-interventions/questionnaire.json';
import { startFhirServer, type FhirTestServer } from '../helpers/fhir-server';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * The "done when", on every scenario patient whose order is conditional for missing documentation
 * (CP.MP.171 and the Medicare LCD): the chart on a FHIR server on localhost, the package's questionnaire
 * asks exactly for the criteria the card lists as not documented; once answered (answers that satisfy the
 * declaration) and saved to the FHIR server as a completed QuestionnaireResponse, the same order signs as covered.
 */
const TODAY = localDate(TEST_NOW);
const DECLARATIONS: Record<string, QuestionnaireJson> = {
  'facet-joint-interventions': facetQuestionnaire as QuestionnaireJson,
  'lcd-l38841-facet-joint-interventions': lcdQuestionnaire as QuestionnaireJson,
};

/** An answer each question accepts (the first accepted choice; numbers and dates at the bound). */
function acceptedAnswer(q: QuestionJson, thresholds: Record<string, unknown>): QuestionnaireResponseItemAnswer {
  const n = (v: number | string | undefined) => (typeof v === 'string' ? (thresholds[v] as number) : v);
  const a = q.accept ?? {};
  switch (q.type) {
    case 'boolean':
      return { valueBoolean: a.equals ?? true };
    case 'integer':
      return { valueInteger: n(a.min) ?? (a.lessThan !== undefined ? n(a.lessThan)! - 1 : (q.minValue ?? 1)) };
    case 'decimal':
      return { valueDecimal: n(a.min) ?? 1 };
    case 'date':
      return { valueDate: a.atLeastMonthsAgo !== undefined ? addMonths(TODAY, -n(a.atLeastMonthsAgo)! - 1) : addMonths(TODAY, -1) };
    case 'choice':
      return { valueCoding: { code: a.codes?.[0] ?? q.options![0]!.code } };
    case 'string':
      return { valueString: 'Documented in the progress note of today' };
  }
}

/** The prefilled response completed: every question of each not-documented criterion answered as it accepts, attested. */
function completed(prefilled: QuestionnaireResponse, declaration: QuestionnaireJson, thresholds: Record<string, unknown>): QuestionnaireResponse {
  const items = prefilled.item!.map((group): QuestionnaireResponseItem => {
    const status = group.item!.find((i) => i.linkId === `${group.linkId}.status`)!.answer![0]!.valueCoding!.code;
    if (status !== 'not-documented') return group;
    const questions = declaration.criteria[group.linkId]!.questions;
    const answers = new Map<string, QuestionnaireResponseItemAnswer>();
    for (const q of questions) {
      const when = q.enableWhen;
      if (when && !(answers.get(when.question)?.valueBoolean === when.answer || answers.get(when.question)?.valueCoding?.code === when.answer)) continue;
      answers.set(q.id, acceptedAnswer(q, thresholds));
    }
    return { ...group, item: [...group.item!, ...[...answers].map(([id, answer]) => ({ linkId: `${group.linkId}.${id}`, answer: [answer] }))] };
  });
  return {
    ...prefilled,
    status: 'completed',
    author: { reference: 'Practitioner/dr-attesting' },
    authored: `${TODAY}T10:00:00Z`,
    item: [...items, { linkId: 'attestation', answer: [{ valueBoolean: true }] }],
  };
}

describe('every scenario conditional for missing documentation becomes covered once its questionnaire is completed', () => {
  let fhir: FhirTestServer;
  let runtime: Runtime;
  beforeAll(async () => {
    fhir = await startFhirServer();
    runtime = await testRuntime();
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
    const answered = completed(prefilled, DECLARATIONS[policy.id]!, policy.thresholds as Record<string, unknown>);
    const saved = await axios.post(`${fhir.baseUrl}/QuestionnaireResponse`, answered, { headers: { 'content-type': 'application/fhir+json' } });
    expect(saved.status).toBe(201);

    const again = await sign(orders, scenario.patientId);
    expect(coveredOf(again, order.id!)).toBe('covered');
    const card = (again.cards as any[]).find((c) => c.detail?.includes(`ServiceRequest/${order.id}`));
    expect(card.detail).toContain(`(QuestionnaireResponse/${saved.data.id})`);
    expect(card.detail).toContain('Attested by Practitioner/dr-attesting');
  });
});
