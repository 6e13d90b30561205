import { regionsNamed, type Region } from './spine/regions';
import type { ValueSets } from './types';

/**
 * An imaging report's words, read sentence by sentence with the declaration's negation-aware matcher:
 * "pars defect with fracture at L5" names a fracture, "no fracture or listhesis" does not. A sentence
 * carries the region it names ("old T8 compression fracture"), so a finding elsewhere in the spine can be
 * set aside. Negation never crosses a sentence, so reading per sentence changes no match.
 */

/** A finding a report names, or mentions only to negate. */
export interface ReportFinding {
  /** The value set that matched (e.g. fractureReportText). */
  valueSet: string;
  /** The sentence, trimmed and cut to QUOTE_LENGTH characters for the card. */
  quote: string;
  /** The spinal regions the sentence names (none: the study's region). */
  regions: Region[];
  negated: boolean;
}

const SENTENCE_BREAK = /[.;!?\n]+/;
/** Longest quote of a sentence on a card. */
export const QUOTE_LENGTH = 160;

/** The sentences of a report's texts, blank ones dropped. */
export function sentencesOf(texts: string[]): string[] {
  return texts.flatMap((text) => text.split(SENTENCE_BREAK)).map((s) => s.trim()).filter((s) => s.length > 0);
}

export function quote(sentence: string): string {
  return sentence.length > QUOTE_LENGTH ? `${sentence.slice(0, QUOTE_LENGTH - 1)}…` : sentence;
}

/** Every sentence naming (or negating) one of `valueSets`, with the regions the sentence names. */
export function reportFindings(texts: string[], valueSets: string[], vs: ValueSets): ReportFinding[] {
  const findings: ReportFinding[] = [];
  for (const sentence of sentencesOf(texts)) {
    for (const name of valueSets) {
      const matcher = vs[name]!;
      if (!matcher.mentionsText(sentence)) continue;
      const negated = !matcher.matchesText(sentence);
      findings.push({ valueSet: name, quote: quote(sentence), regions: negated ? [] : regionsNamed([{ text: sentence }], vs), negated });
    }
  }
  return findings;
}

/** Sentences that name every one of `valueSets`, affirmed (a sentence naming the cyst and the compressed root). */
export function sentencesNamingAll(texts: string[], valueSets: string[], vs: ValueSets): string[] {
  return sentencesOf(texts)
    .filter((sentence) => valueSets.every((name) => vs[name]!.matchesText(sentence)))
    .map(quote);
}
