import type { Citation, ClinicalText } from '../declarations/types';
import type { CriterionResult, Outcome, SuggestionSpec, UnitDecision } from '../decision/types';
import { escapeMarkdown, truncateSummary } from './markdown';
import { LIMITED_VERIFICATION_EVIDENCE } from '../kit/criterion';

/**
 * The words of a decision card, for a clinician at order entry (issue 13): the summary gives the outcome,
 * then the reason, then the fix, whole and under 140 characters; the procedure and its codes are in the
 * detail (the order is on screen already). The detail lists what is unmet or undocumented first, each once
 * with its evidence on its own line, and the met criteria on one line; plain words and marks every renderer
 * shows (no emoji), dates as dates, no resource ids (they are in the decision record and the JSON), and a
 * bounded size. FHIR details for integrators stay in the data profile ("How to chart this").
 */

/** CDS Hooks: a summary is under 140 characters. */
export const MAX_SUMMARY_CHARS = 139;
/** The detail's largest size (characters of markdown). */
export const MAX_DETAIL_CHARS = 2400;
/** Room kept for the line that says the detail was shortened. */
const SHORTENED_ROOM = shortenedLength();
/** Evidence pieces shown per criterion; the decision record keeps them all. */
const EVIDENCE_ON_CARD = 3;
/** Longest text of one criterion finding or piece of evidence on a card. */
const MAX_LINE_CHARS = 240;

/** What the card needs to know of the policy that decided: its criteria's citations and clinical words. */
export interface CardWords {
  citations: Record<string, Citation>;
  clinicalText: Record<string, ClinicalText>;
  /** pa-needed the plan declares per outcome (service.json crd.paNeeded). */
  paNeeded: { covered?: string; conditional?: string };
}

/** The outcome as the summary opens, and as the detail's first words say it, with prior authorization where the plan declares it. */
export function outcomeWords(outcome: Outcome, words: CardWords): { lead: string; sentence: string } {
  switch (outcome) {
    case 'covered':
      switch (words.paNeeded.covered) {
        case 'no-auth':
          return { lead: 'Meets policy, no prior auth needed', sentence: '**Meets policy.** No prior authorization is needed.' };
        case 'auth-needed':
          return { lead: 'Prior auth needed, record meets policy', sentence: '**Prior authorization needed.** What is on file meets the policy and is expected to satisfy it.' };
        case 'satisfied':
          return { lead: 'Meets policy, prior auth satisfied', sentence: '**Meets policy.** Prior authorization is already satisfied.' };
        default:
          return { lead: 'Meets policy', sentence: '**Meets policy.**' };
      }
    case 'conditional':
      switch (words.paNeeded.conditional) {
        case 'auth-needed':
          return {
            lead: 'Prior auth needed',
            sentence: '**Prior authorization needed.** What is on file is not expected to satisfy it: document what is missing below and send it with the request.',
          };
        case 'no-auth':
          return { lead: 'Documentation needed', sentence: '**Documentation needed.** No prior authorization is needed, but the record does not yet show the policy is met.' };
        default:
          return { lead: 'Documentation needed', sentence: '**Documentation needed.** The record does not yet show the policy is met.' };
      }
    case 'not-covered':
      return { lead: 'Not covered', sentence: '**Not covered.**' };
    case 'indeterminate':
      return { lead: 'Could not be checked', sentence: '**Could not be checked.**' };
  }
}

/**
 * The member's coverage could not be determined (no active Coverage, several, or none retrieved): coverage
 * information then says not-covered with reason no-active-coverage or coverage-not-found (CRD §resp-45), or is
 * absent. The card must not contradict it: it says what is wrong with the coverage and what to do, and gives
 * the policy's result as criteria met or not, never as covered or as a prior-authorization answer.
 */
export interface CoverageIssue {
  /** "Coverage unclear: 2 active plans": the summary's opening. */
  lead: string;
  /** "confirm which plan is primary": what to do, for the summary. */
  action: string;
  /** The detail's opening sentence(s), markdown: what is wrong and what to do. */
  sentence: string;
}

/** The policy's result in words that make no coverage or prior-authorization claim (for a card whose coverage is not determined). */
const POLICY_ONLY: Record<Outcome, { lead: string; sentence: string }> = {
  covered: { lead: 'Policy criteria met', sentence: 'The record meets every criterion of the policy.' },
  conditional: { lead: 'Policy criteria to document', sentence: 'The record does not yet show every criterion of the policy: see To document.' },
  'not-covered': { lead: 'Policy criteria not met', sentence: 'The order does not meet the policy: see Not met.' },
  indeterminate: { lead: 'Policy criteria not checked', sentence: 'Part of the policy could not be checked.' },
};

