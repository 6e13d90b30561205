import type { Bundle, FhirResource, ServiceRequest } from 'fhir/r4';
import { inScopeOrders, scopeCodings } from '../../src/cds/relevance';
import { loadServices } from '../../src/declarations/load';
import type { LoadedService } from '../../src/declarations/types';
import { BadRequestError } from '../../src/errors';
import { BILLING_OPTIONS_URL } from '../../src/fhir/order-codes';
import { CPT, facetOrder } from '../helpers/builders';

/** Which draft orders the facet service decides (issue 2, item 4). */
let service: LoadedService;
beforeAll(() => {
  [service] = loadServices();
});

function bundle(...resources: FhirResource[]): Bundle {
  return { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) };
}

function ids(orders: ServiceRequest[]): string[] {
  return orders.map((o) => o.id!);
}

describe('inScopeOrders', () => {
  it.each([
    ['64490', true],
    ['64495', true],
    ['64633', true],
    ['64636', true],
    ['0213T', true],
    ['0218T', true],
    ['64489', false],
    ['64496', false],
    ['64632', false],
    ['64637', false],
    ['0212T', false],
    ['0219T', false],
    ['72148', false],
  ])('CPT %s in scope: %s', (code, expected) => {
    expect(ids(inScopeOrders(bundle(facetOrder('sr-1', code)), service))).toEqual(expected ? ['sr-1'] : []);
  });

  it('reads CPT codes under another spelling of the CPT system (OID)', () => {
    const order = facetOrder('sr-1', '64493');
    order.code!.coding![0]!.system = 'urn:oid:2.16.840.1.113883.6.12';
    expect(ids(inScopeOrders(bundle(order), service))).toEqual(['sr-1']);
  });

  it('does not take a facet-looking code from another code system', () => {
    const order = facetOrder('sr-1', '64493');
    order.code!.coding![0]!.system = 'http://example.org/local-codes';
    expect(inScopeOrders(bundle(order), service)).toEqual([]);
  });

  it('finds the facet code in a Da Vinci CRD ext-billing-options extension', () => {
    const order: ServiceRequest = {
      ...facetOrder('sr-1', []),
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: '231244003', display: 'Injection of facet joint' }],
        extension: [{ url: BILLING_OPTIONS_URL, valueCodeableConcept: { coding: [{ system: CPT, code: '64494' }] } }],
      },
    };
    expect(ids(inScopeOrders(bundle(order), service))).toEqual(['sr-1']);
  });

  it('takes 64999 when the order describes facet denervation (pulsed radiofrequency)', () => {
    const order = facetOrder('sr-1', '64999', { note: [{ text: 'Pulsed radiofrequency of the L4-L5 medial branch nerves' }] });
    expect(ids(inScopeOrders(bundle(order), service))).toEqual(['sr-1']);
  });

  it('leaves 64999 out when the order describes something else', () => {
    const order = facetOrder('sr-1', '64999', { note: [{ text: 'Occipital nerve stimulator trial' }] });
    expect(inScopeOrders(bundle(order), service)).toEqual([]);
  });

  it('does not filter on status: re-signed active and on-hold orders count', () => {
    const orders = [
      facetOrder('sr-draft', '64493', { status: 'draft' }),
      facetOrder('sr-active', '64494', { status: 'active' }),
      facetOrder('sr-on-hold', '64495', { status: 'on-hold' }),
    ];
    expect(ids(inScopeOrders(bundle(...orders), service))).toEqual(['sr-draft', 'sr-active', 'sr-on-hold']);
  });

  it('ignores resource types outside the declared scope, whatever their code', () => {
    const notAServiceRequest = { ...facetOrder('x', '64493'), resourceType: 'DeviceRequest' } as unknown as FhirResource;
    const medication: FhirResource = { resourceType: 'MedicationRequest', id: 'rx-1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p' } };
    expect(inScopeOrders(bundle(notAServiceRequest, medication, facetOrder('sr-1', '64493')), service).map((o) => o.id)).toEqual(['sr-1']);
  });

  it('answers an empty list for a Bundle without entries', () => {
    expect(inScopeOrders({ resourceType: 'Bundle', type: 'collection' }, service)).toEqual([]);
  });

  it('refuses a facet order without an id, naming the entry', () => {
    const order = facetOrder('x', '64493');
    delete order.id;
    expect(() => inScopeOrders(bundle(facetOrder('sr-1', '72148'), order), service)).toThrow(
      expect.objectContaining({ status: 400, expression: ['context.draftOrders.entry[1].resource.id'] }),
    );
  });

  it('refuses a facet order whose id is not a FHIR id', () => {
    const call = () => inScopeOrders(bundle(facetOrder('sr-2', '72148'), facetOrder('sr 1', '64493')), service);
    expect(call).toThrow(BadRequestError);
    expect(call).toThrow('context.draftOrders.entry[1].resource.id must be a FHIR id');
  });

  it('does not check the ids of ServiceRequests it does not decide: they never reach an answer', () => {
    const outOfScope = [facetOrder('sr 1', '72148'), facetOrder('draft\u2011sr\u20111', '72148'), facetOrder('', '72148'), facetOrder('s'.repeat(65), '72148')];
    expect(inScopeOrders(bundle(...outOfScope), service)).toEqual([]);
    expect(ids(inScopeOrders(bundle(...outOfScope, facetOrder('sr-1', '64493')), service))).toEqual(['sr-1']);
  });

  it('accepts ids it does not read in any form (a MedicationRequest id over 64 characters)', () => {
    const medication = { resourceType: 'MedicationRequest', id: 'e'.repeat(200), status: 'draft', intent: 'order', subject: { reference: 'Patient/p' } } as FhirResource;
    expect(ids(inScopeOrders(bundle(medication, facetOrder('sr-1', '64493')), service))).toEqual(['sr-1']);
  });
});

