import type { ServiceRequest } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import { buildResponse, crdConfiguration } from '../../src/cards/build-response';
import { loadServices } from '../../src/declarations/load';
import type { LoadedService } from '../../src/declarations/types';
import type { Decision } from '../../src/decision/types';
import type { MemberCoverage } from '../../src/cds/member-coverage';
import type { Runtime } from '../../src/runtime';
import { MEETS_POLICY, PATIENT_ID, SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { cdsResponseProblems, expectValidCdsResponse } from '../helpers/cds-response';
import { sequentialIds, testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';
import { guardOutboundCalls } from '../fhir/outbound-calls';

/**
 * CDS Hooks 2.0.1 response rules (cds-hooks-notes.md §1.6) on real decisions of each outcome, and the
 * Da Vinci CRD coverage-information system action.
 */
const POLICY_URL = 'https://www.centene.com/content/dam/centene/policies/clinical-policies/CP.MP.171.pdf';
const FHIR = 'https://ehr.example.test/fhir';
const chart = lumbarBlockChart();

/** One request per outcome, each built from the same chart. */
const SCENARIOS: Array<[outcome: string, body: () => Record<string, unknown>, setUp?: () => void]> = [
  ['covered', () => hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart) })],
  ['not-covered', () => hookRequest({ orders: [lumbarBlockOrder('sr-1', '0216T')], prefetch: fullPrefetch(chart) })],
  ['conditional', () => hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart.filter((r) => r.id !== 'proc-pt')) })],
  [
    'indeterminate',
    () => hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart, { omit: ['conditions'] }), fhirServer: FHIR, accessToken: 'tok' }),
    () => void nock('https://ehr.example.test').get(`/fhir/Condition?patient=${PATIENT_ID}`).reply(500),
  ],
];

function actionsOf(body: any): any[] {
  return [...(body.systemActions ?? []), ...body.cards.flatMap((c: any) => (c.suggestions ?? []).flatMap((s: any) => s.actions ?? []))];
}

function coverageInformation(action: any): Record<string, any> {
  const ext = action.resource.extension.find((e: any) => e.url.endsWith('ext-coverage-information')).extension as any[];
  return Object.fromEntries(ext.map((e) => [e.url, e.valueCode ?? e.valueCodeableConcept ?? e.valueReference ?? e.valueString ?? e.valueDate ?? e.valueCoding]));
}

