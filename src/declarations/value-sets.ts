import type { CodeableConcept, Coding } from 'fhir/r4';
import { StartupError } from '../errors';
import { canonicalCode, canonicalSystem, codingKey, conceptText } from '../fhir/code-systems';
import type { ValueSetJson } from './types';

/** A value set compiled once at start-up: exact codes in a Set, prefixes per system, text regexes. */
export class ValueSetMatcher {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Map<string, string[]>();
  private readonly ranges = new Map<string, Array<[string, string]>>();
  private readonly patterns: RegExp[];

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
    this.patterns = (json.textPatterns ?? []).map((pattern) => {
      try {
        return new RegExp(pattern, 'i');
      } catch (error) {
        throw new StartupError(`value set ${name}: bad text pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
      }
    });
  }

  get hasCodes(): boolean {
    return this.exact.size > 0 || this.prefixes.size > 0 || this.ranges.size > 0;
  }

  get hasText(): boolean {
    return this.patterns.length > 0;
  }

  /** Matches a canonical `system|code` key (see codingKey). */
  matchesKey(key: string): boolean {
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

  matchesText(text: string | undefined): boolean {
    return typeof text === 'string' && text.length > 0 && this.patterns.some((p) => p.test(text));
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

export function compileValueSets(json: Record<string, ValueSetJson>): Record<string, ValueSetMatcher> {
  const compiled: Record<string, ValueSetMatcher> = {};
  for (const [name, valueSet] of Object.entries(json)) {
    if (!valueSet || typeof valueSet.title !== 'string') throw new StartupError(`value set ${name}: missing title`);
    compiled[name] = new ValueSetMatcher(name, valueSet);
  }
  return compiled;
}
