import { ValueSetMatcher, isNegated } from '../../src/declarations/value-sets';

/** Text matching in value sets: a term counts unless the clause negates it. */
const matcher = (...textPatterns: string[]) => new ValueSetMatcher('test', { title: 'test', textPatterns });

describe('ValueSetMatcher.matchesText', () => {
  const ultrasound = matcher('ultrasound', '\\bUS[- ]guided');
  const pulsed = matcher('pulsed', '\\bPRF\\b');

  it.each([
    'Ultrasound-guided medial branch block',
    'L4-L5 facet injection under ultrasound',
    'No sedation. Ultrasound guidance',
    'Not diabetic, ultrasound guidance requested',
  ])('matches an affirmed term: %s', (text) => expect(ultrasound.matchesText(text)).toBe(true));

  it.each([
    'Fluoroscopic guidance, not ultrasound',
    'without ultrasound',
    'Use fluoroscopy rather than ultrasound',
    'non-ultrasound technique',
    'Ultrasound not used; fluoroscopy',
    'Patient denies prior ultrasound guided procedures',
  ])('does not match a negated term: %s', (text) => expect(ultrasound.matchesText(text)).toBe(false));

  it('matches when any occurrence is affirmed', () => {
    expect(pulsed.matchesText('Not pulsed last time. This time pulsed RF')).toBe(true);
    expect(pulsed.matchesText('Conventional thermal RF, not pulsed')).toBe(false);
  });

  it('lets a comma end the negation ("without radiculopathy, cervical region" is still cervical)', () => {
    expect(matcher('\\bcervical\\b').matchesText('Spondylosis without myelopathy or radiculopathy, cervical region')).toBe(true);
  });

  it('mentionsText finds a term whether or not it is negated ("no fracture" mentions a fracture)', () => {
    const fracture = matcher('fracture');
    expect(fracture.mentionsText('No fracture or listhesis')).toBe(true);
    expect(fracture.matchesText('No fracture or listhesis')).toBe(false);
    expect(fracture.mentionsText('Facet arthropathy')).toBe(false);
    expect(fracture.mentionsText(undefined)).toBe(false);
  });

  it('keeps patterns that carry their own negation', () => {
    const intolerance = matcher('not tolerat', 'unable to tolerate', 'side[- ]effect');
    expect(intolerance.matchesText('NSAIDs were not tolerated')).toBe(true);
    expect(intolerance.matchesText('Patient unable to tolerate exercises')).toBe(true);
    expect(intolerance.matchesText('No side effects reported')).toBe(false);
  });

  it('reaches back at most six words', () => {
    expect(isNegated('no one expected that the procedure would need ultrasound', 48, 58)).toBe(false);
    expect(isNegated('no prior ultrasound', 9, 19)).toBe(true);
  });
});
