import type { Extension, ServiceRequest } from 'fhir/r4';
import type { Card, HookResponse } from '../../src/cds/types';
import { COVERAGE_INFORMATION_URL } from '../../src/cards/coverage-information';
import { plural, type Style } from './terminal';

/**
 * What an EHR would take from a CDS Hooks response, read back for people at a terminal: the outcome the
 * service recorded on each order (Da Vinci CRD coverage information), and each card's summary, criteria,
 * suggestions and links. Reads only the response, as an EHR does.
 */

export interface OrderOutcome {
  /** "ServiceRequest/facet-05-sr-1" */
  order: string;
  codes: string[];
  /** covered | not-covered | conditional | indeterminate */
  outcome: string;
  paNeeded?: string;
  reason?: string;
}

export type CriterionStatus = 'not-met' | 'not-documented' | 'not-checked' | 'met';

export interface CriterionLine {
  status: CriterionStatus;
  /** "At least 6 months since the last neurotomy (I.B.2.a): previous neurotomy …" (markdown removed, evidence left out). */
  text: string;
  /** The criterion's title as the card names it ("At least 6 months since the last neurotomy"). */
  title?: string;
  /** For not-documented criteria: what to document, in the card's clinical words. */
  toDocument?: string;
}

export interface CardSummary {
  indicator: Card['indicator'];
  summary: string;
  source: string;
  topic?: string;
  /** The policy the card says decided ("CP.MP.171 Facet Joint Interventions (rev. 05/26)"). */
  policy?: string;
  /** Orders the card is about (davinci-crd.associated-resource). */
  orders: string[];
  criteria: CriterionLine[];
  suggestions: Array<{ label: string; recommended: boolean; actions: string[] }>;
  selectionBehavior?: string;
  links: Array<{ label: string; url: string }>;
  overrideReasons: string[];
}

export interface ResponseSummary {
  orders: OrderOutcome[];
  cards: CardSummary[];
}

const STATUS_WORDS: Array<[RegExp, CriterionStatus]> = [
  [/^\*\*Not met\*\*$/, 'not-met'],
  [/^\*\*Not documented\*\*$/, 'not-documented'],
  [/^\*\*Not checked\*\*$/, 'not-checked'],
  [/^\*\*Met\*\*$/, 'met'],
];

export function summarizeResponse(response: HookResponse): ResponseSummary {
  return {
    orders: (response.systemActions ?? []).flatMap((action) => (action.resource ? orderOutcomes(action.resource as ServiceRequest) : [])),
    cards: (response.cards ?? []).map(cardSummary),
  };
}

/** The outcomes recorded on an order, or on an Appointment (appointment-book), one per coverage-information repetition. */
function orderOutcomes(order: ServiceRequest): OrderOutcome[] {
  const ownCodes = (order.code?.coding ?? []).map((c) => c.code).filter((c): c is string => typeof c === 'string');
  return (Array.isArray(order.extension) ? order.extension : [])
    .filter((e) => e?.url === COVERAGE_INFORMATION_URL)
    .map((info) => {
      const part = (url: string): Extension | undefined => info.extension?.find((e) => e.url === url);
      const billed = (info.extension ?? []).filter((e) => e.url === 'billingCode').map((e) => e.valueCoding?.code).filter((c): c is string => typeof c === 'string');
      return {
        order: `${order.resourceType}/${order.id ?? '?'}`,
        codes: order.resourceType === 'ServiceRequest' ? ownCodes : billed,
        outcome: part('covered')?.valueCode ?? '(none)',
        ...(part('pa-needed')?.valueCode ? { paNeeded: part('pa-needed')!.valueCode } : {}),
        ...(part('reason')?.valueCodeableConcept?.text ? { reason: part('reason')!.valueCodeableConcept!.text } : {}),
      };
    });
}

