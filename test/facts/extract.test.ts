import type { FhirResource } from 'fhir/r4';
import { compileValueSets } from '../../src/declarations/value-sets';
import { compileFacts } from '../../src/facts/compile';
import { extractFacts } from '../../src/facts/extract';
import { ResourceIndex } from '../../src/facts/resource-index';
import { ICD10, RXNORM, SNOMED } from '../helpers/builders';

/** Facts: each declared fact's FHIRPath fields, run once on each candidate resource. */
const valueSets = compileValueSets({
  pain: { title: 'Pain', include: [{ system: ICD10, prefixes: ['M54.5'] }], textPatterns: ['back pain'] },
  nsaids: { title: 'NSAIDs', include: [{ system: RXNORM, codes: ['5640'] }] },
});
const facts = compileFacts(
  'svc',
  {
    conditions: { resourceTypes: ['Condition'], from: 'chart', select: { valueSets: ['pain'], matchText: true }, fields: { code: 'code.coding.code', onset: 'onset.ofType(dateTime)' } },
    coded: { resourceTypes: ['Condition'], from: 'chart', select: { valueSets: ['pain'] }, fields: { code: 'code.coding.code' } },
    medications: { resourceTypes: ['MedicationRequest'], from: 'chart', select: { valueSets: ['nsaids'] }, fields: { status: 'status' } },
    everyCoverage: { resourceTypes: ['Coverage'], from: 'chart', fields: { status: 'status' } },
    orders: { resourceTypes: ['ServiceRequest'], from: 'draftOrders', fields: { codes: 'code.coding.code' } },
  },
  valueSets,
);

const condition = (id: string, code: object): FhirResource => ({ resourceType: 'Condition', id, subject: { reference: 'Patient/p' }, code } as FhirResource);
const chart: FhirResource[] = [
  { ...condition('c-coded', { coding: [{ system: ICD10, code: 'm54.50' }] }), onsetDateTime: '2026-03-02' } as FhirResource,
  condition('c-text', { text: 'Chronic low back pain' }),
  condition('c-other', { coding: [{ system: SNOMED, code: '38341003', display: 'Hypertension' }] }),
  { resourceType: 'Medication', id: 'med-1', code: { coding: [{ system: RXNORM, code: '5640' }] } },
  { resourceType: 'MedicationRequest', id: 'mr-1', status: 'active', intent: 'order', subject: { reference: 'Patient/p' }, medicationReference: { reference: 'Medication/med-1' } },
  { resourceType: 'MedicationRequest', id: 'mr-2', status: 'active', intent: 'order', subject: { reference: 'Patient/p' }, medicationCodeableConcept: { coding: [{ system: RXNORM, code: '1049502' }] } },
  { resourceType: 'Coverage', id: 'cov-1', status: 'active', beneficiary: { reference: 'Patient/p' }, payor: [{ display: 'Plan' }] },
];

describe('extractFacts', () => {
  const result = extractFacts(facts, new ResourceIndex(chart), [{ resourceType: 'ServiceRequest', id: 'sr-1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p' }, code: { coding: [{ code: '64493' }] } }]);

  it('selects candidates by code (ICD-10-CM in any case or dotting) and, when asked, by text', () => {
    expect(result.conditions!.map((r) => r.ref)).toEqual(['Condition/c-coded', 'Condition/c-text']);
    expect(result.coded!.map((r) => r.ref)).toEqual(['Condition/c-coded']);
  });

  it('returns every field as an array of FHIRPath results', () => {
    expect(result.conditions![0]).toEqual({ ref: 'Condition/c-coded', resourceType: 'Condition', fields: { code: ['m54.50'], onset: ['2026-03-02'] } });
    expect(result.conditions![1]!.fields).toEqual({ code: [], onset: [] });
  });

  it('finds medication orders through the Medication they reference', () => {
    expect(result.medications!.map((r) => r.ref)).toEqual(['MedicationRequest/mr-1']);
  });

  it('takes every resource of the type when the fact selects none', () => {
    expect(result.everyCoverage).toEqual([{ ref: 'Coverage/cov-1', resourceType: 'Coverage', fields: { status: ['active'] } }]);
  });

  it('reads draft-order facts from the orders, not the chart', () => {
    expect(result.orders).toEqual([{ ref: 'ServiceRequest/sr-1', resourceType: 'ServiceRequest', fields: { codes: ['64493'] } }]);
  });

  it('leaves a field empty when FHIRPath fails on malformed data, instead of failing the request', () => {
    const [strict] = compileFacts('svc', { recent: { resourceTypes: ['Condition'], from: 'chart', fields: { code: 'code.coding.code', recent: 'onset.ofType(dateTime) >= @2026-01-01' } } }, valueSets);
    const bad = { ...condition('c-bad', { coding: [{ system: ICD10, code: 'M54.50' }] }), onsetDateTime: 'not a date' } as FhirResource;
    const [record] = extractFacts([strict!], new ResourceIndex([bad]), []).recent!;
    expect(record).toEqual({ ref: 'Condition/c-bad', resourceType: 'Condition', fields: { code: ['M54.50'], recent: [] } });
  });
});

describe('ResourceIndex', () => {
  it('keeps one copy of a resource sent under two prefetch keys', () => {
    const index = new ResourceIndex([...chart, chart[0]!, { ...chart[0]! }]);
    expect(index.size).toBe(chart.length);
    expect(index.ofType('Condition').map((r) => r.id)).toEqual(['c-coded', 'c-text', 'c-other']);
  });

  it('resolves relative, absolute and versioned references', () => {
    const index = new ResourceIndex(chart);
    expect(index.resolve('Medication/med-1')?.id).toBe('med-1');
    expect(index.resolve('https://ehr.example.test/fhir/Medication/med-1/_history/2')?.id).toBe('med-1');
    expect(index.resolve('#contained')).toBeUndefined();
  });
});
