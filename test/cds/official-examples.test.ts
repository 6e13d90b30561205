import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { guardOutboundCalls } from '../fhir/outbound-calls';
import { CPT, SERVICE_PATH } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { coverageInformationOf, documentedMisfires, failedInvariants, structureProblems, topicSystem, type CrdLine } from '../helpers/crd-coverage-information';
import { testRuntime } from '../helpers/runtime';

/**
 * The official CDS Hooks and Da Vinci CRD examples (test/fixtures/examples, provenance in its README)
 * sent to the service as an EHR would send them. None of them orders a facet procedure, so each gets
 * `{"cards": []}` at once, with no call to its fhirServer; with their orders recoded to facet CPT codes
 * they get a decision.
 */
const EXAMPLES = path.join(__dirname, '..', 'fixtures', 'examples');

function example(file: string): any {
  return JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
}

/** Context-only examples become full requests with the members the spec requires around them. */
function wrapContext(file: string): any {
  const { context } = example(file);
  return {
    hook: 'order-sign',
    hookInstance: 'd1577c69-dfbe-77a1-ba6d-3e05e953b2ea',
    context: { userId: 'Practitioner/example', patientId: '1288992', ...context },
  };
}

const ORDER_SIGN_REQUESTS: Array<[name: string, body: () => any]> = [
  ['Da Vinci CRD 2.2.1 order-sign (two ServiceRequests, CPT 7706x billing options and HCPCS E0431)', () => example('cds-hooks/davinci-crd_CRDServiceRequest.json')],
  ['CDS Hooks 3.0.0-ballot order-sign with paginated prefetch (id with U+2011 hyphens)', () => example('cds-hooks/spec-3.0.0-ballot_request-order-sign-with-paginated-prefetch.json')],
  ['Inferno CRD preset: ServiceRequest HCPCS G0180', () => example('crd/inferno-preset-ri_crd_server-order-sign-ServiceRequest-G0180.json')],
  ['Inferno CRD preset: DeviceRequest E0250', () => example('crd/inferno-preset-ri_crd_server-order-sign-DeviceRequest-E0250.json')],
  ['Inferno CRD spec fixture: NutritionOrder + MedicationRequest', () => example('crd/inferno-spec-fixture-order_sign_hook_request.json')],
  ['order-sign hook definition R4 context', () => wrapContext('cds-hooks/hook-order-sign_context-example-R4.json')],
  ['CDS Hooks 2.0.1 draftOrders context (Bundle without type)', () => wrapContext('cds-hooks/spec-2.0.1_context-order-sign-style-draftOrders.json')],
  ['CDS Hooks 3.0.0-ballot context with two MedicationRequests (ids over 64 characters)', () => wrapContext('cds-hooks/spec-3.0.0-ballot_context-order-sign-two-medicationrequests.json')],
];

