/**
 * The negation reader (NegEx-style), shared by every text match of a declaration's value sets: a term in
 * an order's note, a condition's text or an imaging report counts only when its clause does not negate it.
 * "Fluoroscopic guidance, not ultrasound", "ultrasound guidance is not used", "radiofrequency ablation is not
 * being considered", "the patient declines ablation" and "fracture unlikely" negate; "pain declined after
 * RFA" and "RFA if pain is not relieved" do not. Every cue is a fixed, linear pattern read in a window of at
 * most WINDOW characters on each side of the match, so the cost per match is bounded.
 */

/** Ends a clause: negation does not reach across these ("no fever, cervical pain" negates only the fever). */
const CLAUSE_BREAK = /[.,;:!?\n]| \/ |\b(?:but|however|although)\b/gi;
/** A negation cue among the few words before a term (NegEx-style): "no", "not", "without", "denies"... */
const NEGATION_BEFORE = /\b(?:no|not|without|denies|denied|refuses|refused|never|negative for|free of|rather than|instead of|other than|rules? out|ruled out|r\/o)\b/i;
/**
 * "Declined"/"declines" negate what follows only as the patient's refusal: at the start of its clause
 * ("Declined RFA") or after its subject ("the patient declines ablation", "pt has declined RFA"); "pain
 * declined after RFA" and "pain declines after RFA" negate nothing.
 */
const DECLINED_BY_SUBJECT = /\b(?:patient|pt|he|she|they|member|enrollee)\s+(?:(?:has|had)\s+)?declin(?:ed|es)\b/i;
const DECLINED_AT_CLAUSE_START = /^declin(?:ed|es)$/i;
const NEGATION_WORDS = 6;
const WINDOW = 120;
/** "non-pulsed", "non ultrasound". */
const NON_PREFIX = /\bnon[- ]?$/i;
/**
 * A negation right after the term (NegEx post-negation cues): "ultrasound not used", "cyst ruled out",
 * "fracture unlikely", "facet loading negative". Findings are negated only by a cue that follows at once: in
 * "facet syndrome with radiculopathy ruled out" the cue is about the radiculopathy.
 */
const NEGATION_AFTER =
  /^\s*(?:(?:was|were|is|are|has been|have been|had been)\s+)?(?:not (?:used|performed|planned|done|indicated|present|seen|considered|required)|ruled out|excluded|absent|negative|unlikely)\b/i;
/**
 * A verbal negation of what is done with the term, reaching across a few words of its clause: "ultrasound
 * guidance is not used", "radiofrequency ablation is not being considered", "RF neurotomy will not be
 * pursued". Only such verbs (used, performed, considered…) reach across words: they say what is done with
 * the thing named, so the words between are its own ("guidance", "ablation").
 */
const VERBAL_NEGATION_AFTER =
  /^(?:(?:is|are|was|were|will|would|shall|should|has|have|had|does|do|did|can|could|may|might|must)\s+)?(?:not|never)\s+(?:(?:be|being|been)\s+)?(?:used|performed|planned|done|considered|pursued|recommended|indicated|required|ordered|requested|given|wanted|needed|an option)\b/i;
/** How many words may come between a term and a verbal negation after it. */
const VERBAL_NEGATION_WORDS = 3;
/** A word that starts another phrase: a verbal negation after it is about that phrase ("RFA if pain is not relieved"). */
const LINKING_WORD = /^(?:with|and|or|nor|of|for|if|unless|when|whether|after|before|because|since|to|while|whereas|that|which|who|from|in|on|at|by|than|as)$/i;

/**
 * Whether the text negates the match at [start, end): a cue within the same clause, at most six words
 * before it, a "non-" prefix, a negation right after it, or a verbal negation ("is not used") at most three
 * words after it in its clause. Free text in orders and charts says "fluoroscopic guidance, not ultrasound",
 * "conventional RF, not pulsed" or "ultrasound guidance is not used", and those must not match.
 */
export function isNegated(text: string, start: number, end: number): boolean {
  const { before, after } = negationWindows(text, start, end);
  if (NON_PREFIX.test(before)) return true;
  let clauseStart = 0;
  for (const m of before.matchAll(CLAUSE_BREAK)) clauseStart = m.index + m[0].length;
  const clauseWords = before.slice(clauseStart).trim().split(/\s+/);
  const words = clauseWords.slice(-NEGATION_WORDS).join(' ');
  if (NEGATION_BEFORE.test(words) || DECLINED_BY_SUBJECT.test(words)) return true;
  if (clauseWords.length <= NEGATION_WORDS && DECLINED_AT_CLAUSE_START.test(clauseWords[0] ?? '')) return true;
  const clause = clauseAfter(after);
  return NEGATION_AFTER.test(clause) || verballyNegatedAfter(clause);
}

/** The rest of the term's clause; a colon right after the term introduces what is said of it ("Ultrasound: not used"). */
function clauseAfter(after: string): string {
  const rest = /^\s*:/.test(after) ? after.slice(after.indexOf(':') + 1) : after;
  const clauseEnd = rest.search(CLAUSE_BREAK);
  return clauseEnd < 0 ? rest : rest.slice(0, clauseEnd);
}

/** "guidance is not used" after "ultrasound": up to VERBAL_NEGATION_WORDS words of the clause, none linking, then the negation. */
function verballyNegatedAfter(clause: string): boolean {
  const words = clause.trim().split(/\s+/).filter((w) => w.length > 0);
  for (let skipped = 0; skipped <= VERBAL_NEGATION_WORDS && skipped < words.length; skipped++) {
    if (skipped > 0 && LINKING_WORD.test(words[skipped - 1]!)) return false;
    if (VERBAL_NEGATION_AFTER.test(words.slice(skipped, skipped + 6).join(' '))) return true;
  }
  return false;
}

/**
 * The text isNegated reads around a match: at most WINDOW characters on each side (six words fit), so
 * checking every occurrence in a long text costs time linear in the number of occurrences, never a scan
 * of the text from its start for each one.
 */
export function negationWindows(text: string, start: number, end: number): { before: string; after: string } {
  let before = text.slice(Math.max(0, start - WINDOW), start);
  if (start > WINDOW) before = before.slice(before.search(/\s|$/)); // drop a word cut in two
  return { before, after: text.slice(end, end + WINDOW) };
}

/** Every cue the reader uses, for the linear-time check the declaration's own patterns pass (test/kit/negation.test.ts). */
export const NEGATION_CUES: readonly RegExp[] = [CLAUSE_BREAK, NEGATION_BEFORE, DECLINED_BY_SUBJECT, DECLINED_AT_CLAUSE_START, NON_PREFIX, NEGATION_AFTER, VERBAL_NEGATION_AFTER, LINKING_WORD];
