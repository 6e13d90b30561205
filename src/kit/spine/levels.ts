import type { CodeableConcept } from 'fhir/r4';
import { codingKey, conceptText } from '../../fhir/code-systems';
import type { ValueSets } from '../types';
import type { Region } from './regions';

export type Laterality = 'bilateral' | 'left' | 'right' | 'unspecified';

/** The declaration's table of body-site codes that name one facet joint level (coding.json `facetJointLevels`). */
export interface LevelCodes {
  /** "system|code" → "L3-L4". */
  facetJointLevels: Record<string, string>;
}

/** Vertebrae in anatomical order; a facet level is the joint between two adjacent ones ("L4-L5"). */
const VERTEBRAE = [
  ...Array.from({ length: 7 }, (_, i) => `C${i + 1}`),
  ...Array.from({ length: 12 }, (_, i) => `T${i + 1}`),
  ...Array.from({ length: 5 }, (_, i) => `L${i + 1}`),
  'S1',
];
const POSITION = new Map(VERTEBRAE.map((v, i) => [v, i]));
const LEVEL_TEXT = /\b([CTLS])\s?(\d{1,2})\s*(?:-|–|—|\/|to)\s*([CTLS])?\s?(\d{1,2})\b/gi;

/** Facet levels named in free text: "L4-5", "L5-S1", "C5/C6"; a span like "L3-L5" is its two levels. */
export function levelsInText(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(LEVEL_TEXT)) {
    const upper = `${match[1]!.toUpperCase()}${Number(match[2])}`;
    const lower = `${(match[3] ?? match[1])!.toUpperCase()}${Number(match[4])}`;
    const from = POSITION.get(upper);
    const to = POSITION.get(lower);
    if (from === undefined || to === undefined || to <= from || to - from > 6) continue;
    for (let i = from; i < to; i++) found.push(`${VERTEBRAE[i]}-${VERTEBRAE[i + 1]}`);
  }
  return found;
}

/** Distinct levels from body-site concepts: SNOMED facet joint codes, else level names in the text. */
export function levelsOf(concepts: CodeableConcept[], coding: LevelCodes): string[] {
  const levels = new Set<string>();
  const byCode = coding.facetJointLevels;
  for (const concept of concepts) {
    let coded = false;
    for (const c of concept.coding ?? []) {
      const key = codingKey(c);
      const level = key ? byCode[key] : undefined;
      if (level) {
        levels.add(level);
        coded = true;
      }
    }
    if (!coded) for (const level of levelsInText(conceptText(concept))) levels.add(level);
  }
  return sortLevels([...levels]);
}

const VERTEBRA_TEXT = /\b([CTLS])\s?(\d{1,2})\b/gi;

/** Single vertebrae or nerve roots named outside a level ("L5 radiculopathy", "compressing the L5 nerve root"). */
export function rootsInText(text: string): string[] {
  const outsideLevels = text.replace(LEVEL_TEXT, (m) => ' '.repeat(m.length));
  const found: string[] = [];
  for (const match of outsideLevels.matchAll(VERTEBRA_TEXT)) {
    const name = `${match[1]!.toUpperCase()}${Number(match[2])}`;
    if (POSITION.has(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

/**
 * Where along the spine evidence sits, as facet-joint positions (a joint is its upper vertebra's index):
 * a level is its joint; a root or single vertebra the joints above and below it (L5: L4-L5 and L5-S1).
 */
export function spinalPositions(levels: string[], roots: string[]): number[] {
  const positions = new Set<number>();
  for (const level of levels) {
    const upper = POSITION.get(level.split('-')[0]!);
    if (upper !== undefined) positions.add(upper);
  }
  for (const root of roots) {
    const at = POSITION.get(root)!;
    if (at > 0) positions.add(at - 1);
    if (at < VERTEBRAE.length - 1) positions.add(at);
  }
  return [...positions].sort((a, b) => a - b);
}

/** The same or an adjacent level: some position of one within one joint of some position of the other. */
export function sameOrAdjacentLevel(a: number[], b: number[]): boolean {
  return a.some((x) => b.some((y) => Math.abs(x - y) <= 1));
}

/** The levels two lists share ("L4-L5"), or none. */
export function sharedLevels(a: string[], b: string[]): string[] {
  return a.filter((level) => b.includes(level));
}

export function sortLevels(levels: string[]): string[] {
  return [...new Set(levels)].sort((a, b) => (POSITION.get(a.split('-')[0]!) ?? 99) - (POSITION.get(b.split('-')[0]!) ?? 99));
}

/** A level's region is its upper vertebra's (C7-T1 cervical, T12-L1 thoracic, L5-S1 lumbar), as CPT and SNOMED classify them. */
export function regionOfLevel(level: string): Region {
  const letter = level[0];
  return letter === 'C' ? 'cervical' : letter === 'T' ? 'thoracic' : 'lumbar';
}

/** Bilateral, left or right, from modifiers (50, LT, RT), SNOMED laterality or text in body sites and order details. */
export function lateralityOf(concepts: CodeableConcept[], vs: ValueSets): Laterality {
  const matches = (name: string) => concepts.some((c) => vs[name]!.matchesConcept(c));
  if (matches('bilateral')) return 'bilateral';
  const left = matches('leftSide');
  const right = matches('rightSide');
  if (left && right) return 'bilateral';
  if (left) return 'left';
  if (right) return 'right';
  return 'unspecified';
}

/**
 * Levels treated in a session charted as several lines, each with its side: a bilateral line counts for
 * both sides, once; the session's count is its busiest side (left L4-L5 and right L4-L5 are one level).
 */
export function busiestSideCount(lines: Array<{ laterality: Laterality; levels: number }>): number {
  const sides = { left: 0, right: 0, unspecified: 0 };
  for (const line of lines) {
    if (line.laterality === 'bilateral') {
      sides.left += line.levels;
      sides.right += line.levels;
    } else sides[line.laterality] += line.levels;
  }
  return Math.max(sides.left, sides.right, sides.unspecified);
}