describe('the hook response', () => {
  let runtime: Runtime;
  guardOutboundCalls();
  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR } });
  });
  afterAll(() => runtime.close());

  async function decide(body: Record<string, unknown>, setUp?: () => void, app = runtime.app): Promise<any> {
    setUp?.();
    const res = await request(app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    return res.body;
  }

  describe.each(SCENARIOS)('a %s decision', (outcome, body, setUp) => {
    let response: any;
    let sent: ServiceRequest;
    beforeAll(async () => {
      const request = body();
      sent = (request.context as any).draftOrders.entry[0].resource;
      response = await decide(request, setUp);
    });

    it('is the outcome this scenario is built for', () => {
      expect(coverageInformation(response.systemActions[0]).covered).toBe(outcome);
    });

    it('is a valid CDS Hooks 2.0.1 response: no null or empty members, summary under 140, indicator, source label', () => {
      expect(cdsResponseProblems(response)).toEqual([]);
      // CRD resp-12: covered is said by the coverage information alone (the meets-policy option shows a card).
      if (outcome === 'covered') expect(response.cards).toEqual([]);
      else expect(response.cards.length).toBeGreaterThan(0);
    });

    it('names the health plan, the policy and a card-type topic on every card', () => {
      for (const card of response.cards) {
        expect(card.source.label).toBe('Centene Health Plan');
        expect(card.source.url).toBe(POLICY_URL);
        expect(card.source.topic).toEqual({ system: 'http://terminology.hl7.org/CodeSystem/cdshooks-card-type', code: expect.any(String), display: expect.any(String) });
      }
    });

    it('gives every card and suggestion its own uuid', () => {
      const uuids = response.cards.flatMap((c: any) => [c.uuid, ...(c.suggestions ?? []).map((s: any) => s.uuid)]);
      expect(uuids.every((u: unknown) => typeof u === 'string' && /^[0-9a-f-]{36}$/.test(u as string))).toBe(true);
      expect(new Set(uuids).size).toBe(uuids.length);
    });

    it('sets selectionBehavior on every card with suggestions, and describes every action', () => {
      // Alternatives and the decision card's own suggestions: at most one; companion orders (CRD Additional Orders): any of them.
      for (const card of response.cards) if (card.suggestions) expect(card.selectionBehavior).toBe(/^Companion order/.test(card.summary) ? 'any' : 'at-most-one');
      for (const action of actionsOf(response)) expect(action.description).toEqual(expect.any(String));
    });

    it('records coverage information on the order by an update carrying the whole draft order, unchanged but for the extension', () => {
      expect(response.systemActions).toHaveLength(1);
      const [action] = response.systemActions;
      expect(action.type).toBe('update');
      expect(action.description).toBe(`Record coverage information on ServiceRequest/sr-1 (CPT ${sent.code!.coding![0]!.code}): ${outcome}`);
      const { extension, ...rest } = action.resource;
      expect(rest).toEqual(sent);
      expect(extension).toHaveLength(1);
      const info = coverageInformation(action);
      expect(info.coverage).toEqual({ reference: 'Coverage/cov-1' });
      expect(info.date).toBe('2026-11-26');
      expect(info['coverage-assertion-id']).toEqual(expect.any(String));
    });
  });

  it('offers an alternative the EHR can apply when the order is not covered (0216T → 64493), on a CRD Alternate Request card', async () => {
    const body = await decide(hookRequest({ orders: [lumbarBlockOrder('sr-1', '0216T')], prefetch: fullPrefetch(chart) }));
    const [card, alternatives] = body.cards;
    expect(card.indicator).toBe('warning');
    expect(card.source.topic.code).toBe('off-guideline');
    expect(card.overrideReasons.length).toBeGreaterThan(0);
    expect(card.suggestions).toBeUndefined();
    expect(alternatives.summary).toBe('Alternatives that meet policy for this lumbar facet joint injection (ultrasound-guided)');
    expect(alternatives.source.topic.code).toBe('off-guideline');
    expect(alternatives.extension).toEqual(card.extension);
    expect(alternatives.suggestions[0]).toMatchObject({ isRecommended: true, actions: [{ type: 'update', resource: { id: 'sr-1', code: { coding: [{ code: '64493' }] } } }] });
  });

  it('uses HEALTH_PLAN_NAME as the card source label', async () => {
    const named = await testRuntime({ env: { HEALTH_PLAN_NAME: 'Sunshine Health' } });
    try {
      const body = await decide(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart), extension: MEETS_POLICY }), undefined, named.app);
      expect(body.cards.map((c: any) => c.source.label)).toEqual(['Sunshine Health']);
    } finally {
      await named.close();
    }
  });

  it('returns the whole draft order as sent: a null placeholder of a primitive extension array and an empty string stay', async () => {
    const order = lumbarBlockOrder('sr-1', '64493', {
      instantiatesUri: ['http://example.org/protocol/facet-a', 'http://example.org/protocol/facet-b'],
      _instantiatesUri: [null, { extension: [{ url: 'http://example.org/fhir/StructureDefinition/protocol-version', valueString: '3' }] }],
      patientInstruction: '',
    } as Partial<ServiceRequest>);
    const body = await decide(hookRequest({ orders: [order], prefetch: fullPrefetch(chart) }));
    expectValidCdsResponse(body);
    const { extension, ...rest } = body.systemActions[0].resource;
    expect(rest).toEqual(order);
    expect(rest._instantiatesUri).toEqual([null, { extension: [{ url: 'http://example.org/fhir/StructureDefinition/protocol-version', valueString: '3' }] }]);
    expect(rest.patientInstruction).toBe('');
    expect(extension).toHaveLength(1);
  });

  it('keeps the order\'s other extensions and replaces an earlier coverage information for the same coverage', async () => {
    const earlier = { url: 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information', extension: [{ url: 'coverage', valueReference: { reference: 'Coverage/cov-1' } }, { url: 'covered', valueCode: 'conditional' }] };
    const other = { url: 'http://example.org/fhir/StructureDefinition/order-priority-note', valueString: 'urgent' };
    const order = lumbarBlockOrder('sr-1', '64493', { extension: [other, earlier] });
    const body = await decide(hookRequest({ orders: [order], prefetch: fullPrefetch(chart) }));
    const extensions = body.systemActions[0].resource.extension;
    expect(extensions).toHaveLength(2);
    expect(extensions[0]).toEqual(other);
    expect(coverageInformation(body.systemActions[0]).covered).toBe('covered');
  });

  it('without active coverage: the decision card plus a notice, and no coverage information', async () => {
    const body = await decide(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart.filter((r) => r.resourceType !== 'Coverage')) }));
    expectValidCdsResponse(body);
    expect(body.systemActions).toBeUndefined();
    expect(body.cards.map((c: any) => c.source.topic.code)).toEqual(['guideline', 'insurance']);
    expect(body.cards[1].summary).toBe('No active coverage found: coverage information was not recorded on the orders');
  });

  describe('davinci-crd.configuration', () => {
    const withConfiguration = (configuration: Record<string, unknown>) =>
      hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart.filter((r) => r.resourceType !== 'Coverage')), extension: { 'davinci-crd.configuration': configuration } });

    it('coverage-info: false → no system actions', async () => {
      const body = await decide(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(chart), extension: { 'davinci-crd.configuration': { 'coverage-info': false } } }));
      expect(body.systemActions).toBeUndefined();
      expect(body.cards).toHaveLength(1);
    });

    it('a card type set to false is not returned', async () => {
      const body = await decide(withConfiguration({ insurance: false }));
      expect(body.cards.map((c: any) => c.source.topic.code)).toEqual(['guideline']);
    });

    it('max-cards caps the cards, keeping the decision first', async () => {
      const body = await decide(withConfiguration({ 'max-cards': 1 }));
      expect(body.cards.map((c: any) => c.source.topic.code)).toEqual(['guideline']);
    });

    it('ignores options of the wrong type or not declared', () => {
      const service = loadServices().find((s) => s.id === 'facet-joint-interventions');
      expect(crdConfiguration(service!, { 'davinci-crd.configuration': { 'max-cards': '2', guideline: 'no', 'alt-drug': true } })).toEqual({
        'coverage-info': true,
        guideline: true,
        'meets-policy': false,
        'off-guideline': true,
        insurance: true,
        'max-cards': 10,
      });
    });
  });
});

