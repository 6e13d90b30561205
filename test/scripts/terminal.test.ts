import { plural } from '../../scripts/lib/terminal';

describe('plural (scripts/lib/terminal.ts)', () => {
  it('agrees the noun with the count', () => {
    expect(plural(1, 'patient')).toBe('1 patient');
    expect(plural(17, 'patient')).toBe('17 patients');
    expect(plural(0, 'card')).toBe('0 cards');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(19, 'entry', 'entries')).toBe('19 entries');
    expect(plural(1, 'criterion', 'criteria')).toBe('1 criterion');
  });
});
