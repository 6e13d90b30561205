import type { Criterion, Evidence, Finding } from '../decision/types';
import type { Citation } from '../declarations/types';

/**
 * Criteria as a policy writes them: one small pure function per criterion, named by its citation (the
 * policy section, title and how to chart it come from citations.json), returning met / not met / not
 * documented with the evidence.
 *
 * Which criteria can be not documented, and on which pathways, is declared rather than left in the code:
 * a criterion can answer not documented exactly when its citation says how to document it
 * (`howToDocument`, which the answer carries as `missing`), and it applies only on the pathways its spec
 * lists. Start-up checks each questionnaire.json against both (src/dtr/declaration.ts).
 */

/** What a criterion is besides its citation. */
export interface CriterionSpec<Ctx> {
  /** Prefetch keys the answer depends on; a failed fetch of any makes the result indeterminate. */
  dependsOn: string[];
  /** The keys this context needs, a subset of dependsOn, when some only matter in some cases. */
  dependsOnFor?(ctx: Ctx): string[];
  /** A categorical exclusion: not met means not covered whatever else is documented. */
  categorical?: boolean;
  /**
   * The pathways it can apply on (the policy's `pathwayOf`, given to criteriaOf); absent: every pathway.
   * Outside them it does not apply, whatever `appliesTo` says.
   */
  pathways?: string[];
  /** Within its pathways, whether it applies (default: always). */
  appliesTo?(ctx: Ctx): boolean;
  evaluate(ctx: Ctx): Finding;
}

/**
 * A citations.json as imported (its strings widened), typed as citations: `citations as Cited<typeof citations>`.
 * A citation with howToDocument keeps it required, so only its criterion may answer not documented.
 */
export type Cited<T> = { [K in keyof T]: T[K] extends { howToDocument: string } ? Citation & { howToDocument: string } : Citation };

/** The criteria of a citations.json that can answer not documented: those whose citation says how to document them. */
export type Documentable<C> = { [K in keyof C]: C[K] extends { howToDocument: string } ? K : never }[keyof C] & string;

export interface CriterionFactory<Ctx, Id extends string, DocumentableId extends string = Id> {
  /** A criterion whose section and title come from its citation, so the checklist cites the policy. */
  criterion(id: Id, spec: CriterionSpec<Ctx>): Criterion<Ctx>;
  /** Not in the record: the summary says what is missing and `missing` how to chart it (the citation's howToDocument). */
  notDocumented(id: DocumentableId, summary: string, evidence?: Evidence[]): Finding;
}

export interface CriteriaOptions<Ctx> {
  /** The pathway a decision unit is on, read from its context: needed when criteria declare `pathways`. */
  pathwayOf?(ctx: Ctx): string;
}

/** The criterion factory of one policy: generic over its context and its citations. */
export function criteriaOf<Ctx, C extends Record<string, Citation>>(citations: C, options: CriteriaOptions<Ctx> = {}): CriterionFactory<Ctx, Extract<keyof C, string>, Documentable<C>> {
  return {
    criterion(id, spec) {
      const citation = citations[id]!;
      const caveat = limitedVerification(citation);
      const evaluate = caveat ? (ctx: Ctx) => withCaveat(spec.evaluate(ctx), caveat) : spec.evaluate;
      const { pathways, appliesTo: within, ...rest } = spec;
      if (pathways && !options.pathwayOf) throw new Error(`criterion ${id} declares pathways, but criteriaOf was given no pathwayOf to read a unit's pathway`);
      const appliesTo = pathways ? (ctx: Ctx) => pathways.includes(options.pathwayOf!(ctx)) && (within?.(ctx) ?? true) : (within ?? (() => true));
      return { id, section: citation.section, title: citedTitle(citation), categorical: spec.categorical === true, ...rest, ...(pathways ? { pathways } : {}), appliesTo, evaluate };
    },
    notDocumented(id, summary, evidence = []) {
      // Typed away for citations imported as they are; a criterion that answers not documented must say how to document it.
      const how = citations[id]?.howToDocument;
      if (!how) throw new Error(`criterion ${id} answered not documented, but its citation has no howToDocument (only a criterion that says how to document it may be not documented)`);
      return { status: 'not-documented', summary, evidence, missing: how };
    },
  };
}

const UNVERIFIED: Record<string, string> = { secondary: 'unverified: secondary source only', unverified: 'unverified' };

/** How the evidence line naming a rule's verification opens (cards leave it to the decision record). */
export const LIMITED_VERIFICATION_EVIDENCE = 'Rule of limited verification';

const MARK: Record<string, string> = { secondary: '◐ secondary source only', unverified: '○ unverified' };
const SHORT_MARK: Record<string, string> = { secondary: '◐', unverified: '○' };

/**
 * The line a finding against a rule of limited verification carries (a rule the policy's notes mark ◐ or ○):
 * the decision follows the rule as written, and the clinician and reviewer see that it rests on a rule no
 * primary text confirms. Undefined for a rule verified in a primary text.
 */
export function limitedVerification(citation: Citation): { evidence: Evidence; prefix: string } | undefined {
  const mark = citation.verification ? MARK[citation.verification] : undefined;
  if (!mark) return undefined;
  const source = citation.source ? ` ${citation.source}` : '';
  return {
    evidence: { text: `${LIMITED_VERIFICATION_EVIDENCE} (${mark}${citation.source ? `: ${citation.source}` : ''}), applied as written: ${citation.text}` },
    // First in the summary, so a card summary cut to its length still says it.
    prefix: `Unverified rule (${SHORT_MARK[citation.verification!]}${source}): `,
  };
}

/**
 * A finding that a rule of limited verification is not met says so, first in its summary, and in its evidence:
 * a denial rests on it. Not documented only asks for the record, and the title already marks the rule.
 */
function withCaveat(finding: Finding, caveat: { evidence: Evidence; prefix: string }): Finding {
  if (finding.status !== 'not-met') return finding;
  return { ...finding, summary: `${caveat.prefix}${finding.summary}`, evidence: [...(finding.evidence ?? []), caveat.evidence] };
}

/** The title a criterion shows: the citation's, saying so when the rule is not verified in a primary text. */
export function citedTitle(citation: Citation): string {
  const mark = citation.verification ? UNVERIFIED[citation.verification] : undefined;
  return mark ? `${citation.title} (${mark}${citation.source ? `, ${citation.source}` : ''})` : citation.title;
}

export function met(summary: string, evidence: Evidence[] = []): Finding {
  return { status: 'met', summary, evidence };
}

export function notMet(summary: string, evidence: Evidence[] = [], firstEligibleDate?: string): Finding {
  return { status: 'not-met', summary, evidence, ...(firstEligibleDate ? { firstEligibleDate } : {}) };
}

/** " (3 set aside: 2 another region, 1 dated after today)" for a summary, or "" when nothing was set aside. */
export function setAsideNote(evidence: Evidence[]): string {
  const reasons = new Map<string, number>();
  for (const e of evidence) if (e.setAside) reasons.set(e.setAside, (reasons.get(e.setAside) ?? 0) + 1);
  const total = [...reasons.values()].reduce((a, b) => a + b, 0);
  return total === 0 ? '' : ` (${total} set aside: ${[...reasons].map(([why, n]) => `${n} ${why}`).join(', ')})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
