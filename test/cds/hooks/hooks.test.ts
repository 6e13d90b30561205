import type { Appointment, FhirResource, ServiceRequest } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import { BODY_SITE_EXTENSION } from '../../../src/cds/hooks/appointment-book';
import { orderDispatch } from '../../../src/cds/hooks/order-dispatch';
import { readOrders } from '../../../src/audit/record-reading';
import type { HookRequest } from '../../../src/cds/types';
import type { Runtime } from '../../../src/runtime';
import type { DecisionRecord } from '../../../src/store/types';
import { guardOutboundCalls } from '../../fhir/outbound-calls';
import { HOOK_PATHS, MEETS_POLICY, PATIENT_ID, PATIENT_REF, facetOrder, fullPrefetch, hookRequest, searchset } from '../../helpers/builders';
import { cardsAbout, expectValidCdsResponse } from '../../helpers/cds-response';
import { TEST_NOW, testRuntime } from '../../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../../fixtures/facet-chart';

/**
 * What each hook does with the orders it is about (README "Hooks"): order-select decides only the
 * selected orders and records coverage information only when asked; order-dispatch finds its orders by
 * reference and records on them; appointment-book decides the procedure an Appointment books and records
 * on the Appointment.
 */
const FHIR = 'https://ehr.example.test/fhir';
const HOOK_INSTANCE = 'c8d4e6f2-9a1b-4c3d-8e5f-0a1b2c3d4e5f';
const chart = lumbarBlockChart();
const withoutPhysicalTherapy = () => chart.filter((r) => r.id !== 'proc-pt');

function covered(action: { resource: { extension?: Array<{ url: string; extension?: Array<{ url: string; valueCode?: string }> }> } }): string[] {
  return (action.resource.extension ?? []).filter((e) => e.url === COVERAGE_INFORMATION_URL).map((e) => e.extension!.find((x) => x.url === 'covered')!.valueCode!);
}

function selectRequest(orders: FhirResource[], selections: string[], options: { prefetch?: Record<string, unknown>; extension?: Record<string, unknown> } = {}) {
  const base = hookRequest({ orders, prefetch: options.prefetch ?? fullPrefetch(chart), ...(options.extension ? { extension: options.extension } : {}) }) as Record<string, any>;
  return { ...base, hook: 'order-select', context: { ...base.context, selections } };
}