function cardSummary(card: Card): CardSummary {
  const associated = card.extension?.['davinci-crd.associated-resource'];
  return {
    indicator: card.indicator,
    summary: card.summary,
    source: card.source?.label ?? '',
    ...(card.source?.topic?.display || card.source?.topic?.code ? { topic: card.source.topic.display ?? card.source.topic.code } : {}),
    ...policyOf(card.detail ?? ''),
    orders: Array.isArray(associated) ? associated.map((r: { reference?: string }) => r.reference ?? '').filter(Boolean) : [],
    criteria: criteriaFromDetail(card.detail ?? ''),
    suggestions: (card.suggestions ?? []).map((s) => ({
      label: s.label,
      recommended: s.isRecommended === true,
      actions: (s.actions ?? []).map((a) => `${a.type}: ${a.description}`),
    })),
    ...(card.selectionBehavior ? { selectionBehavior: card.selectionBehavior } : {}),
    links: (card.links ?? []).map((l) => ({ label: l.label, url: l.url })),
    overrideReasons: (card.overrideReasons ?? []).map((r) => r.display ?? r.code ?? ''),
  };
}

const HEADINGS: Array<[RegExp, CriterionStatus]> = [
  [/^\*\*Not met \((\d+)\):\*\*/, 'not-met'],
  [/^\*\*To document \((\d+)\):\*\*/, 'not-documented'],
  [/^\*\*Not checked \((\d+)\):\*\*/, 'not-checked'],
  [/^\*\*Met \((\d+)\):\*\*/, 'met'],
];

/**
 * The checklist of a decision card's detail: the criteria under "**Not met (n):**", "**To document (n):**" and
 * "**Not checked (n):**", one per "- Title (section): finding" line with its "  - Document: …" line, and the
 * met ones counted from "**Met (n):**". Lines in another shape are not criteria and are skipped.
 */
export function criteriaFromDetail(detail: string): CriterionLine[] {
  const lines: CriterionLine[] = [];
  let status: CriterionStatus | undefined;
  for (const raw of detail.split('\n')) {
    const heading = HEADINGS.find(([pattern]) => pattern.test(raw));
    if (heading) {
      status = heading[1];
      if (status === 'met') for (let i = 0; i < Number(heading[0].exec(raw)![1]); i++) lines.push({ status: 'met', text: '' });
      continue;
    }
    if (raw.startsWith('**')) status = undefined;
    if (!status || status === 'met') continue;
    // Not checked: "- reason — Title (section); Title (section)", one line per reason.
    const unchecked = status === 'not-checked' ? /^- (.+?) — (.*)$/u.exec(raw) : null;
    if (unchecked) {
      for (const name of unchecked[2]!.split(/(?<=\)); /)) lines.push({ status, title: plainText(name.replace(/ \([^()]*\)$/, '')), text: plainText(`${name}: ${unchecked[1]}`) });
      continue;
    }
    const item = /^- (.+?) \(([^()]*)\): (.*)$/u.exec(raw);
    if (item) {
      lines.push({ status, title: plainText(item[1]!), text: plainText(`${item[1]} (${item[2]}): ${item[3]}`) });
      continue;
    }
    const documentLine = /^ {2}- Document: (.*)$/.exec(raw);
    const last = lines.at(-1);
    if (documentLine && last) last.toDocument = plainText(documentLine[1]!).replace(/\.$/, '');
  }
  return lines;
}

/** "CP.MP.171 Facet Joint Interventions (rev. 05/26)", from the detail's "Decided under …" sentence. */
function policyOf(detail: string): { policy?: string } {
  const match = /Decided under (.+? \(rev\. [^)]*\))/.exec(detail);
  return match ? { policy: plainText(match[1]!) } : {};
}

