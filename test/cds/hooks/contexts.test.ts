import fs from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import request from 'supertest';
import type { Runtime } from '../../../src/runtime';
import { guardOutboundCalls } from '../../fhir/outbound-calls';
import { HOOK_PATHS, PATIENT_ID, facetOrder, fullPrefetch, hookRequest } from '../../helpers/builders';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../../fixtures/facet-chart';

/**
 * Each hook's context as its CDS Hooks definition gives it (hook library; CRD's context models): a
 * malformed member is a 400 naming it; unknown members are ignored (CRD hook-23); the official example
 * requests of every hook are answered.
 */
type Body = Record<string, any>;
const EXAMPLES = path.join(__dirname, '..', '..', 'fixtures', 'examples');
const example = (file: string): Body => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));

const select = (): Body => ({ ...hookRequest({ orders: [lumbarBlockOrder('sr-1')] }), hook: 'order-select', context: { ...hookRequest({ orders: [lumbarBlockOrder('sr-1')] }).context as Body, selections: ['ServiceRequest/sr-1'] } });
const dispatch = (): Body => ({ hook: 'order-dispatch', hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f', context: { patientId: PATIENT_ID, dispatchedOrders: ['ServiceRequest/sr-1'], performer: 'Organization/pain-clinic' } });
const book = (): Body => ({
  hook: 'appointment-book',
  hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
  context: { userId: 'Practitioner/dr-1', patientId: PATIENT_ID, appointments: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Appointment', id: 'appt-1', status: 'proposed', basedOn: [{ reference: 'ServiceRequest/sr-1' }] } }] } },
});

const task = (focus: string) => ({ resourceType: 'Task', status: 'draft', intent: 'order', focus: { reference: focus } });

const cases: Array<[hook: keyof typeof HOOK_PATHS, what: string, body: () => Body, expression: string, message: RegExp]> = [
  ['order-select', 'selections missing', () => ({ ...select(), context: { ...select().context, selections: undefined } }), 'context.selections', /context\.selections is required/],
  ['order-select', 'selections not an array', () => ({ ...select(), context: { ...select().context, selections: 'ServiceRequest/sr-1' } }), 'context.selections', /must be an array of references/],
  ['order-select', 'selections empty', () => ({ ...select(), context: { ...select().context, selections: [] } }), 'context.selections', /must name at least one resource/],
  ['order-select', 'a selection not a Type/id reference', () => ({ ...select(), context: { ...select().context, selections: ['sr-1'] } }), 'context.selections[0]', /must be a local reference such as "ServiceRequest\/123", got "sr-1"/],
  ['order-select', 'a selection that is not among the draft orders', () => ({ ...select(), context: { ...select().context, selections: ['ServiceRequest/sr-9'] } }), 'context.selections[0]', /"ServiceRequest\/sr-9" is not an order in context\.draftOrders/],
  ['order-select', 'draftOrders missing', () => ({ ...select(), context: { ...select().context, draftOrders: undefined } }), 'context.draftOrders', /context\.draftOrders is required/],
  ['order-select', 'userId missing', () => ({ ...select(), context: { ...select().context, userId: undefined } }), 'context.userId', /context\.userId is required/],
  ['order-dispatch', 'no dispatchedOrders nor order', () => ({ ...dispatch(), context: { patientId: PATIENT_ID, performer: 'Organization/x' } }), 'context.dispatchedOrders', /context\.dispatchedOrders is required \(or, in order-dispatch 1\.0, context\.order\)/],
  ['order-dispatch', 'dispatchedOrders not an array', () => ({ ...dispatch(), context: { ...dispatch().context, dispatchedOrders: 'ServiceRequest/sr-1' } }), 'context.dispatchedOrders', /must be an array/],
  ['order-dispatch', 'a dispatched order not a reference', () => ({ ...dispatch(), context: { ...dispatch().context, dispatchedOrders: ['http://x/ServiceRequest/1'] } }), 'context.dispatchedOrders[0]', /must be a local reference/],
  ['order-dispatch', 'order (1.0) not a reference', () => ({ ...dispatch(), context: { patientId: PATIENT_ID, order: 7 } }), 'context.order', /context\.order must be a non-empty string/],
  ['order-dispatch', 'patientId missing', () => ({ ...dispatch(), context: { ...dispatch().context, patientId: undefined } }), 'context.patientId', /context\.patientId is required/],
  ['order-dispatch', 'performer not a reference', () => ({ ...dispatch(), context: { ...dispatch().context, performer: 'the pain clinic' } }), 'context.performer', /must be a local reference such as "Organization\/123"/],
  ['order-dispatch', 'fulfillmentTasks not an array', () => ({ ...dispatch(), context: { ...dispatch().context, fulfillmentTasks: task('ServiceRequest/sr-1') } }), 'context.fulfillmentTasks', /must be an array of Task resources/],
  ['order-dispatch', 'a fulfillment task that is not a Task', () => ({ ...dispatch(), context: { ...dispatch().context, fulfillmentTasks: [{ resourceType: 'ServiceRequest' }] } }), 'context.fulfillmentTasks[0].resourceType', /must be a Task/],
  ['order-dispatch', 'a fulfillment task for an order not dispatched (the hook\'s SHALL)', () => ({ ...dispatch(), context: { ...dispatch().context, fulfillmentTasks: [task('ServiceRequest/other')] } }), 'context.fulfillmentTasks[0].focus', /must reference one of the dispatched orders \(ServiceRequest\/sr-1\)/],
  ['appointment-book', 'appointments missing', () => ({ ...book(), context: { ...book().context, appointments: undefined } }), 'context.appointments', /context\.appointments is required/],
  ['appointment-book', 'appointments not a Bundle', () => ({ ...book(), context: { ...book().context, appointments: { resourceType: 'Appointment' } } }), 'context.appointments.resourceType', /must be a FHIR Bundle/],
  ['appointment-book', 'an entry without a resource', () => ({ ...book(), context: { ...book().context, appointments: { resourceType: 'Bundle', entry: [{}] } } }), 'context.appointments.entry[0].resource', /is required/],
  ['appointment-book', 'userId not a reference', () => ({ ...book(), context: { ...book().context, userId: 'dr-1' } }), 'context.userId', /must be a reference such as "Practitioner\/123"/],
  ['appointment-book', 'a basedOn reference that is not a reference', () => ({ ...book(), context: { ...book().context, appointments: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Appointment', id: 'a', basedOn: [{ reference: 'ServiceRequest' }], status: 'proposed' } }] } } }), 'context.appointments.entry[0].resource.basedOn[0]', /must reference the order as "ServiceRequest\/123"/],
];

describe('hook contexts', () => {
  let runtime: Runtime;
  const outbound = guardOutboundCalls();
  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: 'https://example/r4' } });
  });
  afterAll(() => runtime.close());

  it.each(cases)('%s: %s → 400 naming the element', async (hook, _what, body, expression, message) => {
    const res = await request(runtime.app).post(HOOK_PATHS[hook]).send(body());
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0]).toMatchObject({ severity: 'error', expression: [expression] });
    expect(res.body.issue[0].diagnostics).toMatch(message);
  });

  it.each(Object.entries(HOOK_PATHS))('the %s service takes only its own hook', async (hook, servicePath) => {
    const other = hook === 'order-sign' ? 'order-select' : 'order-sign';
    const res = await request(runtime.app).post(servicePath).send({ ...hookRequest({ orders: [] }), hook: other });
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toMatchObject({ expression: ['hook'], diagnostics: `hook must be "${hook}" for this service, got "${other}"` });
  });

  describe('the official example requests', () => {
    it('Inferno CRD order-select (NutritionOrder, MedicationRequest): no facet order, {"cards": []}, no FHIR call', async () => {
      const res = await request(runtime.app).post(HOOK_PATHS['order-select']).send(example('crd/inferno-spec-fixture-order_select_hook_request.json'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(outbound.unexpected).toEqual([]);
    });

    it('Inferno CRD appointment-book (no order, a sleep medicine service type; a malformed reason and end): {"cards": []}', async () => {
      const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(example('crd/inferno-spec-fixture-appointment_book_hook_request.json'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(outbound.unexpected).toEqual([]);
    });

    it('Inferno CRD order-dispatch 1.1 (dispatchedOrders, fulfillmentTasks): reads the ServiceRequest by reference with the token, not the MedicationRequest', async () => {
      const server = nock('https://example', { reqheaders: { authorization: 'Bearer SAMPLE_TOKEN' } })
        .get('/r4/ServiceRequest/example')
        .reply(200, { resourceType: 'ServiceRequest', id: 'example', status: 'active', intent: 'order', subject: { reference: 'Patient/example' }, code: { coding: [{ system: 'http://loinc.org', code: '24627-2' }] } });
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(example('crd/inferno-spec-fixture-order_dispatch_hook_v221_request.json'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(server.isDone()).toBe(true);
      expect(outbound.unexpected).toEqual([]);
    });

    it('Inferno CRD order-dispatch 1.0 (order, a task focused on another order): read the order, leave the task aside', async () => {
      const server = nock('https://example').get('/r4/ServiceRequest/example').reply(200, { resourceType: 'ServiceRequest', id: 'example', status: 'active', intent: 'order', subject: { reference: 'Patient/example' }, code: { text: 'CT chest' } });
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(example('crd/inferno-spec-fixture-order_dispatch_hook_request.json'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ cards: [] });
      expect(server.isDone()).toBe(true);
    });

    it('Inferno CRD order-dispatch 1.1 with the ServiceRequest a facet block: decided, coverage information on the order read', async () => {
      const body = example('crd/inferno-spec-fixture-order_dispatch_hook_v221_request.json');
      const order = { ...lumbarBlockOrder('example'), status: 'active', subject: { reference: 'Patient/example' } };
      body.prefetch = { ...fullPrefetch(lumbarBlockChart('example')), serviceRequests: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: order }] } };
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(body);
      expect(res.status).toBe(200);
      expectValidCdsResponse(res.body);
      expect(res.body.systemActions).toHaveLength(1);
      const { extension, ...rest } = res.body.systemActions[0].resource;
      expect(rest).toEqual(order);
      expect(extension[0].extension).toContainEqual({ url: 'covered', valueCode: 'covered' });
      expect(outbound.unexpected).toEqual([]);
    });

    it('the CDS Hooks library\'s order-dispatch example writes its members with hyphens (dispatched-orders): the hook table\'s dispatchedOrders is required', async () => {
      const { context } = example('cds-hooks/hook-order-dispatch_context-example-R4.json');
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send({ hook: 'order-dispatch', hookInstance: 'x', context });
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['context.dispatchedOrders']);
    });
  });

  it('ignores context members a hook does not define (CRD hook-23)', async () => {
    const body = dispatch();
    body.context.userId = 'Practitioner/dr-1';
    body.context['com.example.priority'] = { level: 1 };
    body.prefetch = { ...fullPrefetch(lumbarBlockChart()), serviceRequests: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: lumbarBlockOrder('sr-1') }] } };
    const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(body);
    expect(res.status).toBe(200);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('decides an order-select order the same with or without other draft orders, and a non-facet selection is nothing to decide', async () => {
    const body = select();
    body.context.draftOrders.entry.push({ resource: facetOrder('sr-mri', '72148') });
    body.context.selections = ['ServiceRequest/sr-mri'];
    const res = await request(runtime.app).post(HOOK_PATHS['order-select']).send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
  });
});
