import type { ServiceRequest } from 'fhir/r4';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { SERVICE_ID } from '../helpers/builders';

/** The order-entry page's draft-order model (public/sandbox/orders.js). */
const Orders = require('../../public/sandbox/orders.js') as {
  LEVELS: Record<string, string[]>;
  levelsInText(text: string): string[];
  readOrder(order: ServiceRequest, procedures: Procedure[]): OrderView;
  writeOrder(order: ServiceRequest, fields: Partial<OrderView>, procedures: Procedure[]): ServiceRequest;
  newOrder(options: Record<string, unknown>, procedures: Procedure[]): ServiceRequest;
  applyActions(orders: ServiceRequest[], actions: unknown[], newId: () => string): { orders: ServiceRequest[]; records: Array<{ resourceType: string }>; problems: string[] };
};
interface Procedure {
  code: string;
  display: string;
  regions: string[];
}
interface OrderView {
  id: string;
  code?: string;
  editable: boolean;
  region: string;
  levels: string[];
  side: string;
  date: string;
}

const PROCEDURES: Procedure[] = [
  { code: '64490', display: 'Cervical/thoracic injection, single level', regions: ['cervical', 'thoracic'] },
  { code: '64493', display: 'Lumbar injection, single level', regions: ['lumbar'] },
  { code: '0216T', display: 'Lumbar injection with ultrasound, single level', regions: ['lumbar'] },
  { code: '64999', display: 'Unlisted nervous system procedure', regions: [] },
];
const library = ScenarioLibrary.forService(SERVICE_ID)!;

describe('sandbox draft orders', () => {
  it('offers the facet levels of each region as CPT counts them', () => {
    expect(Orders.LEVELS.cervical).toEqual(['C2-C3', 'C3-C4', 'C4-C5', 'C5-C6', 'C6-C7', 'C7-T1']);
    expect(Orders.LEVELS.thoracic.at(-1)).toBe('T12-L1');
    expect(Orders.LEVELS.lumbar).toEqual(['L1-L2', 'L2-L3', 'L3-L4', 'L4-L5', 'L5-S1']);
    expect(Orders.levelsInText('L3-L5 and C5/6')).toEqual(['L3-L4', 'L4-L5', 'C5-C6']);
  });

  it('reads the scenario orders the page starts from', () => {
    const five = library.orders(library.find('facet-05-ultrasound-guided')!)[0]!;
    expect(Orders.readOrder(five, PROCEDURES)).toEqual({
      id: 'facet-05-sr-1',
      code: '0216T',
      display: PROCEDURES[2]!.display,
      editable: true,
      region: 'lumbar',
      levels: ['L4-L5'],
      side: 'unspecified',
      date: five.occurrenceDateTime!.slice(0, 10),
    });
    const uncharted = library.orders(library.find('facet-17-region-not-charted')!)[0]!;
    expect(Orders.readOrder(uncharted, PROCEDURES)).toMatchObject({ code: '64490', levels: [], region: 'cervical' });
  });

  it('writes the composer fields back and keeps everything else on the order', () => {
    const original = library.orders(library.find('facet-01-first-block-covered')!)[0]!;
    const written = Orders.writeOrder(original, { code: '0216T', levels: ['L5-S1', 'L4-L5'], side: 'left', date: '2027-02-01' }, PROCEDURES);
    expect(written.code!.coding).toEqual([{ system: 'http://www.ama-assn.org/go/cpt', code: '0216T', display: PROCEDURES[2]!.display }]);
    expect(written.bodySite).toEqual([{ text: 'L4-L5' }, { text: 'L5-S1' }, { coding: [{ system: 'http://snomed.info/sct', code: '7771000', display: 'Left' }], text: 'Left' }]);
    expect(written.occurrenceDateTime).toBe('2027-02-01');
    expect({ note: written.note, reasonCode: written.reasonCode, requester: written.requester }).toEqual({ note: original.note, reasonCode: original.reasonCode, requester: original.requester });
    expect(original.code!.coding![0]!.code).toBe('64493'); // the input is not changed
    expect(Orders.readOrder(written, PROCEDURES)).toMatchObject({ code: '0216T', levels: ['L4-L5', 'L5-S1'], side: 'left', date: '2027-02-01' });
  });

  it('makes a new draft order for the patient', () => {
    const order = Orders.newOrder({ id: 'sandbox-order-1', patientId: 'facet-05', today: '2026-11-26', code: '64493', levels: ['L4-L5'], side: 'bilateral', date: '2026-12-03' }, PROCEDURES);
    expect(order).toMatchObject({
      resourceType: 'ServiceRequest',
      id: 'sandbox-order-1',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/facet-05' },
      authoredOn: '2026-11-26',
      occurrenceDateTime: '2026-12-03',
    });
    expect(Orders.readOrder(order, PROCEDURES)).toMatchObject({ side: 'bilateral', levels: ['L4-L5'] });
  });

  it('applies suggestion actions as CDS Hooks orders them: deletes, then creates, then updates', () => {
    const a: ServiceRequest = { resourceType: 'ServiceRequest', id: 'a', status: 'draft', intent: 'order', subject: {} };
    const b: ServiceRequest = { ...a, id: 'b' };
    const { orders, problems } = Orders.applyActions(
      [a, b],
      [
        { type: 'update', description: 'u', resource: { ...b, status: 'active' } },
        { type: 'create', description: 'c', resource: { ...a, id: undefined } },
        { type: 'delete', description: 'd', resourceId: 'ServiceRequest/a' },
        { type: 'delete', description: 'd', resourceId: 'ServiceRequest/zzz' },
      ],
      () => 'new-1',
    );
    expect(orders.map((o) => [o.id, o.status])).toEqual([
      ['b', 'active'],
      ['new-1', 'draft'],
    ]);
    expect(problems).toEqual(['Nothing to delete: ServiceRequest/zzz is not among the draft orders']);
  });

  it('keeps a created resource that is not an order (an attested QuestionnaireResponse) out of the draft orders, for the chart', () => {
    const a: ServiceRequest = { resourceType: 'ServiceRequest', id: 'a', status: 'draft', intent: 'order', subject: {} };
    const response = { resourceType: 'QuestionnaireResponse', status: 'completed', basedOn: [{ reference: 'ServiceRequest/a' }] };
    const { orders, records, problems } = Orders.applyActions([a], [{ type: 'create', description: 'Save the documentation', resource: response }], () => 'new-1');
    expect(orders).toEqual([a]);
    expect(records).toEqual([response]);
    expect(problems).toEqual([]);
  });
});
