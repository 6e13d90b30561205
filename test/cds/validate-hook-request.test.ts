import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, facetOrder, hookRequest } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';
import { validateHookRequest } from '../../src/cds/validate-hook-request';
import { BadRequestError } from '../../src/errors';

/**
 * Every way a hook request can be malformed gets 400 and a JSON OperationOutcome whose expression
 * names the offending element (CDS Hooks 2.0.1 "Calling a CDS Service", order-sign context).
 */
type Body = Record<string, any>;

const valid = (): Body => hookRequest({ orders: [facetOrder('sr-1', '64493')] });

function without(path: string): (b: Body) => void {
  return (b) => set(b, path, undefined);
}

function withValue(path: string, value: unknown): (b: Body) => void {
  return (b) => set(b, path, value);
}

function set(body: Body, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Body = body;
  for (const part of parts.slice(0, -1)) target = target[part];
  const last = parts.at(-1)!;
  if (value === undefined) delete target[last];
  else target[last] = value;
}

const auth = { access_token: 'tok', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' };

const cases: Array<[what: string, mutate: (b: Body) => void, expression: string, message: RegExp]> = [
  ['hook missing', without('hook'), 'hook', /^hook is required$/],
  ['hook not a string', withValue('hook', 7), 'hook', /hook must be a non-empty string/],
  ['hook for another hook', withValue('hook', 'patient-view'), 'hook', /hook must be "order-sign" for this service, got "patient-view"/],
  ['hookInstance missing', without('hookInstance'), 'hookInstance', /^hookInstance is required$/],
  ['hookInstance empty', withValue('hookInstance', '  '), 'hookInstance', /hookInstance must be a non-empty string/],
  ['hookInstance too long', withValue('hookInstance', 'x'.repeat(129)), 'hookInstance', /at most 128 characters/],
  ['context missing', without('context'), 'context', /^context is required$/],
  ['context not an object', withValue('context', ['x']), 'context', /context must be a JSON object/],
  ['userId missing', without('context.userId'), 'context.userId', /context\.userId is required/],
  ['userId not a reference', withValue('context.userId', 'dr-1'), 'context.userId', /must be a reference such as "Practitioner\/123"/],
  ['userId with a bad id', withValue('context.userId', 'Practitioner/a b'), 'context.userId', /must be a reference/],
  ['patientId missing', without('context.patientId'), 'context.patientId', /context\.patientId is required/],
  ['patientId a reference, not an id', withValue('context.patientId', 'Patient/pat-1'), 'context.patientId', /context\.patientId must be a FHIR id/],
  ['patientId too long', withValue('context.patientId', 'p'.repeat(65)), 'context.patientId', /must be a FHIR id/],
  ['encounterId malformed', withValue('context.encounterId', 'enc/1'), 'context.encounterId', /context\.encounterId must be a FHIR id/],
  ['draftOrders missing', without('context.draftOrders'), 'context.draftOrders', /context\.draftOrders is required/],
  ['draftOrders an array', withValue('context.draftOrders', []), 'context.draftOrders', /must be a JSON object/],
  ['draftOrders not a Bundle', withValue('context.draftOrders', { resourceType: 'ServiceRequest' }), 'context.draftOrders.resourceType', /must be a FHIR Bundle/],
  ['draftOrders.entry not an array', withValue('context.draftOrders.entry', { resource: {} }), 'context.draftOrders.entry', /entry must be an array/],
  ['an entry without a resource', withValue('context.draftOrders.entry', [{ fullUrl: 'urn:uuid:x' }]), 'context.draftOrders.entry[0].resource', /entry\[0\]\.resource is required/],
  ['an entry resource without resourceType', withValue('context.draftOrders.entry', [{ resource: { id: 'x' } }]), 'context.draftOrders.entry[0].resource.resourceType', /must be a FHIR resource/],
  ['an entry resource id not a string', withValue('context.draftOrders.entry', [{ resource: { resourceType: 'ServiceRequest', id: 12 } }]), 'context.draftOrders.entry[0].resource.id', /must be a string/],
  ['a facet order whose id is not a FHIR id', withValue('context.draftOrders.entry', [{ resource: facetOrder('sr 1', '64493') }]), 'context.draftOrders.entry[0].resource.id', /must be a FHIR id/],
  ['a facet order without an id', withValue('context.draftOrders.entry', [{ resource: { ...facetOrder('x', '64493'), id: undefined } }]), 'context.draftOrders.entry[0].resource.id', /order without an id/],
  ['two facet orders with one id', withValue('context.draftOrders.entry', [{ resource: facetOrder('sr-1', '64493') }, { resource: facetOrder('sr-1', '64494') }]), 'context.draftOrders.entry[1].resource.id', /"sr-1" is also the id of entry\[0\]/],
  ['fhirAuthorization without fhirServer', withValue('fhirAuthorization', auth), 'fhirServer', /fhirServer is required when fhirAuthorization is present/],
  ['fhirAuthorization not an object', withValue('fhirAuthorization', 'Bearer tok'), 'fhirAuthorization', /fhirAuthorization must be a JSON object/],
  ['access_token missing', withValue('fhirAuthorization', { ...auth, access_token: undefined }), 'fhirAuthorization.access_token', /access_token is required/],
  ['token_type not Bearer', withValue('fhirAuthorization', { ...auth, token_type: 'MAC' }), 'fhirAuthorization.token_type', /must be "Bearer"/],
  ['expires_in not a number', withValue('fhirAuthorization', { ...auth, expires_in: '300' }), 'fhirAuthorization.expires_in', /number of seconds/],
  ['scope not a string', withValue('fhirAuthorization', { ...auth, scope: ['user/*.read'] }), 'fhirAuthorization.scope', /scope must be a string/],
  ['fhirServer not a URL', withValue('fhirServer', 'ehr.example.org/fhir'), 'fhirServer', /fhirServer must be an absolute URL/],
  ['fhirServer not http(s)', withValue('fhirServer', 'ftp://ehr.example.org/fhir'), 'fhirServer', /must be an http\(s\) URL/],
  ['fhirServer with credentials', withValue('fhirServer', 'https://user:pw@ehr.example.org/fhir'), 'fhirServer', /must not carry credentials/],
  ['fhirServer with a query (a credential could hide there)', withValue('fhirServer', 'https://ehr.example.org/fhir?apikey=secret'), 'fhirServer', /FHIR base URL, without a query or fragment/],
  ['fhirServer with a fragment', withValue('fhirServer', 'https://ehr.example.org/fhir#x'), 'fhirServer', /without a query or fragment/],
  ['fhirServer with ".." segments', withValue('fhirServer', 'https://ehr.example.org/fhir/../../other'), 'fhirServer', /must not contain "\." or "\.\." path segments/],
  ['a huge hook value, not echoed whole', withValue('hook', 'x'.repeat(100_000)), 'hook', /^hook must be "order-sign" for this service, got "x{60}"… \(100000 characters\)$/],
  ['prefetch not an object', withValue('prefetch', ['Patient']), 'prefetch', /prefetch must be a JSON object/],
  ['a prefetch value that is not a resource', withValue('prefetch', { patient: 'Patient/pat-1' }), 'prefetch.patient', /prefetch\.patient must be a FHIR resource, a Bundle or null/],
  ['a prefetch value without resourceType', withValue('prefetch', { conditions: { entry: [] } }), 'prefetch.conditions', /must be a FHIR resource/],
  ['a prefetch Bundle whose entry is not an array', withValue('prefetch', { conditions: { resourceType: 'Bundle', entry: {} } }), 'prefetch.conditions.entry', /entry must be an array/],
  ['extension not an object', withValue('extension', 'davinci-crd.configuration'), 'extension', /extension must be a JSON object/],
  // CRD: the service declares "davinci-crd.version": ["2.0", "2.2"] in discovery and answers in those formats only.
  ['a CRD version the service does not declare', withValue('extension', { 'davinci-crd.requestedVersion': '2.1' }), 'extension.davinci-crd.requestedVersion', /"2\.1" is not a Da Vinci CRD version this service supports; supported: "2\.0", "2\.2"$/],
  ['a CRD version with a patch number', withValue('extension', { 'davinci-crd.requestedVersion': '2.0.1' }), 'extension.davinci-crd.requestedVersion', /"2\.0\.1" is not a Da Vinci CRD version this service supports; supported: "2\.0", "2\.2"$/],
  ['a CRD version that is not a string', withValue('extension', { 'davinci-crd.requestedVersion': 2.2 }), 'extension.davinci-crd.requestedVersion', /2\.2 is not a Da Vinci CRD version this service supports; supported: "2\.0", "2\.2"$/],
];

describe('POST /cds-services/facet-joint-interventions: bad hook requests', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('passes validation with the request these cases start from', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).send(valid());
    // No prefetch and no FHIR server: a well-formed request that cannot be answered (412), not a 400.
    expect(res.status).toBe(412);
  });

  it.each(cases)('%s → 400 naming the element', async (_what, mutate, expression, message) => {
    const body = valid();
    mutate(body);
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/fhir+json');
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue).toHaveLength(1);
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', expression: [expression] });
    expect(res.body.issue[0].diagnostics).toMatch(message);
  });

  it('answers a body that is a JSON array, not an object, with 400', async () => {
    const res = await request(runtime.app).post(SERVICE_PATH).set('Content-Type', 'application/json').send('[]');
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toMatchObject({ code: 'structure', expression: ['(request body)'], diagnostics: 'The request body must be a JSON object' });
  });

  it('refuses an unsupported CRD version with a not-supported issue, before looking at the orders', async () => {
    const body = valid();
    body.context.draftOrders.entry = [];
    body.extension = { 'davinci-crd.requestedVersion': '3.0' };
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toMatchObject({ code: 'not-supported', expression: ['extension.davinci-crd.requestedVersion'] });
  });

  it.each([
    ['the declared CRD version', { 'davinci-crd.requestedVersion': '2.2', 'davinci-crd.configuration': { 'max-cards': 5 } }],
    ['the older declared CRD version the CRD test kit uses', { 'davinci-crd.requestedVersion': '2.0' }],
    ['no requested CRD version', { 'davinci-crd.configuration': { 'max-cards': 5 } }],
    ['a null requested CRD version (as absent)', { 'davinci-crd.requestedVersion': null }],
  ])('proceeds with %s', async (_what, extension) => {
    const body = valid();
    body.extension = extension;
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    // Valid; no prefetch and no FHIR server, so the answer is 412, not 400.
    expect(res.status).toBe(412);
  });

  // Some clients write an unset optional member as null: that is the member being absent, not a missing required one.
  it.each([
    ['context.encounterId', (b: Body) => (b.context.encounterId = null)],
    ['fhirServer', (b: Body) => (b.fhirServer = null)],
    ['fhirAuthorization', (b: Body) => (b.fhirAuthorization = null)],
    ['fhirServer and fhirAuthorization', (b: Body) => Object.assign(b, { fhirServer: null, fhirAuthorization: null })],
    ['extension', (b: Body) => (b.extension = null)],
    ['prefetch', (b: Body) => (b.prefetch = null)],
  ])('reads %s: null as absent', async (_what, mutate) => {
    const body = valid();
    mutate(body);
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    // Valid; no prefetch and no FHIR server, so the answer is 412 (required data), not 400.
    expect(res.status).toBe(412);
    expect(res.body.issue[0].diagnostics).toMatch(/^Required data was not prefetched and cannot be fetched \(the request has no fhirServer\)/);
  });

  it('reads null optional members of fhirAuthorization as absent', async () => {
    const body = valid();
    body.fhirServer = 'https://ehr.example.org/fhir';
    body.fhirAuthorization = { access_token: 'tok', token_type: 'Bearer', expires_in: null, scope: null, subject: null, patient: null };
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(412); // not on the open-mode allowlist: nothing can be fetched
    expect(res.body.issue[0].diagnostics).toMatch(/not on the allowlist/);
  });

  it('does not refuse a call for the id of an order it does not decide: no facet order, {"cards": []}', async () => {
    const body = valid();
    body.context.draftOrders.entry = [{ resource: facetOrder('lab 1', '80053') }, { resource: { ...facetOrder('x', '72148'), id: 'draft\u2011sr\u20111' } }];
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('accepts every optional member of fhirAuthorization being absent except the required pair', async () => {
    const body = valid();
    body.fhirServer = 'https://ehr.example.org/fhir';
    body.fhirAuthorization = { access_token: 'tok', token_type: 'bearer' };
    const res = await request(runtime.app).post(SERVICE_PATH).send(body);
    // Valid, but https://ehr.example.org is not on the open-mode allowlist, so nothing can be fetched: 412.
    expect(res.status).toBe(412);
  });
});

describe('validateHookRequest: the CRD versions come from the declaration', () => {
  const withVersion = (version: string) => ({ ...valid(), extension: { 'davinci-crd.requestedVersion': version } });

  it('accepts any version the service declares, and names the declared ones when refusing', () => {
    expect(validateHookRequest(withVersion('2.0'), 'order-sign', ['2.0', '2.2']).extension).toEqual({ 'davinci-crd.requestedVersion': '2.0' });
    expect(() => validateHookRequest(withVersion('2.2'), 'order-sign', ['2.1'])).toThrow(
      new BadRequestError('extension.davinci-crd.requestedVersion "2.2" is not a Da Vinci CRD version this service supports; supported: "2.1"'),
    );
  });
});