describe('inScopeOrders: order identity', () => {
  it('refuses two facet orders with one id: coverage information and suggestions address orders by id', () => {
    const call = () => inScopeOrders(bundle(facetOrder('sr-1', '64493'), facetOrder('sr-2', '64494'), facetOrder('sr-1', '64494')), service);
    expect(call).toThrow(expect.objectContaining({ status: 400, expression: ['context.draftOrders.entry[2].resource.id'] }));
    expect(call).toThrow('context.draftOrders.entry[2].resource.id "sr-1" is also the id of entry[0]; each order needs its own id');
  });

  it('does not mind an id shared with an order it does not decide', () => {
    expect(ids(inScopeOrders(bundle(facetOrder('sr-1', '72148'), facetOrder('sr-1', '64493')), service))).toEqual(['sr-1']);
  });
});

describe('scopeCodings: the codes an order is decided on (its coverage-information billingCodes)', () => {
  const billingOption = (code: string, system = CPT) => ({ url: BILLING_OPTIONS_URL, valueCodeableConcept: { coding: [{ system, code }] } });

  it('a facet code in ext-billing-options alone, beside billing options outside the policy: only the facet code', () => {
    const order: ServiceRequest = {
      ...facetOrder('sr-1', []),
      code: {
        coding: [{ system: 'http://snomed.info/sct', code: '231244003', display: 'Injection of facet joint' }],
        extension: [billingOption('64493'), billingOption('77062'), billingOption('77065'), billingOption('E0431', 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets')],
      },
    };
    expect(scopeCodings(order, service)).toEqual([{ system: CPT, code: '64493' }]);
  });

  it('every in-scope code the order carries, each once, canonical system, display kept', () => {
    const order = facetOrder('sr-1', ['64493', '72148'], {
      code: {
        coding: [
          { system: 'urn:oid:2.16.840.1.113883.6.12', code: '64493', display: 'Facet injection, lumbar, single level' },
          { system: CPT, code: '72148' },
        ],
        extension: [billingOption('64493'), billingOption('64494')],
      },
    });
    expect(scopeCodings(order, service)).toEqual([
      { system: CPT, code: '64493', display: 'Facet injection, lumbar, single level' },
      { system: CPT, code: '64494' },
    ]);
  });

  it('64999 only when the order describes facet denervation', () => {
    expect(scopeCodings(facetOrder('sr-1', '64999', { note: [{ text: 'Pulsed radiofrequency of the L4-L5 medial branch nerves' }] }), service)).toEqual([{ system: CPT, code: '64999' }]);
    expect(scopeCodings(facetOrder('sr-1', '64999', { note: [{ text: 'Occipital nerve stimulator trial' }] }), service)).toEqual([]);
  });
});