function dispatchRequest(dispatched: string[], options: { prefetch?: Record<string, unknown>; fulfillmentTasks?: unknown[]; fhirServer?: boolean } = {}) {
  return {
    hook: 'order-dispatch',
    hookInstance: HOOK_INSTANCE,
    ...(options.fhirServer ? { fhirServer: FHIR, fhirAuthorization: { access_token: 'tok-d', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' } } : {}),
    context: { patientId: PATIENT_ID, dispatchedOrders: dispatched, performer: 'Organization/pain-clinic', ...(options.fulfillmentTasks ? { fulfillmentTasks: options.fulfillmentTasks } : {}) },
    prefetch: options.prefetch ?? fullPrefetch(chart),
  };
}

function bookRequest(appointments: FhirResource[], options: { prefetch?: Record<string, unknown>; fhirServer?: boolean; extension?: Record<string, unknown> } = {}) {
  return {
    hook: 'appointment-book',
    hookInstance: HOOK_INSTANCE,
    ...(options.fhirServer ? { fhirServer: FHIR, fhirAuthorization: { access_token: 'tok-a', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'facet-cds' } } : {}),
    context: { userId: 'Practitioner/dr-1', patientId: PATIENT_ID, appointments: { resourceType: 'Bundle', type: 'collection', entry: appointments.map((resource) => ({ resource })) } },
    prefetch: options.prefetch ?? fullPrefetch(chart),
    ...(options.extension ? { extension: options.extension } : {}),
  };
}

const withOrders = (orders: FhirResource[], base: FhirResource[] = chart) => ({ ...fullPrefetch(base), serviceRequests: searchset(orders) });
const signed = (order: ServiceRequest): ServiceRequest => ({ ...order, status: 'active' });
const appointment = (id: string, extra: Partial<Appointment> = {}): Appointment => ({
  resourceType: 'Appointment',
  id,
  status: 'proposed',
  start: '2026-12-03T09:00:00Z',
  end: '2026-12-03T10:00:00Z',
  participant: [{ actor: { reference: PATIENT_REF }, status: 'accepted' }],
  ...extra,
});

describe('hooks', () => {
  let runtime: Runtime;
  const recorded: DecisionRecord[] = [];
  const outbound = guardOutboundCalls();
  beforeAll(async () => {
    runtime = await testRuntime({ env: { FHIR_SERVER_ALLOWLIST: FHIR } });
    const record = runtime.deps.decisionLog.record.bind(runtime.deps.decisionLog);
    jest.spyOn(runtime.deps.decisionLog, 'record').mockImplementation((r) => {
      recorded.push(r);
      return record(r);
    });
  });
  afterAll(() => runtime.close());
  const recordOf = (hookInstance = HOOK_INSTANCE) => recorded.filter((r) => r.hookInstance === hookInstance).at(-1)!;

  async function post(hook: keyof typeof HOOK_PATHS, body: object) {
    const res = await request(runtime.app).post(HOOK_PATHS[hook]).send(body);
    expect({ status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ status: 200, body: undefined });
    expectValidCdsResponse(res.body);
    return res.body;
  }

  describe('order-select', () => {
    it('decides only the selected orders; the others are the session they are read with', async () => {
      const body = await post('order-select', selectRequest([lumbarBlockOrder('sr-1'), lumbarBlockOrder('sr-2', '0216T')], ['ServiceRequest/sr-2']));
      expect(body.cards.length).toBeGreaterThan(0);
      for (const card of body.cards.filter((c: any) => c.extension)) expect(card.extension['davinci-crd.associated-resource']).toEqual([{ reference: 'ServiceRequest/sr-2' }]);
      expect(recordOf().orders.map((o) => [o.orderRef, o.outcome])).toEqual([['ServiceRequest/sr-2', 'not-covered']]);
    });

    // The other draft orders are the session (README "Hooks"): an unselected facet order of the same date is
    // another procedure of the visit (CP.MP.171 I), as it is when both are signed. It made the selected order
    // "Meets policy" alone while order-sign answered not-covered for the same two orders.
    it('reads an unselected facet draft order of the same date as another procedure of the visit (one procedure per visit), as order-sign does', async () => {
      const cervical = facetOrder('sr-2', '64490', { bodySite: [{ text: 'C5-C6' }] });
      const signedBoth = await post('order-sign', hookRequest({ orders: [lumbarBlockOrder('sr-1'), cervical], prefetch: fullPrefetch(chart) }));
      expect(signedBoth.systemActions.map(covered)).toEqual([['not-covered'], ['not-covered']]);

      await post('order-select', selectRequest([lumbarBlockOrder('sr-1'), cervical], ['ServiceRequest/sr-1'], { extension: { 'davinci-crd.configuration': { 'coverage-info': true } } }));
      expect(recordOf().orders.map((o) => [o.orderRef, o.outcome])).toEqual([['ServiceRequest/sr-1', 'not-covered']]);
    });

    it('under the Medicare LCD too: an unselected facet order of another region the same day makes a second region in the session (S1)', async () => {
      const medicare = chart.map((r) => (r.resourceType === 'Coverage' ? ({ ...r, type: { coding: [{ system: 'https://nahdo.org/sopt', code: '121' }] } } as FhirResource) : r));
      const cervical = facetOrder('sr-2', '64490', { bodySite: [{ text: 'C5-C6' }] });
      await post('order-select', selectRequest([lumbarBlockOrder('sr-1'), cervical], ['ServiceRequest/sr-1'], { prefetch: fullPrefetch(medicare), extension: { 'davinci-crd.configuration': { 'coverage-info': true } } }));
      const record = recordOf();
      expect(record.policyDeclaration).toBe('lcd-l38841-facet-joint-interventions');
      const s1 = record.units!.flatMap((u) => u.criteria).find((c) => c.id === 's1-one-region-per-session');
      expect(s1).toMatchObject({ status: 'not-met', evidence: [expect.objectContaining({ reference: 'ServiceRequest/sr-2' })] });
    });

    it('reads an unselected line of the same procedure (64494 with its 64493) as that procedure, not as a second one', async () => {
      const addOn = facetOrder('sr-2', '64494', { bodySite: [{ text: 'L5-S1 facet joint, right' }] });
      await post('order-select', selectRequest([lumbarBlockOrder('sr-1'), addOn], ['ServiceRequest/sr-1'], { extension: { 'davinci-crd.configuration': { 'coverage-info': true } } }));
      expect(recordOf().orders.map((o) => [o.orderRef, o.outcome])).toEqual([['ServiceRequest/sr-1', 'covered']]);
    });

    it('answers with cards only: no coverage information unless the client asks; then none asking for documentation (CRD hook-19)', async () => {
      const plain = await post('order-select', selectRequest([lumbarBlockOrder('sr-1')], ['ServiceRequest/sr-1'], { prefetch: fullPrefetch(withoutPhysicalTherapy()) }));
      expect(plain.systemActions).toBeUndefined();
      expect(plain.cards[0].summary).toMatch(/^Prior auth needed: document /);

      const asked = await post('order-select', selectRequest([lumbarBlockOrder('sr-1')], ['ServiceRequest/sr-1'], { prefetch: fullPrefetch(withoutPhysicalTherapy()), extension: { 'davinci-crd.configuration': { 'coverage-info': true } } }));
      const info = asked.systemActions[0].resource.extension[0].extension;
      expect(info).toContainEqual({ url: 'covered', valueCode: 'conditional' });
      expect(info.map((e: { url: string }) => e.url)).not.toContain('doc-needed');
      expect(info.map((e: { url: string }) => e.url)).not.toContain('doc-purpose');
    });

    it('shows the card for a selected order that meets the policy: no coverage information says so', async () => {
      const body = await post('order-select', selectRequest([lumbarBlockOrder('sr-1')], ['ServiceRequest/sr-1']));
      expect(body.systemActions).toBeUndefined();
      expect(body.cards[0].summary).toBe('Meets policy, no prior auth needed');
    });

    it('offers the alternatives (Alternate Request) as order-sign does: the orders are still drafts', async () => {
      const body = await post('order-select', selectRequest([lumbarBlockOrder('sr-1', '0216T')], ['ServiceRequest/sr-1']));
      expect(body.cards.some((c: any) => c.suggestions?.some((s: any) => /fluoroscopic/.test(s.label)))).toBe(true);
    });
  });

  describe('order-dispatch', () => {
    it('finds the dispatched order in the prefetch (no FHIR call) and records coverage information on it, as read', async () => {
      const order = signed(lumbarBlockOrder('sr-1'));
      const body = await post('order-dispatch', dispatchRequest(['ServiceRequest/sr-1'], { prefetch: withOrders([order]) }));
      expect(body.systemActions).toHaveLength(1);
      const { extension, ...rest } = body.systemActions[0].resource;
      expect(rest).toEqual(order);
      expect(covered(body.systemActions[0])).toEqual(['covered']);
      expect(body.systemActions[0].description).toBe('Record coverage information on ServiceRequest/sr-1 (CPT 64493): covered');
      expect(outbound.unexpected).toEqual([]);
    });

    it('reads an order the prefetch lacks from the FHIR server, with the request\'s token', async () => {
      const server = nock('https://ehr.example.test', { reqheaders: { authorization: 'Bearer tok-d' } }).get('/fhir/ServiceRequest/sr-1').reply(200, signed(lumbarBlockOrder('sr-1', '0216T')));
      const body = await post('order-dispatch', dispatchRequest(['ServiceRequest/sr-1'], { fhirServer: true }));
      expect(server.isDone()).toBe(true);
      expect(covered(body.systemActions[0])).toEqual(['not-covered']);
      // The order is signed: no suggestions acting on it (CRD's alternatives act on proposed orders).
      expect(body.cards.some((c: any) => c.suggestions)).toBe(false);
    });

    it.each([
      ['not on the FHIR server (404)', 404, 400, /"ServiceRequest\/sr-1" was not found in the prefetch or on the FHIR server/],
      ['the FHIR server failing (500)', 500, 412, /could not be read from the FHIR server \(the FHIR server failed \(500\)\)/],
    ])('an order %s → %s naming context.dispatchedOrders[0]', async (_what, status, expected, message) => {
      nock('https://ehr.example.test').get('/fhir/ServiceRequest/sr-1').reply(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(dispatchRequest(['ServiceRequest/sr-1'], { fhirServer: true }));
      expect(res.status).toBe(expected);
      expect(res.body.issue[0]).toMatchObject({ expression: ['context.dispatchedOrders[0]'] });
      expect(res.body.issue[0].diagnostics).toMatch(message);
    });

    it('an order neither prefetched nor fetchable (no fhirServer) → 412 naming it', async () => {
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(dispatchRequest(['ServiceRequest/sr-1']));
      expect(res.status).toBe(412);
      expect(res.body.issue[0]).toMatchObject({ code: 'incomplete', expression: ['context.dispatchedOrders[0]'] });
      expect(res.body.issue[0].diagnostics).toMatch(/is not in the prefetch and cannot be fetched \(the request has no fhirServer\)/);
    });

    it('an order for another patient → 400', async () => {
      const res = await request(runtime.app)
        .post(HOOK_PATHS['order-dispatch'])
        .send(dispatchRequest(['ServiceRequest/sr-1'], { prefetch: withOrders([{ ...lumbarBlockOrder('sr-1'), subject: { reference: 'Patient/someone-else' } }]) }));
      expect(res.status).toBe(400);
      expect(res.body.issue[0].diagnostics).toMatch(/"ServiceRequest\/sr-1" is not an order for Patient\/pat-1/);
    });

    it('the fulfillment Task\'s period is when the procedure happens: decided as order-sign decides the order on that date', async () => {
      const early = '2026-04-01'; // a month after the pain began: under the policy's 3 months
      const sign = await post('order-sign', hookRequest({ orders: [lumbarBlockOrder('sr-1', '64493', { occurrenceDateTime: early })], prefetch: fullPrefetch(chart) }));
      expect(covered(sign.systemActions[0])).toEqual(['not-covered']);
      const signRecord = recordOf();
      const task = { resourceType: 'Task', status: 'requested', intent: 'order', focus: { reference: 'ServiceRequest/sr-1' }, restriction: { period: { start: early } } };
      const body = await post('order-dispatch', dispatchRequest(['ServiceRequest/sr-1'], { prefetch: withOrders([signed(lumbarBlockOrder('sr-1'))]), fulfillmentTasks: [task] }));
      expect(covered(body.systemActions[0])).toEqual(['not-covered']);
      expect(readOrders(recordOf())[0]!.criteria).toEqual(readOrders(signRecord)[0]!.criteria);
      // The order itself goes back as read, without the Task's date.
      expect(body.systemActions[0].resource.occurrenceDateTime).toBeUndefined();
    });

    it('the dispatched orders are the orders decided, not their own history: left out of the chart', async () => {
      const order = signed(lumbarBlockOrder('sr-1'));
      const req = { hook: 'order-dispatch', hookInstance: 'x', context: { patientId: PATIENT_ID, dispatchedOrders: ['ServiceRequest/sr-1', 'MedicationRequest/rx-1'] } } as unknown as HookRequest;
      const resolve = jest.fn(async () => order);
      const found = await orderDispatch.orders(req, { resolve }, ['ServiceRequest']);
      expect(resolve).toHaveBeenCalledTimes(1); // the MedicationRequest is not an order type the service decides: not fetched
      expect([...found.notChart]).toEqual(['ServiceRequest/sr-1']);
      expect(found.candidates.map((c) => c.targets.map((t) => t.reference))).toEqual([['ServiceRequest/sr-1']]);
    });
  });

  describe('appointment-book', () => {
    it('decides the ServiceRequest an Appointment is based on (from the prefetch) and records coverage information on the Appointment', async () => {
      const appt = appointment('appt-1', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] });
      const body = await post('appointment-book', bookRequest([appt], { prefetch: withOrders([signed(lumbarBlockOrder('sr-1', '0216T'))]) }));
      expect(body.systemActions).toHaveLength(1);
      const { extension, ...rest } = body.systemActions[0].resource;
      expect(rest).toEqual(appt);
      expect(covered(body.systemActions[0])).toEqual(['not-covered']);
      expect(body.systemActions[0].description).toBe('Record coverage information on Appointment/appt-1 (CPT 0216T): not-covered');
      expect(cardsAbout(body, 'Appointment/appt-1').length).toBeGreaterThan(0);
      // The card names the procedure; the Appointment it is about is in its associated resources (CRD dev-25), not the sentence.
      expect(body.cards[0].detail).toContain('**Order:** Lumbar facet joint injection (ultrasound-guided), 1 level (CPT 0216T)');
      expect(body.cards[0].extension['davinci-crd.associated-resource']).toEqual([{ reference: 'Appointment/appt-1' }]);
      expect(body.cards.some((c: any) => c.suggestions)).toBe(false);
      expect(recordOf().orders[0]).toMatchObject({ orderRef: 'ServiceRequest/sr-1', recordedOn: ['Appointment/appt-1'], outcome: 'not-covered' });
    });

    it.each([
      ['contained in the Appointment', () => [appointment('appt-1', { contained: [{ ...lumbarBlockOrder('sr-c'), id: 'sr-c' }], basedOn: [{ reference: '#sr-c' }] })]],
      ['in the appointments Bundle', () => [appointment('appt-1', { basedOn: [{ reference: 'ServiceRequest/sr-b' }] }), lumbarBlockOrder('sr-b')]],
    ])('finds the booked order %s', async (_where, appointments) => {
      const body = await post('appointment-book', bookRequest(appointments() as FhirResource[]));
      expect(covered(body.systemActions[0])).toEqual(['covered']);
      expect(body.systemActions[0].resource.resourceType).toBe('Appointment');
    });

    it('reads a booked order the request lacks from the FHIR server', async () => {
      const server = nock('https://ehr.example.test', { reqheaders: { authorization: 'Bearer tok-a' } }).get('/fhir/ServiceRequest/sr-1').reply(200, signed(lumbarBlockOrder('sr-1')));
      const body = await post('appointment-book', bookRequest([appointment('appt-1', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] })], { fhirServer: true }));
      expect(server.isDone()).toBe(true);
      expect(covered(body.systemActions[0])).toEqual(['covered']);
    });

    it('an Appointment without an order names the procedure itself: CPT in serviceType, levels in a bodySite BodyStructure; decided as the same order signed', async () => {
      const own = appointment('appt-own', {
        contained: [{ resourceType: 'BodyStructure', id: 'levels', patient: { reference: PATIENT_REF }, description: 'L4-L5 facet joint, right' } as FhirResource],
        extension: [{ url: BODY_SITE_EXTENSION, valueReference: { reference: '#levels' } }],
        serviceType: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64493', display: 'Facet joint injection, lumbar, single level' }] }],
        participant: [{ actor: { reference: PATIENT_REF }, status: 'accepted' }, { actor: { reference: 'Practitioner/dr-1' }, status: 'accepted' }],
        comment: 'Diagnostic block; radiofrequency neurotomy is being considered if positive.',
      });
      const body = await post('appointment-book', bookRequest([own], { extension: MEETS_POLICY }));
      expect(covered(body.systemActions[0])).toEqual(['covered']);
      const booked = recordOf();
      await post('order-sign', hookRequest({ orders: [lumbarBlockOrder('sr-1', '64493', { occurrenceDateTime: '2026-12-03' })], prefetch: fullPrefetch(chart), hookInstance: 'sign-equivalent' }));
      // The same criteria, met on the same evidence; the evidence names the Appointment, which stands for the order.
      const signedCriteria = JSON.stringify(readOrders(recordOf('sign-equivalent'))[0]!.criteria).replaceAll('ServiceRequest/sr-1', 'Appointment/appt-own');
      const bookedOrder = readOrders(booked)[0]!;
      expect(bookedOrder.criteria.length).toBeGreaterThan(0);
      expect(bookedOrder.criteria).toEqual(JSON.parse(signedCriteria));
      expect(bookedOrder).toMatchObject({ order: { orderRef: 'Appointment/appt-own', outcome: 'covered' }, unit: { facts: { levels: 1 }, levels: 1 } });
      expect(booked.orders[0]!.recordedOn).toBeUndefined();
    });

    it('the Appointment\'s start is when the procedure happens', async () => {
      const appt = appointment('appt-1', { start: '2026-04-01T09:00:00Z', basedOn: [{ reference: 'ServiceRequest/sr-1' }] });
      const body = await post('appointment-book', bookRequest([appt], { prefetch: withOrders([signed(lumbarBlockOrder('sr-1'))]) }));
      expect(covered(body.systemActions[0])).toEqual(['not-covered']);
      expect(readOrders(recordOf())[0]!.criteria.find((c) => c.id === 'pain-three-months')?.status).toBe('not-met');
    });

    it('an order booked by two Appointments is decided once and recorded on both', async () => {
      const appts = [appointment('appt-1', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] }), appointment('appt-2', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] })];
      const body = await post('appointment-book', bookRequest(appts, { prefetch: withOrders([signed(lumbarBlockOrder('sr-1'))]) }));
      expect(body.systemActions.map((a: any) => [a.resource.id, covered(a)])).toEqual([
        ['appt-1', ['covered']],
        ['appt-2', ['covered']],
      ]);
      expect(recordOf().orders).toEqual([expect.objectContaining({ orderRef: 'ServiceRequest/sr-1', recordedOn: ['Appointment/appt-1', 'Appointment/appt-2'] })]);
    });

    it('one procedure on two order lines (64493 + 64494) booked by one Appointment: one coverage-information repetition billing both', async () => {
      const orders = [signed(lumbarBlockOrder('sr-1', '64493', { bodySite: [{ text: 'L4-L5' }] })), signed(lumbarBlockOrder('sr-2', '64494', { bodySite: [{ text: 'L5-S1' }] }))];
      const appt = appointment('appt-1', { basedOn: [{ reference: 'ServiceRequest/sr-1' }, { reference: 'ServiceRequest/sr-2' }] });
      const body = await post('appointment-book', bookRequest([appt], { prefetch: withOrders(orders) }));
      const infos = body.systemActions[0].resource.extension.filter((e: { url: string }) => e.url === COVERAGE_INFORMATION_URL);
      expect(infos).toHaveLength(1);
      expect(infos[0].extension.filter((e: { url: string }) => e.url === 'billingCode').map((e: any) => e.valueCoding.code)).toEqual(['64493', '64494']);
    });

    it('an Appointment booking a facet procedure needs an id for its coverage information → 400', async () => {
      const { id: _id, ...withoutId } = appointment('x', { basedOn: [{ reference: 'ServiceRequest/sr-1' }] });
      const res = await request(runtime.app).post(HOOK_PATHS['appointment-book']).send(bookRequest([withoutId as FhirResource], { prefetch: withOrders([signed(lumbarBlockOrder('sr-1'))]) }));
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['context.appointments.entry[0].resource.id']);
      expect(res.body.issue[0].diagnostics).toContain('is an Appointment for a decided order and needs a FHIR id');
    });
  });

  it('takes feedback at each hook\'s service, kept under that service', async () => {
    const res = await request(runtime.app)
      .post(`${HOOK_PATHS['appointment-book']}/feedback`)
      .send({ feedback: [{ card: 'card-1', outcome: 'overridden', outcomeTimestamp: '2026-11-26T15:00:00Z' }] });
    expect(res.status).toBe(200);
    const [stored] = await runtime.deps.store.listFeedback(new Date(0), new Date(TEST_NOW.getTime() + 1));
    expect(stored).toMatchObject({ serviceId: 'facet-joint-interventions-appointment-book', card: 'card-1' });
  });

  it('names the hook and its service in the decision record and the metrics', async () => {
    await post('order-dispatch', dispatchRequest(['ServiceRequest/sr-1'], { prefetch: withOrders([signed(lumbarBlockOrder('sr-1'))]) }));
    expect(recordOf()).toMatchObject({ hook: 'order-dispatch', serviceId: 'facet-joint-interventions-order-dispatch', patientRef: PATIENT_REF });
    expect(recordOf().userId).toBeUndefined(); // order-dispatch has no user in its context
    const metrics = await runtime.deps.metrics.registry.metrics();
    expect(metrics).toMatch(/cds_order_outcomes_total\{service="facet-joint-interventions-order-dispatch",outcome="covered"\} \d/);
  });

  it('order facets the service does not decide (a lab order) dispatched: {"cards": []}', async () => {
    const body = await post('order-dispatch', dispatchRequest(['ServiceRequest/lab-1'], { prefetch: withOrders([facetOrder('lab-1', '80053')]) }));
    expect(body).toEqual({ cards: [] });
  });
});
