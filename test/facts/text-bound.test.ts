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

  it('cuts the decoded text of a text attachment (a report\'s presentedForm) as one field, and leaves other attachments alone', () => {
    const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const bound = new TextBound(10);
    const long = { contentType: 'text/plain; charset=utf-8', data: base64('Degenerate. L1 burst fracture.') };
    const short = { contentType: 'text/plain', data: base64('No break.') };
    const accented = { contentType: 'text/plain', data: base64('éééééééééé') }; // 10 characters, 20 bytes: within the bound
    const pdf = { contentType: 'application/pdf', data: base64('x'.repeat(100)) };
    const out = bound.values([long, short, accented, pdf], 'DiagnosticReport/dr-1', 'presentedForm');
    expect(out).toEqual([{ contentType: 'text/plain; charset=utf-8', data: base64('Degenerate') }, short, accented, pdf]);
    expect(out[1]).toBe(short);
    expect(long.data).toBe(base64('Degenerate. L1 burst fracture.'));
    expect(bound.report()).toEqual({ maxCharsPerField: 10, fields: [{ reference: 'DiagnosticReport/dr-1', field: 'presentedForm text', length: 30 }] });
  });

  it('lists 20 fields and counts the rest', () => {
    const bound = new TextBound(1);
    for (let i = 0; i < 25; i++) bound.text('long', `Observation/o${i}`, 'valueString');
    expect(bound.report()!.fields).toHaveLength(20);
    expect(bound.report()!.more).toBe(5);
  });
});
