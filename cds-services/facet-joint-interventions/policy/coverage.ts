import type { CoverageSummary, Notice, PolicyInput } from '../../../src/decision/types';
import citations from '../citations.json';
import { chartFor } from './units';
import type { ChartCoverage, Thresholds, ValueSets } from './types';

const MEDICARE_LCD_URL = 'https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=38841';

/** The member's active coverage: status active and, when charted, a period that includes the decision date. */
export function activeCoverage(coverages: ChartCoverage[], today: string): ChartCoverage | undefined {
  return coverages.find(
    (c) => c.status === 'active' && (c.periodStart === undefined || c.periodStart <= today) && (c.periodEnd === undefined || c.periodEnd >= today),
  );
}

/** Medicare and Medicaid, from Coverage.type (Source of Payment Typology 1… and 2…) or, failing that, the plan or payor name. */
export function programsOf(coverage: ChartCoverage, vs: ValueSets): { programs: CoverageSummary['programs']; evidence: string } {
  const programs: CoverageSummary['programs'] = [];
  const evidence: string[] = [];
  for (const program of ['medicare', 'medicaid'] as const) {
    const matcher = vs[program]!;
    const coded = coverage.typeCodings.find((c) => matcher.matchesCoding(c));
    const named = coverage.names.find((n) => matcher.matchesText(n));
    if (coded) evidence.push(`Coverage.type ${coded.system}|${coded.code}`);
    else if (named) evidence.push(`plan or payor "${named}"`);
    if (coded || named) programs.push(program);
  }
  return { programs, evidence: evidence.join('; ') };
}

export function coverage(input: PolicyInput<Thresholds>): CoverageSummary | undefined {
  const chart = chartFor(input);
  const active = activeCoverage(chart.coverages, input.today);
  if (!active) return undefined;
  const { programs, evidence } = programsOf(active, input.service.valueSets);
  return { reference: active.ref, ...(active.names[0] ? { name: active.names[0] } : {}), programs, evidence };
}

/** The policy's Medicare and Medicaid notes, as informational cards for those members. */
export function notices(input: PolicyInput<Thresholds>, summary: CoverageSummary | undefined): Notice[] {
  if (!summary || input.orders.length === 0) return [];
  const plan = summary.name ? ` (${summary.name})` : '';
  const list: Notice[] = [];
  if (summary.programs.includes('medicare')) {
    list.push({
      id: 'medicare',
      summary: 'Medicare member: LCD L38841 and Medicare coverage articles apply before this policy',
      detail: [
        `This member's coverage${plan} is Medicare (${summary.evidence}).`,
        '',
        `Policy note: "${citations['note-medicare'].text}"`,
        '',
        'For facet joint interventions that is Local Coverage Determination L38841 (Facet Joint Interventions for Pain Management) and its billing and coding article. Review them before relying on the CP.MP.171 decision on this order.',
      ].join('\n'),
      indicator: 'info',
      topic: { code: 'insurance', display: 'Insurance' },
      links: [{ label: 'LCD L38841 in the Medicare Coverage Database', url: MEDICARE_LCD_URL }],
    });
  }
  if (summary.programs.includes('medicaid')) {
    list.push({
      id: 'medicaid',
      summary: 'Medicaid member: state Medicaid coverage provisions take precedence over this policy',
      detail: [
        `This member's coverage${plan} is Medicaid (${summary.evidence}).`,
        '',
        `Policy note: "${citations['note-medicaid'].text}"`,
        '',
        'Check the state Medicaid manual for facet joint interventions before relying on the CP.MP.171 decision on this order.',
      ].join('\n'),
      indicator: 'info',
      topic: { code: 'insurance', display: 'Insurance' },
    });
  }
  return list;
}
