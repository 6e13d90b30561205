import { isNegated } from '../../src/kit';
import { NEGATION_CUES } from '../../src/kit/negation';
import { checkLinearPattern } from '../../src/declarations/linear-pattern';

/** Whether `term` (its first occurrence in `text`) is negated by its clause. */
const negated = (text: string, term: string): boolean => {
  const start = text.toLowerCase().indexOf(term.toLowerCase());
  if (start < 0) throw new Error(`${term} is not in ${text}`);
  return isNegated(text, start, start + term.length);
};

describe('the negation reader (src/kit/negation.ts)', () => {
  it.each([
    ['Fluoroscopic guidance, not ultrasound', 'ultrasound'],
    ['Fluoroscopy-guided diagnostic medial branch block; ultrasound guidance is not used.', 'ultrasound'],
    ['Ultrasound: not used', 'ultrasound'],
    ['Radiofrequency ablation is not being considered; the patient declines ablation.', 'radiofrequency'],
    ['Radiofrequency ablation is not being considered', 'ablation'],
    ['RF neurotomy will not be pursued', 'neurotomy'],
    ['RFA is not an option for this patient', 'RFA'],
    ['The patient declines ablation.', 'ablation'],
    ['Pt has declined RFA', 'RFA'],
    ['Declined RFA at this time', 'RFA'],
    ['Patient refuses radiofrequency ablation', 'radiofrequency'],
    ['Compression fracture unlikely', 'fracture'],
    ['Synovial cyst excluded on MRI', 'cyst'],
    ['No synovial cyst', 'cyst'],
  ])('negates: %s (%s)', (text, term) => expect(negated(text, term)).toBe(true));

  it.each([
    ['Pain declined after RFA', 'RFA'],
    ['Pain declines after RFA to 2/10', 'RFA'],
    ['RFA if pain is not relieved', 'RFA'],
    ['Radiofrequency ablation planned if the blocks are positive', 'radiofrequency'],
    ['RFA with relief not required by the patient', 'RFA'],
    ['Ultrasound-guided block, fluoroscopy not used', 'ultrasound'],
    ['RF neurotomy considered; NSAIDs not tolerated', 'neurotomy'],
    ['Radiofrequency ablation of the L4-L5 medial branches after two positive blocks', 'radiofrequency'],
    ['Right L4-L5 facet joint synovial cyst compressing the traversing right L5 nerve root', 'synovial cyst'],
    ['Pain not controlled, declined surgery, ultrasound guidance requested', 'ultrasound'],
  ])('does not negate: %s (%s)', (text, term) => expect(negated(text, term)).toBe(false));

  it('reaches a verbal negation across at most three words of the clause', () => {
    expect(negated('ultrasound guidance for the block is not used', 'ultrasound')).toBe(false); // "for" starts another phrase
    expect(negated('ultrasound probe guidance technique is not used', 'ultrasound')).toBe(true);
    expect(negated('ultrasound probe guidance technique today is not used', 'ultrasound')).toBe(false);
  });

  it('uses only cues that match in linear time (the declaration loader\'s check)', () => {
    for (const cue of NEGATION_CUES) expect({ cue: cue.source, verdict: checkLinearPattern(cue.source, cue.flags.replace('g', '')) }).toEqual({ cue: cue.source, verdict: { linear: true } });
  });
});
