import type { FhirResource } from 'fhir/r4';
import { loadServices } from '../../src/declarations/load';
import { ResourceIndex } from '../../src/facts/resource-index';
import { ICD10, RXNORM } from '../helpers/builders';

const vs = loadServices().find((s) => s.id === 'facet-joint-interventions')!.valueSets;

const condition = (id: string, code: string, system = ICD10, text?: string): FhirResource =>
  ({ resourceType: 'Condition', id, subject: { reference: 'Patient/p' }, code: { coding: [{ system, code }], ...(text ? { text } : {}) } }) as FhirResource;

describe('the resource index', () => {
  it('keeps one copy of a resource sent under two prefetch keys, in the order received', () => {
    const a = condition('a', 'M47.816');
    const index = new ResourceIndex([a, condition('b', 'I10'), { ...a }, condition('c', 'M54.50')]);
    expect(index.ofType('Condition').map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(index.size).toBe(3);
  });

  it('resolves references however they are written', () => {
    const med = { resourceType: 'Medication', id: 'med-1', code: { text: 'naproxen' } } as FhirResource;
    const index = new ResourceIndex([med]);
    expect(index.resolve('Medication/med-1')).toBe(med);
    expect(index.resolve('https://ehr.example.org/fhir/Medication/med-1/_history/2')).toBe(med);
    expect(index.resolve('Medication/other')).toBeUndefined();
    expect(index.resolve('#med-1')).toBeUndefined();
    expect(index.resolve(undefined)).toBeUndefined();
  });

  it('finds candidates by code in any spelling of the system and code, and by text, in record order', () => {
    const index = new ResourceIndex([
      condition('unrelated', 'I10'),
      condition('dotless', 'm47816'),
      condition('oid', 'M47.816', 'urn:oid:2.16.840.1.113883.6.90'),
      condition('text-only', 'X99', 'http://example.org/local', 'Facet joint syndrome, lumbar'),
      condition('two-codings-same-resource', 'M47.816'),
    ]);
    const codeOnly = index.candidates('Condition', [vs.facetSyndrome!], false).map((r) => r.id);
    expect(codeOnly).toEqual(['dotless', 'oid', 'two-codings-same-resource']);
    const withText = index.candidates('Condition', [vs.facetSyndrome!], true).map((r) => r.id);
    expect(withText).toEqual(['dotless', 'oid', 'text-only', 'two-codings-same-resource']);
  });

  it('reads a medication order through its Medication, contained or referenced', () => {
    const request = (id: string, medication: Record<string, unknown>, contained?: FhirResource[]) =>
      ({ resourceType: 'MedicationRequest', id, status: 'completed', intent: 'order', subject: { reference: 'Patient/p' }, ...medication, ...(contained ? { contained } : {}) }) as FhirResource;
    const naproxen = { resourceType: 'Medication', id: 'nap', code: { coding: [{ system: RXNORM, code: '7258' }] } } as FhirResource;
    const index = new ResourceIndex([
      request('by-reference', { medicationReference: { reference: 'Medication/nap' } }),
      request('contained', { medicationReference: { reference: '#m' } }, [{ ...naproxen, id: 'm' }]),
      request('by-display', { medicationReference: { display: 'Ibuprofen 600 mg' } }),
      request('other', { medicationCodeableConcept: { coding: [{ system: RXNORM, code: '860975' }], text: 'metformin' } }),
      naproxen,
    ]);
    expect(index.candidates('MedicationRequest', [vs.nsaids!], true).map((r) => r.id)).toEqual(['by-reference', 'contained', 'by-display']);
  });

  it('answers each code once per declared selection, for every later request (bounded: past 10,000 codes it starts over)', () => {
    const selection = [vs.facetSyndrome!, vs.radiculopathy!];
    const matchesKey = jest.spyOn(vs.facetSyndrome!, 'matchesKey');
    try {
      const chart = () => [condition('a', 'M47.816'), condition('b', 'I10'), condition('c', 'm47816')];
      expect(new ResourceIndex(chart()).candidates('Condition', selection, false).map((r) => r.id)).toEqual(['a', 'c']);
      const asked = matchesKey.mock.calls.length;
      expect(asked).toBeGreaterThan(0);
      // The next request with the same codes: answered without asking the value sets again.
      expect(new ResourceIndex(chart()).candidates('Condition', selection, false).map((r) => r.id)).toEqual(['a', 'c']);
      expect(matchesKey.mock.calls.length).toBe(asked);
      // 10,001 distinct codes: the memo starts over and every answer stays right.
      const many = Array.from({ length: 10_001 }, (_, i) => condition(`x${i}`, `Z${String(i).padStart(5, '0')}`));
      expect(new ResourceIndex([...many, ...chart()]).candidates('Condition', selection, false).map((r) => r.id)).toEqual(['a', 'c']);
      expect(new ResourceIndex(chart()).candidates('Condition', selection, false).map((r) => r.id)).toEqual(['a', 'c']);
    } finally {
      matchesKey.mockRestore();
    }
  });
});
