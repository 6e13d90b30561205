import codingJson from '../../cds-services/facet-joint-interventions/coding.json';
import { levelsForCodes, procedureCodes, regionOf, targetOf } from '../../src/kit';
import { loadServices } from '../../src/declarations/load';

const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
const vs = service.valueSets;
const lcdVs = service.policies.find((p) => p.id === 'lcd-l38841-facet-joint-interventions')!.valueSets;
const cpt = (...codes: string[]) => procedureCodes(codes.map((code) => ({ system: 'http://www.ama-assn.org/go/cpt', code })), codingJson);

describe('reading an order', () => {
  it('knows the policy tables and ignores other codes and systems', () => {
    expect(cpt('64493', '72148').map((c) => c.code)).toEqual(['64493']);
    expect(procedureCodes([{ system: 'urn:oid:2.16.840.1.113883.6.12', code: '64635' }], codingJson).map((c) => c.procedure)).toEqual(['radiofrequency']);
    expect(procedureCodes([{ system: 'http://snomed.info/sct', code: '64493' }], codingJson)).toEqual([]);
  });

  it.each([
    [['64493'], undefined, 1],
    [['64494'], 2, 2],
    [['64495'], undefined, 1],
    [['64495'], 3, 3],
    [['64493'], 4, 1],
    [['0217T'], 2, 2],
  ])('counts levels of %j with quantity %s as %i', (codes, quantity, levels) => {
    expect(levelsForCodes(cpt(...codes), quantity)).toBe(levels);
  });

  it('takes the region from lumbar codes, then levels, body site, diagnosis', () => {
    expect(regionOf(cpt('64493'), [], [], [], '', vs).region).toBe('lumbar');
    expect(regionOf(cpt('64490'), ['C5-C6'], [], [], '', vs).region).toBe('cervical');
    expect(regionOf(cpt('64490'), ['C7-T1', 'T1-T2'], [], [], '', vs).region).toBe('thoracic');
    expect(regionOf(cpt('64490'), [], [{ text: 'thoracic facet' }], [], '', vs).region).toBe('thoracic');
    expect(regionOf(cpt('64490'), [], [], [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M47.812' }] }], '', vs).region).toBe('cervical');
  });

  it('leaves the region unknown when the evidence conflicts or is absent', () => {
    const both = [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M47.812' }] }, { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M47.814' }] }];
    expect(regionOf(cpt('64490'), [], [], both, '', vs)).toEqual({ evidence: expect.stringContaining('more than one region') });
    expect(regionOf(cpt('64633'), [], [], [], '', vs).region).toBeUndefined();
  });
});

describe('naming what the order says, in evidence', () => {
  const mbb = { system: 'http://facet-cds.dev/fhir/CodeSystem/facet-cds', code: 'medial-branch-block', display: 'Medial branch block' };

  it('names a concept once when its text repeats its display', () => {
    expect(targetOf([{ coding: [mbb], text: 'Medial branch block' }], lcdVs)).toEqual({ target: 'medial-branch', evidence: 'Medial branch block' });
  });

  it('prefers the text, then the display, then the code', () => {
    expect(targetOf([{ coding: [mbb], text: 'MBB, right L4-L5' }], lcdVs)?.evidence).toBe('MBB, right L4-L5');
    expect(targetOf([{ coding: [mbb] }], lcdVs)?.evidence).toBe('Medial branch block');
    expect(targetOf([{ coding: [{ system: mbb.system, code: mbb.code }] }], lcdVs)?.evidence).toBe('medial-branch-block');
  });
});