describe('official order-sign examples', () => {
  let runtime: Runtime;
  const { unexpected: unmatched } = guardOutboundCalls();

  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: 'http://example.org/some-payer/fhir/crd' } });
  });
  afterAll(() => runtime.close());

  it.each(ORDER_SIGN_REQUESTS)('%s: no facet order, so {"cards": []} and no FHIR call', async (_name, body) => {
    const servers = ['http://example.org', 'https://ehr.example.org', 'https://inferno.healthit.gov', 'https://example'].map((origin) =>
      nock(origin).get(/.*/).reply(500),
    );
    const res = await request(runtime.app).post(SERVICE_PATH).send(body());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
    expectValidCdsResponse(res.body);
    for (const server of servers) expect(server.isDone()).toBe(false);
    expect(unmatched).toEqual([]);
  });

  /** The CRD example with its ServiceRequests recoded: the mammography order becomes a lumbar facet block. */
  function crdExampleWithFacetOrder(): any {
    const body = example('cds-hooks/davinci-crd_CRDServiceRequest.json');
    const order = body.context.draftOrders.entry[0].resource;
    order.code = { coding: [{ system: CPT, code: '64493', display: 'Facet joint injection, lumbar, single level' }] };
    order.bodySite = [{ text: 'L4-L5' }];
    return body;
  }

  it('the CRD example recoded to a facet order, fhirServer not allowlisted: 412 naming the keys it lacks, no call', async () => {
    const body = crdExampleWithFacetOrder();
    body.fhirServer = 'https://ehr.not-listed.example/fhir';
    const server = nock('https://ehr.not-listed.example').get(/.*/).reply(500);
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(412);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', code: 'incomplete' });
    expect(res.body.issue[0].diagnostics).toMatch(/not on the allowlist/);
    // The example prefetches patient and coverage (plus keys this service does not declare).
    expect(res.body.issue[0].expression).toEqual(
      expect.arrayContaining(['prefetch.conditions', 'prefetch.procedures', 'prefetch.observations', 'prefetch.medicationRequests', 'prefetch.medicationStatements']),
    );
    expect(res.body.issue[0].expression).not.toContain('prefetch.patient');
    expect(res.body.issue[0].expression).not.toContain('prefetch.coverage');
    expect(server.isDone()).toBe(false);
  });

  /** The example's FHIR server, answering every search the example does not prefetch with an empty Bundle. */
  function exampleFhirServer() {
    const empty = { resourceType: 'Bundle', type: 'searchset', total: 0 };
    return ['Condition', 'Procedure', 'Observation', 'MedicationRequest', 'MedicationStatement', 'MedicationDispense', 'AllergyIntolerance', 'Device', 'DiagnosticReport', 'ServiceRequest', 'QuestionnaireResponse'].map(
      (type) =>
        nock('http://example.org', { reqheaders: { authorization: 'Bearer some-opaque-fhir-access-token' } })
          .get(`/some-payer/fhir/crd/${type}`)
          .query((q) => q.patient === '123')
          .reply(200, empty),
    );
  }

  function billingCodes(action: any): string[] {
    const info = action.resource.extension.find((e: any) => e.url.endsWith('ext-coverage-information'));
    return info.extension.filter((e: any) => e.url === 'billingCode').map((e: any) => `${e.valueCoding.system}|${e.valueCoding.code}`);
  }

  it('the CRD example with a facet code among its billing options: billingCode lists only the facet code decided, not the other options', async () => {
    // The mammography order's first billing option (77061) becomes a lumbar facet block; 77062, 77065
    // and 77066 stay as alternatives the policy never decides.
    const body = example('cds-hooks/davinci-crd_CRDServiceRequest.json');
    const order = body.context.draftOrders.entry[0].resource;
    order.code.extension[0].valueCodeableConcept.coding[0].code = '64493';
    order.bodySite = [{ text: 'L4-L5' }];
    const fetched = exampleFhirServer();
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    for (const scope of fetched) expect(scope.isDone()).toBe(true);
    expect(res.body.systemActions).toHaveLength(1);
    const [action] = res.body.systemActions;
    expect(billingCodes(action)).toEqual([`${CPT}|64493`]);
    expect(action.description).toMatch(/^Record coverage information on ServiceRequest\/1357 \(CPT 64493\): /);
    // The order itself still carries every billing option, as sent.
    expect(action.resource.code).toEqual(order.code);
    expect(res.body.cards[0].detail).toContain('**Order:** Lumbar facet joint injection, 1 level (CPT 64493)');
    expect(res.body.cards[0].extension['davinci-crd.associated-resource']).toEqual([{ reference: 'ServiceRequest/1357' }]);
  });

  it('the CRD example recoded to a facet order, fhirServer allowlisted: fetches what it lacks with the Bearer token and answers a valid decision', async () => {
    const body = crdExampleWithFacetOrder();
    const fetched = exampleFhirServer();
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    for (const scope of fetched) expect(scope.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
    // The prefetched Coverage COV1 (active, beneficiary Patient/123) is what the coverage information references.
    const action = res.body.systemActions[0];
    expect(action.resource.id).toBe('1357');
    const info = action.resource.extension.find((e: any) => e.url.endsWith('ext-coverage-information'));
    expect(info.extension).toEqual(expect.arrayContaining([{ url: 'coverage', valueReference: { reference: 'Coverage/COV1' } }]));
    // The HCPCS oxygen order is not a facet order: no coverage information for it.
    expect(res.body.systemActions.map((a: any) => a.resource.id)).toEqual(['1357']);
    // The example asks for at most 5 cards.
    expect(res.body.cards.length).toBeGreaterThan(0);
    expect(res.body.cards.length).toBeLessThanOrEqual(5);
  });

  it.each<[string, CrdLine | undefined, CrdLine]>([
    ['2.0', '2.0', '2.0'],
    ['2.2', '2.2', '2.2'],
    ['none (the newest)', undefined, '2.2'],
  ])('the CRD example recoded to a facet order, CRD version asked: %s → conformant coverage information and card topics in that version', async (_label, asked, answered) => {
    const body = crdExampleWithFacetOrder();
    if (asked) body.extension = { ...body.extension, 'davinci-crd.requestedVersion': asked };
    else delete body.extension?.['davinci-crd.requestedVersion'];
    exampleFhirServer();
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    const info = coverageInformationOf(res.body);
    expect(info.map((i) => i.on)).toEqual(['ServiceRequest/1357']);
    for (const { extension } of info) {
      expect(structureProblems(extension, answered)).toEqual([]);
      expect(failedInvariants(extension, answered)).toEqual(documentedMisfires(extension, answered));
    }
    for (const card of res.body.cards) expect(card.source.topic.system).toBe(topicSystem(answered));
  });
});

