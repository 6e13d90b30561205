import { ValueSetMatcher, isNegated, negationWindows } from '../../src/declarations/value-sets';

/** Text matching in value sets: a term counts unless the clause negates it. */
const matcher = (...textPatterns: Array<string | string[]>) => new ValueSetMatcher('test', { title: 'test', textPatterns });

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

describe('pattern groups: "A and B both occur" as two patterns', () => {
  const denervation = matcher(['facet|medial branch', 'denervat|radiofrequency'], 'rhizotomy');

  it.each(['Pulsed radiofrequency of lumbar facet medial branches', 'Medial branch denervation L4-L5', 'Radiofrequency, then the facet', 'Rhizotomy'])('matches when every pattern of a group occurs, in any order: %s', (text) =>
    expect(denervation.matchesText(text)).toBe(true),
  );

  it.each(['Facet joint injection', 'Radiofrequency ablation of the genicular nerves', 'Facet injection, no radiofrequency', 'Not a facet procedure: radiofrequency of the knee'])(
    'does not match when one of them is missing or negated: %s',
    (text) => expect(denervation.matchesText(text)).toBe(false),
  );
});

describe('linear work on long text', () => {
  it('reads at most 120 characters on each side of a match to decide negation, however long the text', () => {
    const text = `${'no facet, '.repeat(100_000)}ultrasound ${'guided '.repeat(100_000)}`;
    const start = text.indexOf('ultrasound');
    const { before, after } = negationWindows(text, start, start + 'ultrasound'.length);
    expect(before.length).toBeLessThanOrEqual(120);
    expect(after.length).toBeLessThanOrEqual(120);
    expect(isNegated(text, start, start + 10)).toBe(false);
  });

  it('decides a 300 KB text of repeated words (the occurrences negated one by one)', () => {
    expect(matcher(['facet', 'denervat']).matchesText('no facet, '.repeat(30_000))).toBe(false);
    expect(matcher(['facet', 'denervat']).matchesText(`${'facet '.repeat(50_000)}denervation`)).toBe(true);
  });
});
