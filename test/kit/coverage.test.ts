import { coverageOfResource, programsOf, type ChartCoverage } from '../../src/kit';
import { loadServices } from '../../src/declarations/load';

/** Which program a member's coverage is: a coded Coverage.type decides; names are read only when the type is not coded. */
const vs = loadServices().find((s) => s.id === 'facet-joint-interventions')!.valueSets;
const SOPT = 'https://nahdo.org/sopt';
const coverage = (typeCodings: ChartCoverage['typeCodings'], names: string[] = []): ChartCoverage => ({ ref: 'Coverage/c', status: 'active', typeCodings, names });

describe('program recognition', () => {
  it('reads a fee-for-service Coverage coded Medicare, paid by the Centers for Medicare & Medicaid Services, as Medicare only', () => {
    const reading = programsOf(coverage([{ system: SOPT, code: '121', display: 'Medicare FFS' }], ['Centers for Medicare & Medicaid Services']), vs);
    expect(reading.programs).toEqual(['medicare']);
    expect(reading.medicarePlan).toBe('fee-for-service');
    expect(reading.evidence).toBe('Coverage.type https://nahdo.org/sopt|121 (Medicare FFS)');
  });

  it('reads the codes alone when the type is coded, whatever the names say', () => {
    expect(programsOf(coverage([{ system: SOPT, code: '511' }], ['Florida Medicaid Managed Care']), vs).programs).toEqual(['commercial']);
    expect(programsOf(coverage([{ system: SOPT, code: '111' }], ['Acme Medicaid']), vs)).toMatchObject({ programs: ['medicare'], medicarePlan: 'advantage' });
    expect(programsOf(coverage([{ system: SOPT, code: '2' }]), vs).programs).toEqual(['medicaid']);
    // Dual eligibility (SOPT 14): both programs.
    expect(programsOf(coverage([{ system: SOPT, code: '141' }]), vs).programs).toEqual(['medicare', 'medicaid']);
    // A payer-type code of another kind (other government) is coded too: no Medicare or Medicaid read from the name.
    expect(programsOf(coverage([{ system: SOPT, code: '32' }], ['Medicare supplement']), vs).programs).toEqual([]);
  });

  it('falls back on the plan and payor names when the type is not coded (or coded in another system)', () => {
    expect(programsOf(coverage([], ['Centers for Medicare & Medicaid Services']), vs)).toMatchObject({ programs: ['medicare'], medicarePlan: 'fee-for-service' });
    expect(programsOf(coverage([], ['Wellcare Medicare Advantage HMO']), vs)).toMatchObject({ programs: ['medicare'], medicarePlan: 'advantage' });
    expect(programsOf(coverage([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EHCPOL' }], ['Sunshine Health Medicaid']), vs).programs).toEqual(['medicaid']);
    expect(programsOf(coverage([], ['Ambetter Health']), vs).programs).toEqual([]);
  });

  it('reads a Coverage resource the way the chart model reads the coverages fact', () => {
    expect(
      coverageOfResource({
        resourceType: 'Coverage',
        id: 'c1',
        status: 'active',
        beneficiary: { reference: 'Patient/p' },
        payor: [{ display: 'CMS' }],
        type: { coding: [{ system: SOPT, code: '121' }], text: 'Medicare Part B' },
        class: [{ type: { text: 'plan' }, value: 'B', name: 'Part B' }],
        period: { start: '2026-01-01T00:00:00Z' },
      }),
    ).toEqual({ ref: 'Coverage/c1', status: 'active', typeCodings: [{ system: SOPT, code: '121' }], names: ['Medicare Part B', 'CMS', 'Part B', 'B'], periodStart: '2026-01-01', periodEnd: undefined });
  });
});