describe('official discovery examples', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  const MEMBERS = ['hook', 'title', 'description', 'id', 'prefetch', 'usageRequirements', 'extension'];

  it('answers with the members the CDS Hooks 2.0.1 and CRD discovery examples use, and no others', async () => {
    const res = await request(runtime.app).get('/cds-services');
    expect(res.status).toBe(200);
    const ours = res.body.services.find((s: { id: string }) => s.id === 'facet-joint-interventions');
    const official = [
      ...example('cds-hooks/spec-2.0.1_discovery-response.json').services,
      ...example('crd/ig-2.2.1-CRDServices-discovery-with-prefetch-and-config-options.json').services,
      ...example('crd/inferno-client-sim-cds-services-discovery.json').services,
    ];
    const officialMembers = new Set(official.flatMap((s: object) => Object.keys(s)));
    for (const member of Object.keys(ours)) expect(officialMembers).toContain(member);
    for (const member of ['hook', 'id', 'description']) expect(typeof ours[member]).toBe('string');
    expect(Object.keys(ours).every((m) => MEMBERS.includes(m))).toBe(true);
  });

  it('declares CRD configuration options shaped like the CRD 2.2.1 discovery example', async () => {
    const res = await request(runtime.app).get('/cds-services');
    const options = res.body.services.find((s: { id: string }) => s.id === 'facet-joint-interventions').extension['davinci-crd.configuration-options'];
    const crdExample = example('crd/ig-2.2.1-CRDServices-discovery-with-prefetch-and-config-options.json').services.find(
      (s: any) => s.extension?.['davinci-crd.configuration-options'],
    );
    const exampleKeys = new Set(crdExample.extension['davinci-crd.configuration-options'].flatMap((o: object) => Object.keys(o)));
    for (const option of options) {
      for (const key of Object.keys(option)) expect(exampleKeys).toContain(key);
      expect(['boolean', 'integer']).toContain(option.type);
      expect(typeof option.default).toBe(option.type === 'boolean' ? 'boolean' : 'number');
    }
  });
});
