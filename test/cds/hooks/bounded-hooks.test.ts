import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Appointment, FhirResource, ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import type { Runtime } from '../../../src/runtime';
import { HOOK_PATHS, PATIENT_ID, PATIENT_REF, fullPrefetch, hookRequest, searchset } from '../../helpers/builders';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime, watchFhirBytesHeld } from '../../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../../fixtures/facet-chart';

/**
 * Bounded work on every hook (issues 12 and 17): the in-scope order limit answers the same 400 whatever hook
 * the orders come through, naming the context member that lists them, and the orders order-dispatch reads by
 * reference from the FHIR server are counted against the call's FHIR byte budget, the same budget as the
 * chart. Counted, never timed.
 */
const MiB = 1024 * 1024;
const chart = lumbarBlockChart();
const unescaped = (markdown: unknown) => String(markdown).replace(/\\_/g, '_');
const signed = (order: ServiceRequest): ServiceRequest => ({ ...order, status: 'active' });
const orders = (n: number) => Array.from({ length: n }, (_, i) => lumbarBlockOrder(`sr-${i}`, i === 0 ? '64493' : '64494'));

function selectRequest(drafts: FhirResource[], selections: string[]) {
  const base = hookRequest({ orders: drafts, prefetch: fullPrefetch(chart) }) as Record<string, any>;
  return { ...base, hook: 'order-select', context: { ...base.context, selections } };
}

function dispatchRequest(dispatched: string[], options: { prefetch?: Record<string, unknown>; fhirServer?: string } = {}) {
  return {
    hook: 'order-dispatch',
    hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
    ...(options.fhirServer ? { fhirServer: options.fhirServer, fhirAuthorization: { access_token: 'tok-d', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' } } : {}),
    context: { patientId: PATIENT_ID, dispatchedOrders: dispatched, performer: 'Organization/pain-clinic' },
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
  };
}

function bookRequest(appointments: Appointment[]) {
  return {
    hook: 'appointment-book',
    hookInstance: 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f',
    context: { userId: 'Practitioner/dr-1', patientId: PATIENT_ID, appointments: { resourceType: 'Bundle', type: 'collection', entry: appointments.map((resource) => ({ resource })) } },
    prefetch: fullPrefetch(chart),
  };
}

/** An Appointment without an order, naming its procedure by CPT code (CRD Appointment without Order). */
const booking = (i: number): Appointment => ({
  resourceType: 'Appointment',
  id: `appt-${i}`,
  status: 'proposed',
  start: '2026-12-03T09:00:00Z',
  participant: [{ actor: { reference: PATIENT_REF }, status: 'accepted' }],
  serviceType: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }] }],
});

describe('the in-scope order limit on every hook', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  const tooMany = (member: string, verb: string) => ({
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'too-costly',
        diagnostics: `${member} has 51 orders in scope of facet-joint-interventions; at most 50 are decided per request (the service's limits.maxInScopeOrders). ${verb} them in batches of 50 or fewer.`,
        expression: [member],
      },
    ],
  });

  it('order-select: more selected in-scope orders than the limit → 400 naming context.selections', async () => {
    const drafts = orders(51);
    const res = await request(runtime.app).post(HOOK_PATHS['order-select']).send(selectRequest(drafts, drafts.map((o) => `ServiceRequest/${o.id}`)));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooMany('context.selections', 'Select'));
  });

  it('order-select: only the selected orders count', async () => {
    const drafts = orders(60);
    const res = await request(runtime.app).post(HOOK_PATHS['order-select']).send(selectRequest(drafts, ['ServiceRequest/sr-0']));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);
  });

  it('order-dispatch: more dispatched in-scope orders than the limit → 400 naming context.dispatchedOrders', async () => {
    const dispatched = orders(51).map(signed);
    const res = await request(runtime.app)
      .post(HOOK_PATHS['order-dispatch'])
      .send(dispatchRequest(dispatched.map((o) => `ServiceRequest/${o.id}`), { prefetch: { ...fullPrefetch(chart), serviceRequests: searchset(dispatched) } }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooMany('context.dispatchedOrders', 'Dispatch'));
  });

  it('appointment-book: more booked in-scope procedures than the limit → 400 naming context.appointments', async () => {
    const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(bookRequest(Array.from({ length: 51 }, (_, i) => booking(i))));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooMany('context.appointments', 'Book'));
  });

  it('appointment-book: the limit itself is decided', async () => {
    const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(bookRequest(Array.from({ length: 50 }, (_, i) => booking(i))));
    expect(res.status).toBe(200);
    expect(res.body.systemActions).toHaveLength(50);
  });
});

/**
 * A FHIR server for order-dispatch: each dispatched ServiceRequest read answers a valid order padded to
 * `orderBytes`; the Condition search answers a valid Bundle of about `conditionBytes`; every other search
 * an empty Bundle; the Patient read the patient.
 */