describe('buildResponse', () => {
  let service: LoadedService;
  beforeAll(() => {
    [service] = loadServices();
  });

  const order: ServiceRequest = lumbarBlockOrder('sr-1');

  function response(decision: Decision, memberCoverage?: MemberCoverage, requested?: Record<string, unknown>) {
    return buildResponse({
      service,
      decision,
      ...(memberCoverage ? { memberCoverage } : {}),
      data: { keys: {}, failures: {} },
      sourceLabel: 'Plan',
      baseUrl: 'https://cds.example.test',
      assertionId: 'a-1',
      today: '2026-11-26',
      newId: sequentialIds(),
      configuration: crdConfiguration(service, requested),
    }).response;
  }

  const unit = (suggestions: Decision['units'][number]['suggestions']): Decision['units'][number] => ({
    unit: { id: 'u1', label: 'Lumbar facet joint injection, 1 level (CPT 64493)', orders: [order], context: {}, readAs: [], summary: {} },
    outcome: 'not-covered',
    results: [{ id: 'image-guidance', section: 'Table 2', title: 'Fluoroscopic or CT guidance', categorical: true, status: 'not-met', summary: 'Ultrasound', evidence: [] }],
    suggestions,
  });

  it('omits the actions of a suggestion that has none, rather than sending an empty array', () => {
    const body = response({ units: [unit([{ label: 'Discuss with the patient', actions: [] }])], coverage: undefined, notices: [] });
    expect(cdsResponseProblems(body)).toEqual([]);
    expect(body.cards[0]!.suggestions![0]).toEqual({ label: 'Discuss with the patient', uuid: expect.any(String) });
  });

  it('omits the detail of a notice that has none, rather than sending an empty string', () => {
    const notice = { id: 'n', summary: 'Medicare member', detail: '', indicator: 'info' as const, topic: { code: 'insurance', display: 'Insurance' } };
    const body = response({ units: [unit([])], coverage: { reference: 'Coverage/c', programs: [], evidence: '' }, notices: [notice] });
    expect(cdsResponseProblems(body)).toEqual([]);
    expect(body.cards[1]).not.toHaveProperty('detail');
  });

  it('returns a suggested update of the client\'s order as built, its JSON untouched; cleans only the resources it creates', () => {
    const updated = { ...lumbarBlockOrder('sr-1'), instantiatesUri: ['http://a.example/p', 'http://b.example/p'], _instantiatesUri: [null, { extension: [{ url: 'http://x.example/v', valueString: '2' }] }], patientInstruction: '' } as ServiceRequest;
    const created = { ...lumbarBlockOrder('new-1', '64490'), reasonCode: [], note: [{ text: '' }] } as ServiceRequest;
    const body = response({
      units: [unit([{ label: 'Change it', actions: [{ type: 'update', description: 'Change sr-1', resource: structuredClone(updated) }, { type: 'create', description: 'Add one', resource: created }] }])],
      coverage: undefined,
      notices: [],
    });
    const [update, create] = body.cards[0]!.suggestions![0]!.actions!;
    expect(update!.resource).toEqual(updated);
    expect(create!.resource).not.toHaveProperty('reasonCode');
    expect(create!.resource).not.toHaveProperty('note');
    expect(cdsResponseProblems(body)).toEqual([]);
  });

  it('answers {"cards": []} for a decision without units', () => {
    expect(response({ units: [], coverage: undefined, notices: [] })).toEqual({ cards: [] });
  });

  it('sorts decision cards with the ones that advise against an order first', () => {
    const covered = { ...unit([]), unit: { ...unit([]).unit, id: 'u2', label: 'Covered unit' }, outcome: 'covered' as const, results: [] };
    const body = response({ units: [covered, unit([])], coverage: undefined, notices: [] }, { kind: 'active', reference: 'Coverage/cov-1' }, { 'davinci-crd.configuration': { 'meets-policy': true } });
    expect(body.cards.slice(0, 2).map((c) => c.indicator)).toEqual(['warning', 'info']);
  });
});
