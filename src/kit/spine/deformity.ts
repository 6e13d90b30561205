import { isNegated } from '../negation';
import { quote, sentencesOf } from '../report-words';
import type { ValueSets } from '../types';
import { regionsNamed, type Region } from './regions';

/**
 * The size of a spinal curve as a report or a diagnosis states it, in Cobb degrees: "Cobb angle 38 degrees",
 * "Cobb 38°", "a 38° curve". A policy compares it with its declared threshold (the LCD's "significant
 * deformity", C4). Both patterns are linear: fixed words, a bounded number, no nested quantifier.
 */
const COBB_THEN_DEGREES = /\bcobb(?: angle)?(?: of| measuring| measures| is| =|:)? ?(\d{1,3}(?:\.\d{1,2})?) ?(?:°|º|deg\b|degrees?\b)/gi;
const DEGREES_THEN_CURVE = /\b(\d{1,3}(?:\.\d{1,2})?) ?(?:°|º|-degree|degrees?) (?:cobb|curve|curvature|scoliosis|kyphosis)\b/gi;

/** The patterns, for the linear-time check (test/kit/deformity.test.ts). */
export const COBB_PATTERNS: readonly RegExp[] = [COBB_THEN_DEGREES, DEGREES_THEN_CURVE];

/** Cobb angles a text states, unnegated, in degrees. */
export function cobbAngles(text: string): number[] {
  const angles: number[] = [];
  for (const pattern of COBB_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      if (!isNegated(text, m.index, m.index + m[0].length)) angles.push(Number(m[1]));
    }
  }
  return angles;
}

/** A sentence stating a Cobb angle: the largest angle it states, the sentence (for the card), the regions it names. */
export interface CobbFinding {
  degrees: number;
  quote: string;
  regions: Region[];
}

/** Each sentence of `texts` that states a Cobb angle, with the largest it states and the regions it names. */
export function cobbFindings(texts: string[], vs: ValueSets): CobbFinding[] {
  return sentencesOf(texts).flatMap((sentence) => {
    const angles = cobbAngles(sentence);
    return angles.length === 0 ? [] : [{ degrees: Math.max(...angles), quote: quote(sentence), regions: regionsNamed([{ text: sentence }], vs) }];
  });
}
