import type { CoverageSummary, Notice, PolicyInput } from '../../../src/decision/types';
import citations from '../citations.json';

const MEDICARE_LCD_URL = 'https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=38841';

/**
 * The policy's Medicare and Medicaid notes, as informational cards for those members. With the service's
 * policy selection, Medicare members are decided under the LCD instead (service.json policySelection): the
 * Medicare note shows only where a deployment leaves them to CP.MP.171.
 */
export function notices(input: PolicyInput<unknown>, summary: CoverageSummary | undefined): Notice[] {
  if (!summary || input.orders.length === 0) return [];
  // The plan's name when it says more than the program; how the coverage was read (its coded type, in FHIR
  // terms) is for integrators: it stays in the decision record, not on the clinician's card.
  const plan = (program: string) => (summary.name && !summary.name.toLowerCase().includes(program.toLowerCase()) ? ` (plan: ${summary.name})` : '');
  const list: Notice[] = [];
  if (summary.programs.includes('medicare')) {
    list.push({
      id: 'medicare',
      summary: 'Medicare member: LCD L38841 and Medicare coverage articles apply before this policy',
      detail: [
        `This member is covered by Medicare${plan('Medicare')}.`,
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
        `This member is covered by Medicaid${plan('Medicaid')}.`,
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