/** A criterion's reason in a few words when not met ("ultrasound guidance"), from clinical-text.json, else its title. */
export function notMetWords(result: CriterionResult, words: CardWords): string {
  return words.clinicalText[result.id]?.notMet ?? `not met: ${lowerFirst(titleOf(result, words))}`;
}

/** What to document in a few words ("NSAID trial (3+ weeks)"), else the criterion's title. */
export function toDocumentBrief(result: CriterionResult, words: CardWords): string {
  return words.clinicalText[result.id]?.toDocumentBrief ?? lowerFirst(titleOf(result, words));
}

/** What to document, in clinical words, for the detail; undefined when the policy has none for it. */
function toDocumentSentence(result: CriterionResult, words: CardWords): string | undefined {
  return words.clinicalText[result.id]?.toDocument;
}

/** The citation's own title (without the verification note), the policy's words for the criterion. */
function titleOf(result: CriterionResult, words: CardWords): string {
  return words.citations[result.id]?.title ?? result.title;
}

/**
 * "Not covered: ultrasound guidance. Order the same injection under fluoroscopic or CT guidance (CPT 64493)":
 * outcome, reasons (as many whole ones as fit, then "+N more"), and the fix when one fits whole.
 */
export function decisionSummary(decision: UnitDecision, words: CardWords, fix: SuggestionSpec | undefined, failedKeys: string[], coverage?: CoverageIssue): string {
  const { results } = decision;
  // Coverage not determined: the coverage problem first, then the policy's criteria, never "covered" or "no prior auth".
  const lead = coverage ? `${coverage.lead}. ${POLICY_ONLY[decision.outcome].lead}` : outcomeWords(decision.outcome, words).lead;
  switch (decision.outcome) {
    case 'covered':
      return coverage ? withFix(`${coverage.lead}; ${coverage.action}`, POLICY_ONLY.covered.lead) : lead;
    case 'not-covered': {
      const unmet = results.filter((r) => r.status === 'not-met');
      const summary = listed(`${lead}: `, unmet.map((r) => notMetWords(r, words)));
      // Without a fix to apply, a matter of time says from when (only when nothing else is missing: otherwise the date alone does not qualify the order).
      const onlyTime = unmet.every((r) => r.firstEligibleDate) && results.every((r) => r.status === 'met' || r.status === 'not-met');
      const eligible = onlyTime ? unmet.map((r) => r.firstEligibleDate!).sort().at(-1) : undefined;
      return withFix(summary, fix ? fix.label : eligible ? `Eligible from ${eligible}` : undefined);
    }
    case 'conditional': {
      const missing = results.filter((r) => r.status === 'not-documented').map((r) => toDocumentBrief(r, words));
      return listed(coverage ? `${lead}: ` : `${lead}: document `, missing);
    }
    case 'indeterminate':
      // Data that could not be fetched, or (no fetch failed) a criterion the service itself could not evaluate.
      if (failedKeys.length === 0) return `${lead}: the record could not be evaluated`;
      return listed(`${lead}: not retrieved from the EHR: `, failedKeys);
  }
}

/** `start` and as many whole reasons as fit, joined by commas, "(+N more)" for the rest; never a reason cut short. */
export function listed(start: string, reasons: string[]): string {
  if (reasons.length === 0) return start.trimEnd().replace(/:$/, '');
  let text = `${start}${reasons[0]}`;
  for (let i = 1; i < reasons.length; i++) {
    const rest = reasons.length - i - 1;
    const next = `${text}, ${reasons[i]}`;
    const tail = rest > 0 ? ` (+${rest} more)` : '';
    if (next.length + tail.length > MAX_SUMMARY_CHARS) return `${text} (+${reasons.length - i} more)`;
    text = next;
  }
  return text.length <= MAX_SUMMARY_CHARS ? text : truncateSummary(text, MAX_SUMMARY_CHARS);
}

/** The fix, when it fits whole after the reason. */
export function withFix(summary: string, fix: string | undefined): string {
  if (!fix) return summary;
  const whole = `${summary}. ${fix}`;
  return whole.length <= MAX_SUMMARY_CHARS ? whole : summary;
}

export interface DetailParts {
  outcome: Outcome;
  results: CriterionResult[];
  /** "Decided under CP.MP.171 Facet Joint Interventions (rev. 05/26)." and why that policy. */
  policyLine: string;
  /** The procedure as ordered ("Lumbar facet joint injection, 1 level (CPT 64493)"). */
  procedure: string;
  /** How the order was read (region, levels, date, pathway). */
  readAs: string[];
  /** Lines about the data (incomplete keys, text not read, keys not retrieved), already markdown. */
  dataNotes: string[];
  /** The member's coverage could not be determined: said first, and the outcome given as the policy's criteria only. */
  coverage?: CoverageIssue;
}

