import { criteriaFromDetail, plainText } from '../../scripts/lib/response-summary';

describe('reading a card back for the terminal (scripts/lib/response-summary.ts)', () => {
  it('takes the criteria of a decision card detail by section, leaving evidence out and keeping what to document', () => {
    const detail = [
      '**Not covered.** Decided under CP.MP.171 Facet Joint Interventions (rev. 05/26).',
      '',
      '**Order:** Lumbar radiofrequency neurotomy, 1 level (CPT 64635)',
      '',
      '**Not met (1):**',
      '',
      '- At least 6 months since the last neurotomy (I.B.2.a): Previous neurotomy 2026-07-26',
      '  - Evidence: radiofrequency neurotomy on 2026-07-26.',
      '  - Eligible from **2027-01-26**.',
      '',
      '**To document (1):**',
      '',
      '- Relief for 6 months (I.B.2.b): no pain score',
      '  - Document: a 0\\-10 pain score \\*before\\* the neurotomy.',
      '',
      '**Not checked (2):**',
      '',
      '- Could not be checked: medicationStatements (timeout) — NSAIDs (I.A.1.b.ii); Fluoroscopic or CT guidance (Imaging Guidance; Table 2)',
      '',
      '**Read as:** Region: lumbar; - Read as: not a criterion.',
      '',
      '**Met (2):** One procedure per visit (I); Not pulsed radiofrequency (I.F).',
    ].join('\n');
    expect(criteriaFromDetail(detail)).toEqual([
      { status: 'not-met', title: 'At least 6 months since the last neurotomy', text: 'At least 6 months since the last neurotomy (I.B.2.a): Previous neurotomy 2026-07-26' },
      { status: 'not-documented', title: 'Relief for 6 months', text: 'Relief for 6 months (I.B.2.b): no pain score', toDocument: 'a 0-10 pain score *before* the neurotomy' },
      { status: 'not-checked', title: 'NSAIDs', text: 'NSAIDs (I.A.1.b.ii): Could not be checked: medicationStatements (timeout)' },
      { status: 'not-checked', title: 'Fluoroscopic or CT guidance', text: 'Fluoroscopic or CT guidance (Imaging Guidance; Table 2): Could not be checked: medicationStatements (timeout)' },
      { status: 'met', text: '' },
      { status: 'met', text: '' },
    ]);
  });

  it('turns escaped markdown back into plain text', () => {
    expect(plainText('**Bold** a\\_b \\[x\\] &lt;script&gt; 5 &amp; 6')).toBe('Bold a_b [x] <script> 5 & 6');
  });
});
