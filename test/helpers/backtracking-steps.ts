import { parsePattern, type PatternNode } from '../../src/declarations/linear-pattern';

/**
 * A model of a backtracking regex search (what V8's irregexp does, without its shortcuts), counting its
 * steps: each character compared and each assertion checked. The tests use it to count the work a pattern
 * costs on a text, so that linear behaviour is checked by counting, never by timing.
 */
export function searchSteps(source: string, flags: string, text: string, budget = 50_000_000): { found: boolean; steps: number; exhausted: boolean } {
  const { root } = parsePattern(source, flags);
  const multiline = flags.includes('m');
  let steps = 0;
  const isWord = (i: number) => i >= 0 && i < text.length && /\w/.test(text[i]!);
  const inSet = (set: Array<[number, number]>, code: number) => set.some(([a, b]) => code >= a && code <= b);

  class Exhausted extends Error {}
  const step = () => {
    if (++steps > budget) throw new Exhausted();
  };

  /** Matches `node` at `pos`, then the continuation; true when the whole match succeeds. */
  function match(node: PatternNode, pos: number, k: (pos: number) => boolean): boolean {
    switch (node.kind) {
      case 'char':
        step();
        return pos < text.length && inSet(node.set, text.charCodeAt(pos)) && k(pos + 1);
      case 'assert': {
        step();
        const ok =
          node.what === '^'
            ? pos === 0 || (multiline && text[pos - 1] === '\n')
            : node.what === '$'
              ? pos === text.length || (multiline && text[pos] === '\n')
              : (isWord(pos - 1) !== isWord(pos)) === (node.what === 'b');
        return ok && k(pos);
      }
      case 'seq': {
        const run = (i: number, p: number): boolean => (i === node.items.length ? k(p) : match(node.items[i]!, p, (q) => run(i + 1, q)));
        return run(0, pos);
      }
      case 'alt':
        return node.options.some((option) => match(option, pos, k));
      case 'repeat': {
        const { body, min, max, lazy } = node;
        if (body.kind === 'char') {
          // A single-character repeat. Greedy: scan the run once, then give characters back one at a time.
          if (lazy) {
            for (let n = 0; n <= max; n++) {
              if (n > 0) {
                if (pos + n > text.length) return false;
                step();
                if (!inSet(body.set, text.charCodeAt(pos + n - 1))) return false;
              }
              if (n >= min && k(pos + n)) return true;
            }
            return false;
          }
          let run = 0;
          while (run < max && pos + run < text.length) {
            step();
            if (!inSet(body.set, text.charCodeAt(pos + run))) break;
            run++;
          }
          for (let n = run; n >= min; n--) if (k(pos + n)) return true;
          return false;
        }
        const rep = (count: number, p: number): boolean => {
          const more = () => count < max && match(body, p, (q) => q !== p && rep(count + 1, q));
          const done = () => count >= min && k(p);
          return lazy ? done() || more() : more() || done();
        };
        return rep(0, pos);
      }
    }
  }

  try {
    for (let start = 0; start <= text.length; start++) {
      if (match(root, start, () => true)) return { found: true, steps, exhausted: false };
    }
    return { found: false, steps, exhausted: false };
  } catch (error) {
    if (error instanceof Exhausted) return { found: false, steps, exhausted: true };
    throw error;
  }
}

/**
 * Texts that make a backtracking search work hard, built from the pattern itself: every prefix of a
 * string the pattern matches, repeated (with and without a space between), and long runs of each
 * character it uses. `A[\s\S]*B` meets "AAAA…", `a+b` meets "aaaa…", `zygapophys[a-z]*x` meets
 * "zygapophyszygapophys…". Returns a function giving such a text of about `length` characters.
 */
export function adversarialTexts(source: string, flags: string): Array<(length: number) => string> {
  const { root } = parsePattern(source, flags);
  const samples = sampleStrings(root, 6);
  const seeds = new Set<string>();
  for (const sample of samples) {
    for (let i = 1; i <= sample.length; i++) {
      const prefix = sample.slice(0, i);
      seeds.add(prefix);
      seeds.add(`${prefix} `);
    }
  }
  for (const ch of charactersOf(root)) seeds.add(ch);
  // Each seed repeated, and repeated with a character no pattern expects at the end (so a search that
  // has matched most of the text must give it all back).
  return [...seeds].flatMap((seed) => {
    const repeated = (length: number) => seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
    return [repeated, (length: number) => `${repeated(length - 1)}\u0001`];
  });
}

function representative(set: Array<[number, number]>): string {
  const preferred = [...'aeioustnrlcdpmhgbfywkvxzjqAETSL0123456789 -./:_'];
  for (const ch of preferred) if (set.some(([a, b]) => ch.charCodeAt(0) >= a && ch.charCodeAt(0) <= b)) return ch;
  return String.fromCharCode(set[0]?.[0] ?? 63);
}

function charactersOf(node: PatternNode): Set<string> {
  const out = new Set<string>();
  const visit = (n: PatternNode) => {
    if (n.kind === 'char') out.add(representative(n.set));
    else if (n.kind === 'seq') n.items.forEach(visit);
    else if (n.kind === 'alt') n.options.forEach(visit);
    else if (n.kind === 'repeat') visit(n.body);
  };
  visit(node);
  return out;
}

/** A few strings the node matches (assertions ignored), at most `limit`. */
function sampleStrings(node: PatternNode, limit: number): string[] {
  switch (node.kind) {
    case 'char':
      return [representative(node.set)];
    case 'assert':
      return [''];
    case 'alt':
      return node.options.flatMap((o) => sampleStrings(o, limit)).slice(0, limit);
    case 'seq': {
      let acc = [''];
      for (const item of node.items) {
        const next = sampleStrings(item, limit);
        acc = acc.flatMap((a) => next.map((b) => a + b)).slice(0, limit);
      }
      return acc;
    }
    case 'repeat': {
      const body = sampleStrings(node.body, limit);
      const times = Math.max(node.min, Math.min(node.max, node.min + 1, 3));
      return body.map((b) => b.repeat(times)).concat(node.min === 0 ? [''] : []).slice(0, limit);
    }
  }
}
