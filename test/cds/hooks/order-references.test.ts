import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Appointment, FhirResource, ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import type { Runtime } from '../../../src/runtime';
import { HOOK_PATHS, PATIENT_ID, PATIENT_REF, fullPrefetch, hookRequest, searchset } from '../../helpers/builders';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../../fixtures/facet-chart';

/**
 * Orders named by reference (order-dispatch's dispatchedOrders, appointment-book's basedOn) are bounded by the
 * service's limits.maxOrderReferences (100): more is a 400 naming the limit before any is looked up, so a
 * request cannot make the service read thousands of orders from the FHIR server or search its lists once per
 * reference. Lookups go through indexes built once: a null among an Appointment's contained resources is
 * skipped, not a 500; messages name the index a reference was sent at. Counted, never timed.
 */
const chart = lumbarBlockChart();
const signed = (order: ServiceRequest): ServiceRequest => ({ ...order, status: 'active' });
/** An order of a code out of the service's scope: named by reference, looked up, not decided. */
const outOfScope = (id: string) => signed(lumbarBlockOrder(id, '20610'));

/** A FHIR server that counts every request it gets and answers each with 404. */
async function countingFhirServer() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(404, { 'content-type': 'application/fhir+json' });
    res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function dispatchRequest(dispatched: string[], options: { prefetch?: Record<string, unknown>; fhirServer?: string; fulfillmentTasks?: unknown[] } = {}) {
  return {
    hook: 'order-dispatch',
    hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
    ...(options.fhirServer ? { fhirServer: options.fhirServer, fhirAuthorization: { access_token: 'tok-d', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' } } : {}),
    context: {
      patientId: PATIENT_ID,
      dispatchedOrders: dispatched,
      performer: 'Organization/pain-clinic',
      ...(options.fulfillmentTasks ? { fulfillmentTasks: options.fulfillmentTasks } : {}),
    },
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
  };
}

function bookRequest(resources: FhirResource[], fhirServer?: string) {
  return {
    hook: 'appointment-book',
    hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
    ...(fhirServer ? { fhirServer, fhirAuthorization: { access_token: 'tok-b', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' } } : {}),
    context: { userId: 'Practitioner/dr-1', patientId: PATIENT_ID, appointments: { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) } },
    prefetch: fullPrefetch(chart),
  };
}

const appointment = (id: string, extra: Partial<Appointment> = {}): Appointment => ({
  resourceType: 'Appointment',
  id,
  status: 'proposed',
  start: '2026-12-03T09:00:00Z',
  participant: [{ actor: { reference: PATIENT_REF }, status: 'accepted' }],
  ...extra,
});
const basedOn = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ reference: `ServiceRequest/sr-${from + i}` }));

const tooMany = (member: string, count: number, what: string, verb: string) => ({
  resourceType: 'OperationOutcome',
  issue: [
    {
      severity: 'error',
      code: 'too-costly',
      diagnostics: `${member} names ${count} orders by reference (${what}); at most 100 are read per request (the service's limits.maxOrderReferences). ${verb} them in batches of 100 or fewer.`,
      expression: [member],
    },
  ],
});

describe('limits.maxOrderReferences: orders named by reference per request', () => {
  let runtime: Runtime;
  let fhir: Awaited<ReturnType<typeof countingFhirServer>>;
  beforeAll(async () => {
    runtime = await testRuntime();
    fhir = await countingFhirServer();
  });
  beforeEach(() => (fhir.requests.length = 0));
  afterAll(async () => {
    await fhir.close();
    await runtime.close();
  });

  it('order-dispatch: 101 dispatched orders → 400 naming the limit, and nothing is read from the FHIR server', async () => {
    const dispatched = Array.from({ length: 101 }, (_, i) => `ServiceRequest/sr-${i}`);
    const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(dispatchRequest(dispatched, { fhirServer: fhir.baseUrl }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooMany('context.dispatchedOrders', 101, 'dispatched orders', 'Dispatch'));
    expect(fhir.requests).toEqual([]);
  });

  it('order-dispatch: 100 dispatched orders, the limit itself, are looked up', async () => {
    const dispatched = Array.from({ length: 100 }, (_, i) => outOfScope(`sr-${i}`));
    const res = await request(runtime.app)
      .post(HOOK_PATHS['order-dispatch'])
      .send(dispatchRequest(dispatched.map((o) => `ServiceRequest/${o.id}`), { prefetch: { ...fullPrefetch(chart), serviceRequests: searchset(dispatched) } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('order-dispatch: a reference sent many times counts once', async () => {
    const order = signed(lumbarBlockOrder('sr-1'));
    const res = await request(runtime.app)
      .post(HOOK_PATHS['order-dispatch'])
      .send(dispatchRequest(Array.from({ length: 500 }, () => 'ServiceRequest/sr-1'), { prefetch: { ...fullPrefetch(chart), serviceRequests: searchset([order]) } }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('order-dispatch: a missing order is named at the index it was first sent at, after duplicates', async () => {
    const order = outOfScope('sr-1');
    const res = await request(runtime.app)
      .post(HOOK_PATHS['order-dispatch'])
      .send(dispatchRequest(['ServiceRequest/sr-1', 'ServiceRequest/sr-1', 'ServiceRequest/sr-404'], { prefetch: { ...fullPrefetch(chart), serviceRequests: searchset([order]) } }));
    expect(res.status).toBe(412);
    expect(res.body.issue[0].expression).toEqual(['context.dispatchedOrders[2]']);
  });

  it('order-select: a selection that is not a draft order is named at the index it was sent at, after duplicates', async () => {
    const drafts = [lumbarBlockOrder('sr-0')];
    const base = hookRequest({ orders: drafts, prefetch: fullPrefetch(chart) }) as Record<string, any>;
    const res = await request(runtime.app)
      .post(HOOK_PATHS['order-select'])
      .send({ ...base, hook: 'order-select', context: { ...base.context, selections: ['ServiceRequest/sr-0', 'ServiceRequest/sr-0', 'ServiceRequest/nope'] } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0]).toMatchObject({ diagnostics: 'context.selections[2] "ServiceRequest/nope" is not an order in context.draftOrders', expression: ['context.selections[2]'] });
  });

  it('order-dispatch: a fulfillment Task for another order names the first dispatched orders, not all of them', async () => {
    const dispatched = Array.from({ length: 8 }, (_, i) => `ServiceRequest/sr-${i}`);
    const task = { resourceType: 'Task', id: 't-1', status: 'requested', intent: 'order', focus: { reference: 'ServiceRequest/other' } };
    const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(dispatchRequest(dispatched, { fulfillmentTasks: [task] }));
    expect(res.status).toBe(400);
    expect(res.body.issue[0].diagnostics).toBe(
      'context.fulfillmentTasks[0].focus must reference one of the dispatched orders (ServiceRequest/sr-0, ServiceRequest/sr-1, ServiceRequest/sr-2, ServiceRequest/sr-3, ServiceRequest/sr-4 and 3 more)',
    );
  });

  it('appointment-book: an Appointment based on 101 orders → 400 naming the limit, nothing read', async () => {
    const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(bookRequest([appointment('appt-1', { basedOn: basedOn(0, 101) })], fhir.baseUrl));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooMany('context.appointments', 101, 'the basedOn of its Appointments', 'Book'));
    expect(fhir.requests).toEqual([]);
  });

  it('appointment-book: the references of all the Appointments count together, each distinct one once', async () => {
    const over = await request(runtime.app)
      .post(HOOK_PATHS['appointment-book'])
      .send(bookRequest([appointment('appt-1', { basedOn: basedOn(0, 60) }), appointment('appt-2', { basedOn: basedOn(60, 41) })], fhir.baseUrl));
    expect(over.status).toBe(400);
    expect(over.body.issue[0].diagnostics).toMatch(/^context\.appointments names 101 orders by reference/);
    // Both Appointments booking the same 60 orders: 60 distinct references, under the limit, so looked up
    // (neither in the request nor fetchable without a fhirServer: 412 naming the first).
    const shared = await request(runtime.app)
      .post(HOOK_PATHS['appointment-book'])
      .send(bookRequest([appointment('appt-1', { basedOn: basedOn(0, 60) }), appointment('appt-2', { basedOn: basedOn(0, 60) })]));
    expect(shared.status).toBe(412);
    expect(shared.body.issue[0].code).toBe('incomplete');
  });
});

describe('appointment-book: lookups through indexes built once', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it('an order contained after a null contained entry is found and decided (was a 500)', async () => {
    const order = { ...lumbarBlockOrder('x'), status: 'active' } as ServiceRequest;
    const booked = appointment('appt-1', { contained: [null as never, order], basedOn: [{ reference: '#x' }] });
    const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(bookRequest([booked]));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('a body site BodyStructure contained after a null contained entry is read (was a 500)', async () => {
    const booked = appointment('appt-1', {
      serviceType: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }] }],
      contained: [null as never, { resourceType: 'BodyStructure', id: 'site', patient: { reference: PATIENT_REF }, description: 'L4-L5 facet joint, right' } as FhirResource],
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/bodySite', valueReference: { reference: '#site' } }],
    });
    const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(bookRequest([booked]));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.systemActions).toHaveLength(1);
  });

  it('the same order in the Bundle twice (a duplicated id) is the first one, decided once for both Appointments', async () => {
    const order = { ...lumbarBlockOrder('sr-1'), status: 'active' } as ServiceRequest;
    const copy = { ...order, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '20610' }] } } as ServiceRequest;
    const res = await request(runtime.app)
      .post(HOOK_PATHS['appointment-book'])
      .send(bookRequest([appointment('appt-1', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] }), appointment('appt-2', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] }), order, copy]));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
    expect(res.body.systemActions).toHaveLength(2);
  });
});
