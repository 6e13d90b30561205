import type { FhirResource, ServiceRequest } from 'fhir/r4';
import { lumbarBlockOrder } from '../fixtures/facet-chart';
import { searchset } from '../helpers/builders';

/**
 * The test page's requests for each hook (public/sandbox/hook-requests.js, also used by `npm run evaluate
 * --hook`): the contexts CDS Hooks defines, built from the page's draft orders.
 */
const Requests = require('../../public/sandbox/hook-requests.js') as {
  HOOKS: string[];
  build(hook: string, options: Record<string, unknown>): Record<string, any>;
};

const first = lumbarBlockOrder('sr-1', '64493', { occurrenceDateTime: '2026-12-03' });
const second = lumbarBlockOrder('sr-2', '64494', { occurrenceDateTime: '2026-12-03' });
const later = lumbarBlockOrder('sr-3', '64493', { occurrenceDateTime: '2027-01-15' });
const older = { ...lumbarBlockOrder('sr-0'), status: 'completed' } as ServiceRequest;
const options = (orders: FhirResource[]) => ({ hookInstance: 'h-1', patientId: 'pat-1', userId: 'Practitioner/dr-1', orders, prefetch: { serviceRequests: searchset([older, { ...first }]) }, today: '2026-11-26' });

describe('the test page\'s hook requests (public/sandbox/hook-requests.js)', () => {
  it('knows the four hooks the service answers', () => {
    expect(Requests.HOOKS).toEqual(['order-sign', 'order-select', 'order-dispatch', 'appointment-book']);
    expect(() => Requests.build('patient-view', options([first]))).toThrow('No request for hook patient-view');
  });

  it('order-select: the draft orders, every one selected', () => {
    const r = Requests.build('order-select', options([first, second]));
    expect(r.context).toEqual({ userId: 'Practitioner/dr-1', patientId: 'pat-1', draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: first }, { resource: second }] }, selections: ['ServiceRequest/sr-1', 'ServiceRequest/sr-2'] });
  });

  it('order-dispatch: the orders signed, by reference, found in the prefetch (replacing their drafts); a performer', () => {
    const r = Requests.build('order-dispatch', options([first, second]));
    expect(r.context).toEqual({ patientId: 'pat-1', dispatchedOrders: ['ServiceRequest/sr-1', 'ServiceRequest/sr-2'], performer: 'Organization/sandbox-pain-clinic' });
    const listed = r.prefetch.serviceRequests.entry.map((e: { resource: ServiceRequest }) => [e.resource.id, e.resource.status]);
    expect(listed).toEqual([['sr-0', 'completed'], ['sr-1', 'active'], ['sr-2', 'active']]);
    expect(r.prefetch.serviceRequests.total).toBe(3);
    expect(first.status).toBe('draft'); // the page's own orders are not changed
  });

  it('appointment-book: one proposed Appointment per procedure date, based on that day\'s signed orders', () => {
    const r = Requests.build('appointment-book', options([first, second, later]));
    const appointments = r.context.appointments.entry.map((e: { resource: any }) => e.resource);
    expect(appointments.map((a: any) => [a.id, a.status, a.start, a.basedOn.map((b: { reference: string }) => b.reference)])).toEqual([
      ['appt-pat-1-1', 'proposed', '2026-12-03T09:00:00Z', ['ServiceRequest/sr-1', 'ServiceRequest/sr-2']],
      ['appt-pat-1-2', 'proposed', '2027-01-15T09:00:00Z', ['ServiceRequest/sr-3']],
    ]);
    expect(appointments[0].participant[0]).toMatchObject({ actor: { reference: 'Patient/pat-1' }, status: 'accepted' });
    expect(r.prefetch.serviceRequests.entry.map((e: { resource: ServiceRequest }) => e.resource.id)).toEqual(['sr-0', 'sr-1', 'sr-2', 'sr-3']);
  });

  it('carries the page\'s extension (davinci-crd.configuration) on every hook', () => {
    for (const hook of Requests.HOOKS) {
      const r = Requests.build(hook, { ...options([first]), extension: { 'davinci-crd.configuration': { 'meets-policy': true } } });
      expect({ hook, extension: r.extension }).toEqual({ hook, extension: { 'davinci-crd.configuration': { 'meets-policy': true } } });
    }
  });
});
