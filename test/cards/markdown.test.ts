import { escapeMarkdown, truncateSummary } from '../../src/cards/markdown';

describe('truncateSummary', () => {
  it('keeps a summary under 140 characters as it is, whitespace collapsed', () => {
    expect(truncateSummary('Meets policy:   Lumbar facet\njoint injection')).toBe('Meets policy: Lumbar facet joint injection');
  });

  it('cuts a long summary under 140 characters at a word, with an ellipsis', () => {
    const long = `Not covered: ${'Lumbar facet joint injection, '.repeat(8)}(Fluoroscopic or CT guidance)`;
    const cut = truncateSummary(long);
    expect(cut.length).toBeLessThan(140);
    expect(cut.endsWith('…')).toBe(true);
    expect(long.startsWith(cut.slice(0, -1))).toBe(true);
    expect(cut).not.toMatch(/[,\s]…$/);
  });

  it('cuts a summary with no spaces too', () => {
    expect(truncateSummary('x'.repeat(300)).length).toBeLessThan(140);
  });
});

describe('escapeMarkdown', () => {
  it('neutralises emphasis, links, code, tables and HTML from chart text', () => {
    expect(escapeMarkdown('*bold* _it_ [link](http://x) `code` a|b <img src=x>')).toBe('\\*bold\\* \\_it\\_ \\[link\\](http://x) \\`code\\` a\\|b &lt;img src=x>');
  });

  it('keeps chart text on one line', () => {
    expect(escapeMarkdown('line 1\r\nline 2\n- not a list')).toBe('line 1 line 2 - not a list');
  });
});