/** The detail's markdown: outcome and policy, the procedure, the gaps first, the met criteria on one line, how the order was read; capped. */
export function decisionDetail(parts: DetailParts, words: CardWords): string {
  const { results } = parts;
  const blocks: string[] = [];
  const opening = parts.coverage ? `${parts.coverage.sentence} ${POLICY_ONLY[parts.outcome].sentence}` : outcomeWords(parts.outcome, words).sentence;
  blocks.push(`${opening} ${parts.policyLine}`);
  blocks.push(`**Order:** ${escapeMarkdown(parts.procedure)}`);
  for (const note of parts.dataNotes) blocks.push(note);

  const section = (heading: string, status: CriterionResult['status'], extra: (r: CriterionResult) => string[], only: (r: CriterionResult) => boolean = () => true) => {
    const matching = results.filter((r) => r.status === status && only(r));
    if (matching.length === 0) return;
    const lines = [`**${heading} (${matching.length}):**`, ''];
    for (const r of matching) {
      lines.push(`- ${criterionName(r, words, status === 'not-documented')}: ${findingLine(r.summary)}`);
      for (const sub of extra(r)) lines.push(`  - ${sub}`);
    }
    blocks.push(lines.join('\n'));
  };
  section('Not met', 'not-met', (r) => [...evidenceLine(r), ...(r.firstEligibleDate ? [`Eligible from **${r.firstEligibleDate}**.`] : [])]);
  section('To document', 'not-documented', (r) => {
    const ask = toDocumentSentence(r, words);
    return [...evidenceLine(r), ...(ask ? [`Document: ${escapeMarkdown(ask)}.`] : r.missing ? ['Document: see How to chart this.'] : [])];
  });
  // Met only by the clinician's attested answers: shown whole, so the reader sees it is not from the record (issue 14).
  section('Met by attestation', 'met', (r) => (r.attestation ? [`Answers saved in the EHR (${r.attestation.questionnaireResponse}).`] : []), (r) => r.attestation !== undefined);
  // Criteria not checked for the same reason (data not retrieved) are one line: the reason once, then their names.
  const unchecked = results.filter((r) => r.status === 'indeterminate');
  if (unchecked.length > 0) {
    const byReason = new Map<string, CriterionResult[]>();
    for (const r of unchecked) byReason.set(r.summary, [...(byReason.get(r.summary) ?? []), r]);
    const lines = [`**Not checked (${unchecked.length}):**`, ''];
    for (const [reason, list] of byReason) lines.push(`- ${clinicalLine(reason)} — ${list.map((r) => criterionName(r, words)).join('; ')}`);
    blocks.push(lines.join('\n'));
  }
  // How the order was read, one line per part (so a cap drops whole parts, never a word), then the met
  // criteria on one line by their short names, as many as the cap leaves room for.
  const readAs = parts.readAs.length > 0 ? ['**Read as:**', '', ...parts.readAs.map((line) => `- ${clinicalLine(line)}`)].join('\n') : undefined;
  const met = results.filter((r) => r.status === 'met' && r.attestation === undefined);
  if (met.length > 0) {
    const room = MAX_DETAIL_CHARS - blocks.join('\n\n').length - 2 - SHORTENED_ROOM - (readAs ? readAs.length + 2 : 0);
    blocks.push(namesWithin(`**Met (${met.length}):** `, met.map((r) => metName(r, words)), Math.max(room, 80)));
  }
  if (readAs) blocks.push(readAs);
  return capped(blocks);
}

/** `start` and the names, separated by semicolons, as many as fit in `room` characters, then "and N more" saying where they are. */
function namesWithin(start: string, names: string[], room: number): string {
  const all = `${start}${names.join('; ')}.`;
  if (all.length <= room) return all;
  const tail = (n: number) => `; and ${n} more (see the decision record).`;
  let text = start.trimEnd();
  let shown = 0;
  for (const name of names) {
    const next = `${shown === 0 ? `${start}` : `${text}; `}${name}`;
    if (next.length + tail(names.length).length > room) break;
    text = next;
    shown++;
  }
  return shown === 0 ? `${text} listed in the decision record.` : `${text}${tail(names.length - shown)}`;
}

/** A met criterion in a few words: its title up to the first colon, without notes in parentheses ("Initial radiofrequency ablation (R1)"). */
function metName(r: CriterionResult, words: CardWords): string {
  const title = withoutVerificationNotes(words.citations[r.id]?.title ?? r.title);
  const short = title.split(': ')[0]!.replace(NOTE, '').trim();
  return `${escapeMarkdown(short || title)} (${escapeMarkdown(r.section)})`;
}

