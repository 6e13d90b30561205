/**
 * Which regular expressions V8's backtracking engine runs in time linear in the text, decided from the
 * pattern alone, once, when a declaration loads (and, in a test, for every regex literal in src/).
 *
 * A backtracking search tries the pattern at each start position. It stays linear when no text is read
 * by many attempts, or many times by one attempt. Two shapes break that, and the check refuses both:
 *
 * - a repeated group (`(a+)+`, `(\w|\d)*`, `(ab)*`): nested quantifiers and alternatives under a
 *   quantifier can split the same text in exponentially many ways. Only a single character (or class)
 *   may repeat without bound; a group may be optional (`?`) or repeated a bounded number of times.
 * - an unbounded repeat `x*` / `x+` that can be entered, or left, at many places of one run of the
 *   characters it matches, when something after it can still fail. `A[\s\S]*B` is the classic case:
 *   from every occurrence of A the wildcard runs to the end of the text and backs off looking for B,
 *   so n occurrences of A cost n² steps, and so does `a+b` on a long run of "a". Such a repeat must be
 *   reached only across a "barrier" (a character its class cannot match, or the `^` anchor) a bounded
 *   distance before it, and be left only across one (or the match may end right after it): then each
 *   run of its characters is scanned by a bounded number of attempts, a bounded number of times.
 *
 * "A and B both occur" is therefore not one pattern `A[\s\S]*B|B[\s\S]*A` but two patterns that must
 * both occur (a pattern group in a value set's `textPatterns`; see value-sets.ts).
 *
 * Anything the parser does not know (lookaround, backreferences) is refused too: the check is
 * conservative, it never accepts a pattern it cannot reason about.
 */

/** Inclusive UTF-16 code unit ranges, sorted and disjoint. */
type CharSet = Array<[number, number]>;

export type PatternNode =
  | { kind: 'char'; set: CharSet; source: string }
  | { kind: 'assert'; what: '^' | '$' | 'b' | 'B' }
  | { kind: 'seq'; items: PatternNode[] }
  | { kind: 'alt'; options: PatternNode[] }
  | { kind: 'repeat'; body: PatternNode; min: number; max: number; lazy: boolean; source: string };

export interface ParsedPattern {
  root: PatternNode;
  flags: string;
}

export type LinearVerdict = { linear: true } | { linear: false; reason: string };

/** Repeats bounded above this count are treated as unbounded. */
const MAX_BOUNDED_REPEAT = 256;
/** Bounded repeats of groups are unrolled; a pattern larger than this after unrolling is refused. */
const MAX_POSITIONS = 5000;
const MAX_CODE_UNIT = 0xffff;

class PatternError extends Error {}