/** Markdown inline text as plain text: emphasis markers dropped, escapes and entities undone. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/\\([\\`*_[\]|~{}()#+\-.!>])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

const CRITERION_MARK: Record<CriterionStatus, string> = { 'not-met': '✗ not met', 'not-documented': '! not documented', 'not-checked': '? not checked', met: '✓ met' };

export function outcomeStyle(outcome: string, style: Style): (text: string) => string {
  if (outcome === 'covered') return style.green;
  if (outcome === 'not-covered') return style.red;
  return style.yellow;
}

export interface FormatOptions {
  /** Include every card's links, actions and override reasons (evaluate); the demo leaves them out. */
  full: boolean;
  indent?: string;
  /** For integrators: how to chart a criterion in FHIR (the data profile's words), by the policy and the criterion's title. */
  howToChart?: (policy: string | undefined, title: string) => string | undefined;
}

/** The summary as terminal lines. */
export function formatSummary(summary: ResponseSummary, style: Style, options: FormatOptions): string[] {
  const pad = options.indent ?? '';
  const out: string[] = [];
  if (summary.orders.length > 0) {
    out.push(`${pad}${style.bold('Outcome per order')} ${style.dim('(coverage information)')}`);
    for (const o of summary.orders) {
      const paint = outcomeStyle(o.outcome, style);
      out.push(`${pad}  ${o.order}  CPT ${o.codes.join(', ') || '?'}  ${paint(style.bold(o.outcome))}${o.paNeeded ? style.dim(`  (${o.paNeeded})`) : ''}`);
    }
  } else {
    out.push(`${pad}${style.bold('Outcome per order:')} none recorded (no coverage-information system actions in the response)`);
  }
  if (summary.cards.length === 0) out.push(`${pad}${style.bold('Cards:')} none`);
  summary.cards.forEach((card, i) => {
    const badge = card.indicator === 'info' ? style.cyan('info') : card.indicator === 'warning' ? style.yellow('warning') : style.red('critical');
    out.push(`${pad}${style.bold(`Card ${i + 1}`)} [${badge}] ${card.summary}`);
    const sub = `${pad}    `;
    if (options.full) out.push(`${sub}${style.dim(`source: ${card.source}${card.topic ? ` · topic: ${card.topic}` : ''}${card.orders.length ? ` · about ${card.orders.join(', ')}` : ''}`)}`);
    if (options.full && card.policy) out.push(`${sub}${style.dim(`policy: ${card.policy}`)}`);
    const gaps = card.criteria.filter((c) => c.status !== 'met');
    for (const c of gaps) {
      const paint = c.status === 'not-met' ? style.red : style.yellow;
      out.push(`${sub}${paint(CRITERION_MARK[c.status])}  ${c.text}`);
      if (c.toDocument) out.push(`${sub}    ${style.dim(`to document: ${c.toDocument}`)}`);
      const fhir = c.status === 'not-documented' && c.title ? options.howToChart?.(card.policy, c.title) : undefined;
      if (fhir) out.push(`${sub}    ${style.dim(`to chart (FHIR): ${fhir}`)}`);
    }
    const met = card.criteria.length - gaps.length;
    if (card.criteria.length > 0) out.push(`${sub}${style.dim(`${met} of ${plural(card.criteria.length, 'criterion', 'criteria')} met`)}`);
    if (card.suggestions.length > 0) {
      out.push(`${sub}Suggestions${card.selectionBehavior === 'at-most-one' ? ' (choose at most one)' : ''}:`);
      for (const s of card.suggestions) {
        out.push(`${sub}  ${s.recommended ? style.green('★') : '•'} ${s.label}${s.recommended ? style.dim(' (recommended)') : ''}`);
        if (options.full) for (const a of s.actions) out.push(`${sub}      ${style.dim(a)}`);
      }
    }
    if (options.full) {
      for (const l of card.links) out.push(`${sub}${style.dim(`link: ${l.label} <${l.url}>`)}`);
      if (card.overrideReasons.length > 0) out.push(`${sub}${style.dim(`override reasons offered: ${card.overrideReasons.length}`)}`);
    }
  });
  return out;
}
