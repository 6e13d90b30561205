import { criteriaFromDetail, plainText } from '../../scripts/lib/response-summary';

describe('reading a card back for the terminal (scripts/lib/response-summary.ts)', () => {
  it('takes the checklist lines of a decision card detail, leaving evidence out and keeping what to chart', () => {
    const detail = [
      '**Not covered** under CP.MP.171 Facet Joint Interventions (rev. 05/26).',
      '',
      'Criteria:',
      '',
      '- ❌ **Not met** · I.B.2.a At least 6 months since the last neurotomy: Previous neurotomy 2026-07-26 Evidence: radiofrequency neurotomy (Procedure/p-1). Qualifies from **2027-01-26**.',
      '- ⚠️ **Not documented** · I.B.2.b Relief for 6 months: no pain score Evidence: baseline pain 8. To document: Record a 0\\-10 pain score \\*before\\* the neurotomy.',
      '- ❔ **Not checked** · I.A.1.b.ii NSAIDs: the FHIR query failed',
      '- ✅ **Met** · I One procedure per visit: The only facet procedure on 2026-12-03',
      '- Read as: not a criterion',
    ].join('\n');
    expect(criteriaFromDetail(detail)).toEqual([
      { status: 'not-met', text: 'I.B.2.a At least 6 months since the last neurotomy: Previous neurotomy 2026-07-26' },
      { status: 'not-documented', text: 'I.B.2.b Relief for 6 months: no pain score', toDocument: 'Record a 0-10 pain score *before* the neurotomy.' },
      { status: 'not-checked', text: 'I.A.1.b.ii NSAIDs: the FHIR query failed' },
      { status: 'met', text: 'I One procedure per visit: The only facet procedure on 2026-12-03' },
    ]);
  });

  it('turns escaped markdown back into plain text', () => {
    expect(plainText('**Bold** a\\_b \\[x\\] &lt;script&gt; 5 &amp; 6')).toBe('Bold a_b [x] <script> 5 & 6');
  });
});