/** Whether V8 runs this pattern in linear time (see the module comment); the reason when it may not. */
export function checkLinearPattern(source: string, flags = ''): LinearVerdict {
  try {
    new RegExp(source, flags);
  } catch (error) {
    return { linear: false, reason: `it is not a valid regular expression (${(error as Error).message})` };
  }
  try {
    const parsed = parsePattern(source, flags);
    const problem = superLinearShape(parsed);
    return problem ? { linear: false, reason: problem } : { linear: true };
  } catch (error) {
    if (error instanceof PatternError) return { linear: false, reason: error.message };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Parsing (the JavaScript syntax subset declarations and src/ use)

export function parsePattern(source: string, flags = ''): ParsedPattern {
  const ignoreCase = flags.includes('i');
  const dotAll = flags.includes('s');
  let i = 0;

  const peek = () => source[i];
  const atEnd = () => i >= source.length;

  function alternation(): PatternNode {
    const options = [sequence()];
    while (peek() === '|') {
      i++;
      options.push(sequence());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  function sequence(): PatternNode {
    const items: PatternNode[] = [];
    while (!atEnd() && peek() !== '|' && peek() !== ')') {
      const start = i;
      const atom = term();
      items.push(quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  function quantified(atom: PatternNode, start: number): PatternNode {
    let min: number;
    let max: number;
    const c = peek();
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return atom; // a literal "{" (Annex B)
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      i += m[0].length - 1;
    } else return atom;
    i++;
    let lazy = false;
    if (peek() === '?') {
      lazy = true;
      i++;
    }
    if (atom.kind === 'assert') throw new PatternError(`a quantifier on an assertion (${source.slice(start, i)})`);
    return { kind: 'repeat', body: atom, min, max, lazy, source: source.slice(start, i) };
  }

  function term(): PatternNode {
    const c = source[i]!;
    if (c === '^' || c === '$') {
      i++;
      return { kind: 'assert', what: c };
    }
    if (c === '(') {
      i++;
      if (source.startsWith('?:', i)) i += 2;
      else if (source.startsWith('?<', i) && source[i + 2] !== '=' && source[i + 2] !== '!') {
        const close = source.indexOf('>', i);
        i = close + 1;
      } else if (source[i] === '?') {
        throw new PatternError(`a lookaround group (${source.slice(i - 1, i + 3)}…), which the linear-time check does not accept`);
      }
      const body = alternation();
      if (peek() !== ')') throw new PatternError('an unbalanced group');
      i++;
      return body;
    }
    if (c === '[') return charClass();
    if (c === '.') {
      i++;
      return { kind: 'char', set: dotAll ? [[0, MAX_CODE_UNIT]] : complement(normalize([[10, 10], [13, 13], [0x2028, 0x2029]])), source: '.' };
    }
    if (c === '\\') {
      const start = i;
      i++;
      const e = source[i]!;
      if (e === 'b' || e === 'B') {
        i++;
        return { kind: 'assert', what: e };
      }
      if (/[1-9]/.test(e) || e === 'k') throw new PatternError(`a backreference (${source.slice(start, i + 1)}), which the linear-time check does not accept`);
      const set = escapeSet();
      return { kind: 'char', set: ignoreCase ? foldCase(set) : set, source: source.slice(start, i) };
    }
    i++;
    const code = c.charCodeAt(0);
    const set: CharSet = [[code, code]];
    return { kind: 'char', set: ignoreCase ? foldCase(set) : set, source: c };
  }

  /** After a backslash (outside or inside a class): the characters the escape stands for. */
  function escapeSet(inClass = false): CharSet {
    const e = source[i]!;
    i++;
    switch (e) {
      case 'd':
        return DIGIT;
      case 'D':
        return complement(DIGIT);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(SPACE);
      case 'n':
        return single(10);
      case 'r':
        return single(13);
      case 't':
        return single(9);
      case 'v':
        return single(11);
      case 'f':
        return single(12);
      case '0':
        return single(0);
      case 'b':
        if (inClass) return single(8);
        break;
      case 'c': {
        const letter = source[i];
        if (letter && /[A-Za-z]/.test(letter)) {
          i++;
          return single(letter.charCodeAt(0) % 32);
        }
        return single('\\'.charCodeAt(0));
      }
      case 'x': {
        const hex = /^[0-9A-Fa-f]{2}/.exec(source.slice(i));
        if (hex) {
          i += 2;
          return single(parseInt(hex[0], 16));
        }
        return single('x'.charCodeAt(0));
      }
      case 'u': {
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(source.slice(i));
        if (braced) {
          i += braced[0].length;
          const cp = parseInt(braced[1]!, 16);
          // Outside the BMP: both surrogate halves (conservative).
          return cp > MAX_CODE_UNIT ? normalize([[0xd800, 0xdfff]]) : single(cp);
        }
        const hex = /^[0-9A-Fa-f]{4}/.exec(source.slice(i));
        if (hex) {
          i += 4;
          return single(parseInt(hex[0], 16));
        }
        return single('u'.charCodeAt(0));
      }
      case 'p':
      case 'P':
        if (source[i] === '{') {
          // A Unicode property: any character, as far as this check is concerned (conservative).
          i = source.indexOf('}', i) + 1;
          return [[0, MAX_CODE_UNIT]];
        }
        break;
    }
    return single(e.charCodeAt(0));
  }

  function charClass(): PatternNode {
    const start = i;
    i++; // [
    let negated = false;
    if (peek() === '^') {
      negated = true;
      i++;
    }
    const ranges: CharSet = [];
    while (!atEnd() && peek() !== ']') {
      const from = classAtom();
      if (peek() === '-' && source[i + 1] !== ']' && source[i + 1] !== undefined && from.length === 1 && from[0]![0] === from[0]![1]) {
        i++;
        const to = classAtom();
        if (to.length === 1 && to[0]![0] === to[0]![1]) {
          ranges.push([from[0]![0], to[0]![0]]);
          continue;
        }
        ranges.push(...from, [45, 45], ...to);
        continue;
      }
      ranges.push(...from);
    }
    i++; // ]
    let set = normalize(ranges);
    if (ignoreCase) set = foldCase(set);
    if (negated) set = complement(set);
    return { kind: 'char', set, source: source.slice(start, i) };
  }

  function classAtom(): CharSet {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      return escapeSet(true);
    }
    i++;
    return single(c.charCodeAt(0));
  }

  const root = alternation();
  if (!atEnd()) throw new PatternError('an unbalanced group');
  return { root, flags };
}

const single = (code: number): CharSet => [[code, code]];
const DIGIT: CharSet = [[48, 57]];
const WORD: CharSet = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
const SPACE: CharSet = normalize([
  [9, 13],
  [32, 32],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);

function normalize(ranges: CharSet): CharSet {
  const sorted = ranges.map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0] - y[0]);
  const out: CharSet = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function complement(set: CharSet): CharSet {
  const out: CharSet = [];
  let next = 0;
  for (const [a, b] of normalize(set)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_UNIT) out.push([next, MAX_CODE_UNIT]);
  return out;
}

/**
 * Case-insensitive matching without the u flag folds ASCII letters among themselves and other characters
 * among non-ASCII ones (ES Canonicalize). ASCII is folded exactly; a large non-ASCII range is widened to
 * all non-ASCII code units (conservative: it can only make overlaps more likely, never hide one).
 */
function foldCase(set: CharSet): CharSet {
  const out: CharSet = [...set];
  let nonAscii = 0;
  for (const [a, b] of set) {
    for (let c = a; c <= Math.min(b, 127); c++) {
      const ch = String.fromCharCode(c);
      for (const folded of [ch.toUpperCase(), ch.toLowerCase()]) if (folded.length === 1 && folded.charCodeAt(0) < 128) out.push(single(folded.charCodeAt(0))[0]!);
    }
    if (b >= 128) nonAscii += b - Math.max(a, 128) + 1;
  }
  if (nonAscii > 2000) out.push([128, MAX_CODE_UNIT]);
  else {
    for (const [a, b] of set) {
      for (let c = Math.max(a, 128); c <= b; c++) {
        const ch = String.fromCharCode(c);
        for (const folded of [ch.toUpperCase(), ch.toLowerCase()]) if (folded.length === 1 && folded.charCodeAt(0) >= 128) out.push(single(folded.charCodeAt(0))[0]!);
      }
    }
  }
  return normalize(out);
}

function overlaps(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [a0, a1] = a[i]!;
    const [b0, b1] = b[j]!;
    if (a1 < b0) i++;
    else if (b1 < a0) j++;
    else return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// The check: Glushkov positions (one per character or assertion), who can come before and after whom.

interface Position {
  id: number;
  kind: 'char' | 'assert';
  set?: CharSet;
  what?: '^' | '$' | 'b' | 'B';
  /** Set on a character repeated without bound (its own follower). */
  unbounded?: boolean;
  source: string;
}

interface Linear {
  nullable: boolean;
  first: Set<number>;
  last: Set<number>;
}

const START = -1;
const END = -2;

function superLinearShape(parsed: ParsedPattern): string | undefined {
  const positions: Position[] = [];
  const follow = new Map<number, Set<number>>();
  const link = (from: Iterable<number>, to: Iterable<number>) => {
    for (const f of from) {
      let set = follow.get(f);
      if (!set) follow.set(f, (set = new Set()));
      for (const t of to) set.add(t);
    }
  };

  function build(node: PatternNode): Linear {
    switch (node.kind) {
      case 'char':
      case 'assert': {
        const p: Position = node.kind === 'char' ? { id: positions.length, kind: 'char', set: node.set, source: node.source } : { id: positions.length, kind: 'assert', what: node.what, source: node.what === '^' || node.what === '$' ? node.what : `\\${node.what}` };
        positions.push(p);
        if (positions.length > MAX_POSITIONS) throw new PatternError('it is too large once its bounded repeats are counted out');
        return { nullable: false, first: new Set([p.id]), last: new Set([p.id]) };
      }
      case 'seq': {
        let acc: Linear = { nullable: true, first: new Set(), last: new Set() };
        for (const item of node.items) acc = concat(acc, build(item));
        return acc;
      }
      case 'alt': {
        const parts = node.options.map(build);
        return {
          nullable: parts.some((p) => p.nullable),
          first: new Set(parts.flatMap((p) => [...p.first])),
          last: new Set(parts.flatMap((p) => [...p.last])),
        };
      }
      case 'repeat':
        return repeat(node);
    }
  }

  function concat(a: Linear, b: Linear): Linear {
    link(a.last, b.first);
    return {
      nullable: a.nullable && b.nullable,
      first: a.nullable ? new Set([...a.first, ...b.first]) : a.first,
      last: b.nullable ? new Set([...a.last, ...b.last]) : b.last,
    };
  }

  function repeat(node: Extract<PatternNode, { kind: 'repeat' }>): Linear {
    const { body, min, max } = node;
    if (max === 0) return { nullable: true, first: new Set(), last: new Set() };
    if (body.kind === 'char') {
      const p: Position = { id: positions.length, kind: 'char', set: body.set, source: node.source, ...(max > MAX_BOUNDED_REPEAT ? { unbounded: true } : {}) };
      positions.push(p);
      if (max > 1) link([p.id], [p.id]);
      return { nullable: min === 0, first: new Set([p.id]), last: new Set([p.id]) };
    }
    if (max === 1) {
      const inner = build(body);
      return { ...inner, nullable: true };
    }
    if (max > MAX_BOUNDED_REPEAT || max === Infinity) {
      const inner = JSON.stringify(body);
      const why = /"kind":"repeat"/.test(inner)
        ? 'nested quantifiers'
        : /"kind":"alt"/.test(inner)
          ? 'alternatives under an unbounded quantifier'
          : 'a group repeated without bound';
      throw new PatternError(`${why} (${node.source}) can split the same text in very many ways; repeat single characters only`);
    }
    // A bounded repeat of a group: that many copies of it, those past the minimum optional (x{1,3} = x x? x?).
    let acc: Linear = { nullable: true, first: new Set(), last: new Set() };
    for (let k = 0; k < max; k++) {
      const copy = build(body);
      acc = concat(acc, k < min ? copy : { ...copy, nullable: true });
    }
    return acc;
  }

  const root = build(parsed.root);
  link([START], root.first);
  if (root.nullable) link([START], [END]);
  link(root.last, [END]);

  const preceding = new Map<number, Set<number>>();
  for (const [from, tos] of follow) {
    for (const to of tos) {
      let set = preceding.get(to);
      if (!set) preceding.set(to, (set = new Set()));
      set.add(from);
    }
  }
  const multiline = parsed.flags.includes('m');
  const sticky = parsed.flags.includes('y');

  for (const x of positions) {
    if (!x.unbounded) continue;
    const after = follow.get(x.id) ?? new Set();
    // The match may end right after the run: an attempt that reaches it succeeds, nothing backs into it.
    if (after.has(END)) continue;

    const forward = walk(x, after, follow, (p) => p.kind === 'assert' && p.what === '$');
    if (forward.unboundedOverlap) {
      return `the unbounded ${quote(x.source)} is followed by ${quote(forward.unboundedOverlap.source)}, which can match the same characters: an unbounded wildcard between two groups can split the text in many ways, and backs off over all of it when what follows fails`;
    }
    const backward = walk(x, preceding.get(x.id) ?? new Set(), preceding, (p) => p.kind === 'assert' && p.what === '^' && !multiline);
    if (backward.unboundedOverlap) {
      return `the unbounded ${quote(x.source)} comes after ${quote(backward.unboundedOverlap.source)}, which can match the same characters: an unbounded wildcard between two groups can split the text in many ways`;
    }
    if (backward.reachedEdge && !sticky) {
      return `the unbounded ${quote(x.source)} can be entered at every point of a run of the characters it matches${backward.lastOverlap ? ` (what comes before it, such as ${quote(backward.lastOverlap.source)}, is made of them too)` : ''}, and each time it scans to the end of the run before what follows it fails: quadratic time (an unbounded wildcard between groups). Anchor the pattern with ^, put a character it cannot match before it, bound it ({0,n}), or write "A and B both occur" as a pattern group`;
    }
  }
  return undefined;

  /**
   * From x's neighbours (followers or predecessors), across characters x's class can also match and across
   * zero-width assertions, until a barrier: a character x cannot match, or `stop` (^ going back, $ going on).
   */
  function walk(
    x: Position,
    from: Set<number>,
    edges: Map<number, Set<number>>,
    stop: (p: Position) => boolean,
  ): { unboundedOverlap?: Position; reachedEdge: boolean; lastOverlap?: Position } {
    const seen = new Set<number>([x.id]);
    const queue = [...from];
    let reachedEdge = false;
    let lastOverlap: Position | undefined;
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (id === START || id === END) {
        reachedEdge = true;
        continue;
      }
      const p = positions[id]!;
      if (p.kind === 'assert') {
        if (stop(p)) continue;
      } else {
        if (!overlaps(p.set!, x.set!)) continue; // a barrier
        if (p.unbounded) return { unboundedOverlap: p, reachedEdge };
        lastOverlap = p;
      }
      for (const next of edges.get(id) ?? []) queue.push(next);
    }
    return { reachedEdge, ...(lastOverlap ? { lastOverlap } : {}) };
  }
}

function quote(source: string): string {
  return `"${source}"`;
}
