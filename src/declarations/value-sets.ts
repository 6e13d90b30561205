import type { CodeableConcept, Coding } from 'fhir/r4';
import { StartupError } from '../errors';
import { canonicalCode, canonicalSystem, codingKey, conceptText } from '../fhir/code-systems';
import { isNegated } from '../kit/negation';
import { checkLinearPattern } from './linear-pattern';
import type { ValueSetJson } from './types';

/** One text pattern, compiled: `first` finds whether it occurs, `every` (g flag) visits each occurrence when the first is negated. */
interface TextPattern {
  first: RegExp;
  every: RegExp;
}

/**
 * A value set compiled once at start-up: exact codes in a Set, prefixes per system, text regexes. Text
 * patterns come in groups: a group matches when each of its patterns occurs, unnegated, anywhere in the
 * text ("A and B both occur", in any order); a plain string in `textPatterns` is a group of one.
 */
export class ValueSetMatcher {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Map<string, string[]>();
  private readonly ranges = new Map<string, Array<[string, string]>>();
  private readonly groups: TextPattern[][];

  constructor(
    readonly name: string,
    readonly json: ValueSetJson,
  ) {
    for (const include of json.include ?? []) {
      const system = canonicalSystem(include.system)!;
      for (const code of include.codes ?? []) this.exact.add(`${system}|${canonicalCode(system, code)}`);
      if (include.prefixes?.length) {
        const list = this.prefixes.get(system) ?? [];
        list.push(...include.prefixes.map((p) => canonicalCode(system, p)));
        this.prefixes.set(system, list);
      }
      for (const range of include.ranges ?? []) {
        const [from, to] = range;
        if (range.length !== 2 || typeof from !== 'string' || typeof to !== 'string' || from.length !== to.length || from > to) {
          throw new StartupError(`value set ${name}: range [${from}, ${to}] must be two same-length codes in order`);
        }
        const list = this.ranges.get(system) ?? [];
        list.push([from, to]);
        this.ranges.set(system, list);
      }
    }
    if (json.textPatterns !== undefined && !Array.isArray(json.textPatterns)) throw new StartupError(`value set ${name}: textPatterns must be an array`);
    this.groups = (json.textPatterns ?? []).map((entry) => {
      const group = typeof entry === 'string' ? [entry] : entry;
      if (!Array.isArray(group) || group.length === 0 || !group.every((p) => typeof p === 'string')) {
        throw new StartupError(`value set ${name}: each text pattern is a string, or a non-empty array of strings that must all occur; got ${JSON.stringify(entry)}`);
      }
      return group.map((pattern) => compileTextPattern(name, pattern));
    });
  }

  get hasCodes(): boolean {
    return this.exact.size > 0 || this.prefixes.size > 0 || this.ranges.size > 0;
  }

  get hasText(): boolean {
    return this.groups.length > 0;
  }

  /**
   * Answers already given, per key: the same codes come back on every resource and every request (a
   * declaration's answer never changes). Bounded: emptied when it reaches MAX_REMEMBERED_KEYS.
   */
  private readonly remembered = new Map<string, boolean>();

  /** Matches a canonical `system|code` key (see codingKey). */
  matchesKey(key: string): boolean {
    let answer = this.remembered.get(key);
    if (answer === undefined) {
      if (this.remembered.size >= MAX_REMEMBERED_KEYS) this.remembered.clear();
      this.remembered.set(key, (answer = this.computeMatchesKey(key)));
    }
    return answer;
  }

  private computeMatchesKey(key: string): boolean {
    if (this.exact.has(key)) return true;
    const bar = key.indexOf('|');
    const system = key.slice(0, bar);
    const code = key.slice(bar + 1);
    if (this.prefixes.get(system)?.some((prefix) => code.startsWith(prefix))) return true;
    return this.ranges.get(system)?.some(([from, to]) => code.length === from.length && code >= from && code <= to) ?? false;
  }

  matchesCoding(coding: Coding | undefined): boolean {
    const key = coding ? codingKey(coding) : undefined;
    return key !== undefined && this.matchesKey(key);
  }

  /**
   * True when, for some pattern group, each of its patterns occurs in the text with an occurrence that is not
   * negated in its clause (see isNegated). Linear in the text: every pattern passed the linear-time check.
   */
  matchesText(text: string | undefined): boolean {
    if (typeof text !== 'string' || text.length === 0) return false;
    return this.groups.some((group) => group.every((pattern) => occursUnnegated(pattern, text)));
  }

  /**
   * True when, for some pattern group, each of its patterns occurs in the text, negated or not: "no fracture"
   * mentions a fracture (see matchesText).
   */
  mentionsText(text: string | undefined): boolean {
    if (typeof text !== 'string' || text.length === 0) return false;
    return this.groups.some((group) => group.every((pattern) => pattern.first.test(text)));
  }

  /** Codings first; the concept's text and displays only when the value set declares text patterns. */
  matchesConcept(concept: CodeableConcept | undefined): boolean {
    if (!concept) return false;
    if (Array.isArray(concept.coding) && concept.coding.some((c) => this.matchesCoding(c))) return true;
    return this.matchesText(conceptText(concept));
  }

  matchingCodings(codings: Coding[] | undefined): Coding[] {
    return (codings ?? []).filter((c) => this.matchesCoding(c));
  }
}

/** Keys remembered per value set: past this many distinct codes (far more than any declaration reads), the memo starts over. */
const MAX_REMEMBERED_KEYS = 10_000;

function occursUnnegated(pattern: TextPattern, text: string): boolean {
  if (!pattern.first.test(text)) return false;
  const all = pattern.every;
  all.lastIndex = 0;
  for (let m = all.exec(text); m !== null; m = all.exec(text)) {
    if (!isNegated(text, m.index, m.index + m[0].length)) return true;
    if (m[0].length === 0) all.lastIndex++;
  }
  return false;
}

/**
 * A declaration's text pattern, case-insensitive, refused at start-up unless it matches in linear time
 * (see linear-pattern.ts): one request's text must never cost quadratic time.
 */
function compileTextPattern(valueSet: string, pattern: string): TextPattern {
  let first: RegExp;
  try {
    first = new RegExp(pattern, 'i');
  } catch (error) {
    throw new StartupError(`value set ${valueSet}: bad text pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
  const verdict = checkLinearPattern(pattern, 'i');
  if (!verdict.linear) throw new StartupError(`value set ${valueSet}: text pattern ${JSON.stringify(pattern)} can take super-linear time: ${verdict.reason}`);
  return { first, every: new RegExp(pattern, 'gi') };
}

export function compileValueSets(json: Record<string, ValueSetJson>): Record<string, ValueSetMatcher> {
  const compiled: Record<string, ValueSetMatcher> = {};
  for (const [name, valueSet] of Object.entries(json)) {
    if (!valueSet || typeof valueSet.title !== 'string') throw new StartupError(`value set ${name}: missing title`);
    compiled[name] = new ValueSetMatcher(name, valueSet);
  }
  return compiled;
}

/** The negation reader is the kit's (src/kit/negation.ts); re-exported for the engine's callers. */
export { isNegated, negationWindows } from '../kit/negation';