/**
 * "Fluoroscopic or CT guidance (C5; N1)": the criterion by its citation's title and its section, in the
 * clinician's words: without the analyst's verification notes ("unverified, secondary sources VER, RUB",
 * "open question Q3"), which the decision record and the data profile keep. A rule of limited verification
 * the record must still document says so in plain words; a rule not met says so in its finding.
 */
function criterionName(r: CriterionResult, words: CardWords, flagUnverified = false): string {
  const citation = words.citations[r.id];
  const title = withoutVerificationNotes(citation?.title ?? r.title);
  const unverified = flagUnverified && (citation?.verification === 'secondary' || citation?.verification === 'unverified') ? '; rule not confirmed in the policy text' : '';
  return `${escapeMarkdown(title)} (${escapeMarkdown(r.section)}${unverified})`;
}

/** A note in parentheses after a space (linear: a note cannot hold a parenthesis, so each scan stops at the next one). */
const NOTE = / \(([^()]*)\)/g;
/** Words that make a note one about how a rule was verified or where it was read: analyst words, not the clinician's. */
const VERIFICATION_WORDS = /unverified|secondary sources?|open question|notes §/i;

/** The title without its verification notes ("…guidance (ultrasound and MRI guidance: unverified, secondary sources VER, RUB)" → "…guidance"). */
export function withoutVerificationNotes(title: string): string {
  return title.replace(NOTE, (note, inner: string) => (VERIFICATION_WORDS.test(inner) ? '' : note)).trim();
}

/** A finding's summary for the card: a rule of limited verification is named as such, without its source tags. */
function findingLine(summary: string): string {
  return clinicalLine(summary.replace(UNVERIFIED_PREFIX, 'Unverified rule: '));
}
const UNVERIFIED_PREFIX = /^Unverified rule \([^()]*\): /;

/** The evidence on a line of its own, without what the finding already says (the same sentence is not repeated). */
function evidenceLine(r: CriterionResult): string[] {
  // The rule's verification note (its sources, quoted text) is for the analyst: the decision record keeps it.
  const pieces = r.evidence.filter((e) => !r.summary.includes(e.text.replace(/\.$/, '')) && !e.text.startsWith(LIMITED_VERIFICATION_EVIDENCE));
  if (pieces.length === 0) return [];
  const shown = pieces.slice(0, EVIDENCE_ON_CARD).map((e) => clinicalLine(e.text));
  const more = pieces.length - shown.length;
  return [`Evidence: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`];
}

/**
 * Chart text as a clinician reads it on a card: one line, markdown escaped, timestamps as dates
 * ("2026-11-12T09:00:00Z" is "2026-11-12"), bounded, without a trailing full stop (the card adds its own).
 */
export function clinicalLine(text: string): string {
  const dated = text.replace(/(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?/g, '$1');
  const bounded = dated.length > MAX_LINE_CHARS ? `${wholeWords(dated, MAX_LINE_CHARS - 1)}…` : dated;
  return escapeMarkdown(bounded.replace(/\.$/, ''));
}

/** At most `max` characters of `text`, ending at a word boundary when there is one in its last third. */
function wholeWords(text: string, max: number): string {
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return space > (max * 2) / 3 ? cut.slice(0, space).replace(/[,;:]$/, '') : cut;
}

/**
 * The blocks, separated by blank lines, up to MAX_DETAIL_CHARS: whole lines only (never a word cut), and
 * when lines are left out, a last line saying how many and where they are.
 */
export function capped(blocks: string[]): string {
  const whole = blocks.join('\n\n');
  if (whole.length <= MAX_DETAIL_CHARS) return whole;
  const kept: string[] = [];
  let size = SHORTENED_ROOM;
  let left = 0;
  for (const block of blocks) {
    const lines = block.split('\n');
    const fits: string[] = [];
    for (const line of lines) {
      if (left > 0 || size + line.length + 2 > MAX_DETAIL_CHARS) {
        if (line.trim() !== '') left++;
        continue;
      }
      fits.push(line);
      size += line.length + 2;
    }
    // A heading kept without any of its lines says nothing: it goes too.
    while (fits.length > 0 && (fits.at(-1)!.trim() === '' || (/^\*\*[^*]+:\*\*$/.test(fits.at(-1)!) && fits.length < lines.length))) {
      const dropped = fits.pop()!;
      if (dropped.trim() !== '') left++;
    }
    if (fits.length > 0) kept.push(fits.join('\n'));
  }
  return [...kept, shortened(left)].join('\n\n');
}

/** The last line of a shortened detail: how many lines were left out, and where they are. */
function shortened(lines: number): string {
  return `_… ${lines} more line${lines === 1 ? '' : 's'} not shown: the full checklist is in the decision record._`;
}

function shortenedLength(): number {
  return '_… 9999 more lines not shown: the full checklist is in the decision record._'.length + 2;
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}