async function dispatchFhirServer(orderBytes: number, conditionBytes: number) {
  const padded = (id: string) =>
    Buffer.from(JSON.stringify({ ...signed(lumbarBlockOrder(id)), extension: [{ url: 'http://example.org/fhir/StructureDefinition/padding', valueString: 'x'.repeat(orderBytes) }] }));
  const conditions: unknown[] = [];
  for (let i = 0; conditions.length * 1000 < conditionBytes; i++) {
    conditions.push({ resource: { resourceType: 'Condition', id: `c-${i}`, subject: { reference: PATIENT_REF }, code: { text: `note ${'x'.repeat(900)}` } } });
  }
  const conditionBundle = Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: conditions }));
  const empty = Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'searchset', entry: [] }));
  const patient = Buffer.from(JSON.stringify(chart.find((r) => r.resourceType === 'Patient')));
  const reads: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    const order = /\/ServiceRequest\/([A-Za-z0-9-]+)$/.exec(url);
    if (order) reads.push(`ServiceRequest/${order[1]}`);
    const body = order ? padded(order[1]!) : /\/Patient\//.test(url) ? patient : /\/Condition\?/.test(url) ? conditionBundle : empty;
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`,
    reads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('order-dispatch: orders read by reference count against the call\'s FHIR byte budget', () => {
  let runtime: Runtime;
  let held: number[];
  beforeEach(async () => {
    runtime = await testRuntime({ env: { FHIR_TIMEOUT_MS: '20000', FHIR_MAX_RESPONSE_BYTES: String(1 * MiB), FHIR_MAX_BYTES_PER_CALL: String(3 * MiB), FHIR_MAX_BYTES_IN_FLIGHT: String(4 * MiB) } });
    held = watchFhirBytesHeld(runtime);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await runtime.close();
  });

  it('orders whose answers take the call past FHIR_MAX_BYTES_PER_CALL → 412 naming the budget, nothing held afterwards', async () => {
    const fhir = await dispatchFhirServer(900 * 1024, 0);
    try {
      // Two orders of 0.9 MiB: counted at 2.7 MiB each while parsed, 1.8 MiB once parsed; the budget is 3 MiB.
      const res = await request(runtime.app)
        .post(HOOK_PATHS['order-dispatch'])
        .send(dispatchRequest(['ServiceRequest/sr-1', 'ServiceRequest/sr-2'], { fhirServer: fhir.baseUrl }));
      expect(res.status).toBe(412);
      expect(res.body.issue[0].diagnostics).toMatch(/could not be read from the FHIR server \(not read: the FHIR answers for this call reached FHIR_MAX_BYTES_PER_CALL \(3 MiB\)\)/);
      expect(Math.max(...held)).toBeLessThanOrEqual(3 * MiB);
      expect(runtime.deps.fhirClient.bytesInFlight).toBe(0);
    } finally {
      await fhir.close();
    }
  });

  it('an order read by reference and the chart share one budget: what the order took is not there for the chart', async () => {
    // The Condition search (about 0.45 MiB, counted 1.35 MiB while parsed) fits the 3 MiB budget alone ...
    const small = await dispatchFhirServer(1_000, 450 * 1024);
    try {
      const alone = await request(runtime.app)
        .post(HOOK_PATHS['order-dispatch'])
        .send(dispatchRequest(['ServiceRequest/sr-1'], { fhirServer: small.baseUrl }));
      expect(alone.status).toBe(200);
      expectValidCdsResponse(alone.body);
      expect(small.reads).toEqual(['ServiceRequest/sr-1']);
      expect(unescaped(JSON.stringify(alone.body))).not.toContain('FHIR_MAX_BYTES_PER_CALL');
    } finally {
      await small.close();
    }
    // ... but not after a 0.9 MiB order read by reference holds 1.8 MiB of it.
    const large = await dispatchFhirServer(900 * 1024, 450 * 1024);
    try {
      const res = await request(runtime.app)
        .post(HOOK_PATHS['order-dispatch'])
        .send(dispatchRequest(['ServiceRequest/sr-1'], { fhirServer: large.baseUrl }));
      expect(res.status).toBe(200);
      expectValidCdsResponse(res.body);
      expect(res.body.cards[0].summary).toMatch(/^Could not be checked/);
      expect(unescaped(res.body.cards[0].detail)).toMatch(/Not retrieved from the EHR: .*conditions.*\(not read: the FHIR answers for this call reached FHIR_MAX_BYTES_PER_CALL \(3 MiB\)\)/);
      expect(Math.max(...held)).toBeLessThanOrEqual(3 * MiB);
      expect(runtime.deps.fhirClient.bytesInFlight).toBe(0);
    } finally {
      await large.close();
    }
  });
});
