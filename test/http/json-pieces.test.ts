import fc from 'fast-check';
import { JsonOutline, JsonShapeScanner } from '../../src/http/json-limits';
import { isDeferred, parseJsonPieces, settleDeferred, type Deferral } from '../../src/http/json-pieces';

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
function piecewise(text: string, depth: number, maxPiece: number, cuts: number[] = [], defer?: Deferral): unknown {
  const bytes = Buffer.from(text);
  const outline = new JsonOutline(depth);
  const scanner = new JsonShapeScanner(LIMITS, outline);
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
    if (cut < at) continue;
    scanner.feed(bytes.subarray(at, cut));
    at = cut;
  }
  return parseJsonPieces(bytes, 0, scanner.complete ? outline : undefined, maxPiece, defer);
}

/** Defers every top-level member named in `names` (the hook route defers `prefetch`); parse errors stay SyntaxErrors. */
const deferring = (names: string[]): Deferral => ({ members: new Set(names), failed: (error) => error as Error });

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

  describe('members left unparsed until read (the hook route’s prefetch)', () => {
    const objects = fc
      .tuple(fc.dictionary(fc.constantFrom('a', 'b', 'prefetch', 'context', '__proto__'), fc.jsonValue({ maxDepth: 5 }), { maxKeys: 5 }), fc.constantFrom(0, 1, ' '))
      .map(([value, indent]) => JSON.stringify(value, null, indent));
    const names = fc.subarray(['a', 'b', 'prefetch', 'context', '__proto__']);

    it('reading them gives JSON.parse’s value, key order included', () => {
      fc.assert(
        fc.property(objects, shapes, names, (text, { depth, maxPiece, cuts }, deferred) => {
          // JSON.stringify reads every member, the deferred ones through their accessors.
          expect(outcome(() => piecewise(text, depth, maxPiece, cuts, deferring(deferred)))).toEqual(outcome(() => JSON.parse(text)));
        }),
        settings(400),
      );
    });

    it('refuses exactly what JSON.parse refuses, whether the members are read or only settled', () => {
      const damage = fc.record({ at: fc.nat(), byte: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', 'x', '') });
      fc.assert(
        fc.property(objects, shapes, names, fc.array(damage, { minLength: 1, maxLength: 2 }), (text, { depth, maxPiece, cuts }, deferred, edits) => {
          let damaged = text;
          for (const { at, byte } of edits) {
            const i = at % (damaged.length + 1);
            damaged = damaged.slice(0, i) + byte + damaged.slice(i + 1);
          }
          const expected = outcome(() => JSON.parse(damaged));
          expect(outcome(() => piecewise(damaged, depth, maxPiece, cuts, deferring(deferred)))).toEqual(expected);
          const settled = outcome(() => {
            const value = piecewise(damaged, depth, maxPiece, cuts, deferring(deferred));
            settleDeferred(value);
            return 'settled';
          });
          expect('refused' in settled).toBe('refused' in expected);
        }),
        settings(800),
      );
    });

    it('leaves a large object member unparsed until it is read, then it is a plain value', () => {
      const text = JSON.stringify({ hook: 'order-sign', prefetch: { patient: { resourceType: 'Patient', id: 'p1' }, list: [1, 2, 3] }, context: { a: [1, 2] } });
      const value = piecewise(text, 4, 8, [], deferring(['prefetch'])) as Record<string, unknown>;
      expect(isDeferred(value, 'prefetch')).toBe(true);
      expect(Object.keys(value)).toEqual(['hook', 'prefetch', 'context']);
      expect(value.prefetch).toEqual(JSON.parse(text).prefetch);
      expect(isDeferred(value, 'prefetch')).toBe(false);
      expect(Object.getOwnPropertyDescriptor(value, 'prefetch')).toMatchObject({ writable: true, enumerable: true, configurable: true });
      expect(value.prefetch).toBe(value.prefetch); // parsed once
    });

    it('settles a malformed member never read with the refusal a whole parse gives, and a sound one silently', () => {
      const sound = '{"hook":"order-sign","prefetch":{"patient":{"id":"p1"},"list":[1,2,3]}}';
      const broken = '{"hook":"order-sign","prefetch":{"patient":{"id":"p1"},"list":[1,2 3]}}';
      expect(() => JSON.parse(broken)).toThrow(SyntaxError);
      const parsed = piecewise(broken, 4, 8, [], deferring(['prefetch'])) as Record<string, unknown>;
      expect(parsed.hook).toBe('order-sign'); // the rest of the body reads without it
      expect(() => settleDeferred(parsed)).toThrow(SyntaxError);
      expect(() => (parsed as { prefetch?: unknown }).prefetch).toThrow(SyntaxError);
      const ok = piecewise(sound, 4, 8, [], deferring(['prefetch']));
      expect(() => settleDeferred(ok)).not.toThrow();
      expect(isDeferred(ok as object, 'prefetch')).toBe(false);
      expect(JSON.stringify(ok)).toBe(sound);
    });

    it('parses a malformed member once: reading it again, or settling it, throws the same refusal without parsing it again', () => {
      // Code that reads the member once per order (order-dispatch resolves each reference) must not parse a large malformed prefetch each time.
      const broken = `{"hook":"order-sign","prefetch":{"list":[${Array.from({ length: 50 }, (_, i) => i).join(',')},,1]}}`;
      const parsed = piecewise(broken, 4, 8, [], deferring(['prefetch'])) as Record<string, unknown>;
      const parse = jest.spyOn(JSON, 'parse');
      try {
        let first: unknown;
        try {
          void parsed.prefetch;
        } catch (error) {
          first = error;
        }
        expect(first).toBeInstanceOf(SyntaxError);
        const once = parse.mock.calls.length;
        expect(once).toBeGreaterThan(0);
        for (let i = 0; i < 10; i++) expect(() => parsed.prefetch).toThrow(first as Error);
        expect(() => settleDeferred(parsed)).toThrow(first as Error);
        expect(parse.mock.calls.length).toBe(once);
      } finally {
        parse.mockRestore();
      }
    });

    it('checks a deferred member repeated later in the object, as JSON.parse does (the last wins)', () => {
      const text = '{"prefetch":{"x":[1,2,3,4,5]},"prefetch":{"y":[6,7,8,9,0]}}';
      expect(JSON.stringify(piecewise(text, 4, 4, [], deferring(['prefetch'])))).toBe(JSON.stringify(JSON.parse(text)));
      expect(() => piecewise('{"prefetch":{"x":[1,2,3,,5]},"prefetch":{"y":[6,7,8,9,0]}}', 4, 4, [], deferring(['prefetch']))).toThrow(SyntaxError);
      expect(() => piecewise('{"prefetch":{"x":[1,2,3,,5]},"prefetch":1}', 4, 4, [], deferring(['prefetch']))).toThrow(SyntaxError);
    });
  });
});
