import fc from 'fast-check';
import { JsonOutline, JsonShapeScanner } from '../../src/http/json-limits';
import { parseJsonPieces } from '../../src/http/json-pieces';

/**
 * Issue 15: a large request body is decoded and parsed in pieces (json-pieces), which must give exactly
 * what one JSON.parse of the whole text gives: the same value, the same key order, the same refusals.
 * Property tests on random JSON with tiny pieces (so that nearly everything is assembled), then on the
 * same texts with random damage. FUZZ_RUNS scales the runs, FUZZ_SEED replays one.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? '1');
const settings = (numRuns: number) => ({ numRuns: Math.max(1, Math.round(numRuns * RUNS)), ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) });

const LIMITS = { maxDepth: 100, maxMembers: 1_000_000 };

/** The text fed to the shape scanner in chunks cut at `cuts`, then parsed in pieces of at most `maxPiece` bytes. */
function piecewise(text: string, depth: number, maxPiece: number, cuts: number[] = []): unknown {
  const bytes = Buffer.from(text);
  const outline = new JsonOutline(depth);
  const scanner = new JsonShapeScanner(LIMITS, outline);
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
    if (cut < at) continue;
    scanner.feed(bytes.subarray(at, cut));
    at = cut;
  }
  return parseJsonPieces(bytes, 0, scanner.complete ? outline : undefined, maxPiece);
}

/** JSON.parse's answer, or the fact that it refused. */
function outcome(parse: () => unknown): { value: string } | { refused: true } {
  try {
    return { value: JSON.stringify(parse()) }; // key order included
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { refused: true };
  }
}

const texts = fc.tuple(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(0, 1, 2, '\t', ' \n ')).map(([value, indent]) => JSON.stringify(value, null, indent));
const shapes = fc.record({ depth: fc.integer({ min: 1, max: 8 }), maxPiece: fc.integer({ min: 1, max: 80 }), cuts: fc.array(fc.nat(), { maxLength: 4 }) });

describe('parseJsonPieces', () => {
  it('gives JSON.parse’s value, key order included, on random JSON', () => {
    fc.assert(
      fc.property(texts, shapes, (text, { depth, maxPiece, cuts }) => {
        expect(outcome(() => piecewise(text, depth, maxPiece, cuts))).toEqual(outcome(() => JSON.parse(text)));
      }),
      settings(600),
    );
  });

  it('refuses exactly what JSON.parse refuses, on random JSON with random damage', () => {
    const damage = fc.record({ at: fc.nat(), kind: fc.constantFrom('delete', 'insert', 'replace'), byte: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', ' ', '1', 'x', '\\', 'é') });
    fc.assert(
      fc.property(texts, shapes, fc.array(damage, { minLength: 1, maxLength: 3 }), (text, { depth, maxPiece, cuts }, edits) => {
        let damaged = text;
        for (const { at, kind, byte } of edits) {
          const i = at % (damaged.length + 1);
          damaged = damaged.slice(0, i) + (kind === 'delete' ? '' : byte) + damaged.slice(kind === 'insert' ? i : i + 1);
        }
        expect(outcome(() => piecewise(damaged, depth, maxPiece, cuts))).toEqual(outcome(() => JSON.parse(damaged)));
      }),
      settings(1500),
    );
  });

  it.each([
    ['a __proto__ key stays an own property, not the prototype', '{"a":[1,2,3,4],"__proto__":{"polluted":true},"b":[5,6,7,8]}'],
    ['a repeated key: the last value, in the first place', '{"a":[1,2,3,4],"b":[5,6,7,8],"a":[9,9,9,9]}'],
    ['empty containers and whitespace everywhere', ' { "a" : [ ] , "b" : { } , "c" : [ [ ] , { } , 1 ] } '],
    ['escaped quotes and brackets inside strings', '{"a\\"[":["]\\\\","{,:}"],"b":"\\u005b"}'],
    ['non-ASCII text across pieces', '{"é":["☃ 𝄞","日本語","é"],"x":[1,2,3]}'],
  ])('%s', (_name, text) => {
    expect(outcome(() => piecewise(text, 4, 2))).toEqual(outcome(() => JSON.parse(text)));
    const value = piecewise(text, 4, 2) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(Object.keys(JSON.parse(text) as object));
  });

  it.each([
    ['trailing text', '{"a":[1,2,3]} x'],
    ['two values', '[1,2,3] [4]'],
    ['a trailing comma', '{"a":[1,2,3],}'],
    ['a missing colon', '{"a" [1,2,3]}'],
    ['a number as key', '{1:[1,2,3]}'],
    ['mismatched brackets', '{"a":[1,2,3}]'],
    ['an empty member', '[1,,2,3,4,5]'],
    ['unterminated', '{"a":[1,2,3]'],
  ])('refuses %s as JSON.parse does', (_name, text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => piecewise(text, 4, 2)).toThrow(SyntaxError);
  });
});
