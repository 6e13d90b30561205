import { criteriaOf, met, notMet } from '../../src/kit';

/** Rules a policy's notes mark ◐ or ○ are applied as written, and a finding against one says so. */
describe('criteria of limited verification (src/kit/criterion.ts)', () => {
  const citations = {
    gap: { section: 'D3', title: 'Two weeks apart', text: 'A gap of ≥ 2 weeks appears only in RUB.', source: 'RUB', verification: 'secondary' as const },
    cap: { section: 'D4', title: 'Four per year', text: 'At most 4.', source: 'NOR-QA', verification: 'primary' as const },
  };
  const { criterion } = criteriaOf<{ days: number }, typeof citations>(citations);
  const gap = criterion('gap', { dependsOn: [], appliesTo: () => true, evaluate: ({ days }) => (days >= 14 ? met(`${days} days apart`) : notMet(`Only ${days} days apart`)) });
  const cap = criterion('cap', { dependsOn: [], appliesTo: () => true, evaluate: () => notMet('A fifth session') });

  it('says so first in the summary and in the evidence when the rule is not met', () => {
    const finding = gap.evaluate({ days: 10 });
    expect(finding.summary).toBe('Unverified rule (◐ RUB): Only 10 days apart');
    expect(finding.evidence).toEqual([{ text: 'Rule of limited verification (◐ secondary source only: RUB), applied as written: A gap of ≥ 2 weeks appears only in RUB.' }]);
    expect(gap.title).toBe('Two weeks apart (unverified: secondary source only, RUB)');
  });

  it('adds nothing when the rule is met or only not documented, or when it is verified in a primary text', () => {
    expect(gap.evaluate({ days: 21 })).toEqual(met('21 days apart'));
    const undocumented = criterion('gap', { dependsOn: [], appliesTo: () => true, evaluate: () => ({ status: 'not-documented', summary: 'No block on record', evidence: [] }) });
    expect(undocumented.evaluate({ days: 0 }).summary).toBe('No block on record');
    expect(cap.evaluate({ days: 0 })).toEqual(notMet('A fifth session'));
  });
});
