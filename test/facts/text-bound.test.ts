import { TextBound } from '../../src/facts/text-bound';

/** The per-field text bound: text past it never reaches a matcher, values are never changed in place. */
describe('TextBound', () => {
  it('cuts strings and the text members of concepts and codings, and remembers each cut', () => {
    const bound = new TextBound(5);
    const concept = { text: 'abcdefgh', coding: [{ code: 'x', display: 'display text' }, null] };
    const values = ['short', 'much too long', concept, 42];
    const out = bound.values(values, 'Condition/c1', 'notes');
    expect(out).toEqual(['short', 'much ', { text: 'abcde', coding: [{ code: 'x', display: 'displ' }, null] }, 42]);
    expect(values[1]).toBe('much too long');
    expect(concept).toEqual({ text: 'abcdefgh', coding: [{ code: 'x', display: 'display text' }, null] });
    expect(bound.report()).toEqual({
      maxCharsPerField: 5,
      fields: [
        { reference: 'Condition/c1', field: 'notes', length: 13 },
        { reference: 'Condition/c1', field: 'notes.text', length: 8 },
        { reference: 'Condition/c1', field: 'notes.coding.display', length: 12 },
      ],
    });
  });

  it('hands back the same array when nothing is too long, and reports nothing', () => {
    const bound = new TextBound(100);
    const values = ['a', { text: 'b' }];
    expect(bound.values(values, 'Procedure/p', 'text')).toBe(values);
    expect(bound.report()).toBeUndefined();
  });

  it('lists 20 fields and counts the rest', () => {
    const bound = new TextBound(1);
    for (let i = 0; i < 25; i++) bound.text('long', `Observation/o${i}`, 'valueString');
    expect(bound.report()!.fields).toHaveLength(20);
    expect(bound.report()!.more).toBe(5);
  });
});
