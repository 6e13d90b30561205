import type { CriterionRecord, DecisionRecord, Store, StoredFeedback } from '../store/types';

/** Figures for the policy team over [from, to): what was decided, which criteria fail, what clinicians do with the cards. */
export interface Report {
  from: string;
  to: string;
  store: string;
  /** Hook calls that produced a decision (one coverage-assertion-id each). */
  decisions: number;
  orders: number;
  /** Procedures decided (orders decided together, e.g. 64493 + 64494, count once). */
  procedures: number;
  ordersByOutcome: Record<string, number>;
  policyVersions: Record<string, number>;
  /** Criteria by how often they were unmet or undocumented, per procedure. */
  criteria: CriterionFigures[];
  feedback: FeedbackFigures;
}

export interface CriterionFigures {
  id: string;
  section: string;
  title: string;
  evaluated: number;
  notMet: number;
  notDocumented: number;
  indeterminate: number;
  /** Cards with feedback where this criterion was unmet or undocumented, and how many were overridden. */
  cardsWithFeedback: number;
  overridden: number;
}

export interface FeedbackFigures {
  cards: number;
  /** Cards with at least one feedback entry; the latest entry per card counts. */
  cardsWithFeedback: number;
  accepted: number;
  overridden: number;
  /** overridden / cardsWithFeedback (0 when none). */
  overrideRate: number;
  byOutcome: Record<string, { cards: number; withFeedback: number; overridden: number }>;
  overrideReasons: Array<{ code: string; display: string; count: number }>;
  /** Overrides with a free-text comment (counted, never printed: comments may hold PHI). */
  overridesWithComment: number;
  acceptedSuggestions: Array<{ label: string; count: number }>;
}

interface CardInfo {
  outcome: string;
  /** Criteria unmet or undocumented on this card's procedure. */
  gaps: string[];
  suggestions: Map<string, string>;
}

const NO_REASON = { code: '(none)', display: 'No reason given' };

/**
 * Reads decisions page by page (bounded memory however long the range) and the feedback about
 * their cards, joined through the card and suggestion uuids the decision records keep.
 */
export async function buildReport(store: Store, from: Date, to: Date, pageSize = 500): Promise<Report> {
  const report = emptyReport(store.kind, from, to);
  const criteria = new Map<string, CriterionFigures>();
  const reasons = new Map<string, { code: string; display: string; count: number }>();
  const accepted = new Map<string, number>();
  let page = await store.listDecisions(from, to, { limit: pageSize });
  while (page.length > 0) {
    const cards = new Map<string, CardInfo>();
    for (const record of page) countDecision(record, report, criteria, cards);
    countFeedback(await store.feedbackForCards([...cards.keys()]), cards, report.feedback, criteria, reasons, accepted);
    const last = page[page.length - 1]!;
    page = await store.listDecisions(from, to, { limit: pageSize, after: { decidedAt: last.decidedAt, coverageAssertionId: last.coverageAssertionId } });
  }
  const fb = report.feedback;
  fb.overrideRate = fb.cardsWithFeedback > 0 ? fb.overridden / fb.cardsWithFeedback : 0;
  fb.overrideReasons = [...reasons.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  fb.acceptedSuggestions = [...accepted.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  report.criteria = [...criteria.values()]
    .filter((c) => c.notMet + c.notDocumented + c.indeterminate > 0)
    .sort((a, b) => b.notMet + b.notDocumented - (a.notMet + a.notDocumented) || b.notMet - a.notMet || a.id.localeCompare(b.id));
  return report;
}

function emptyReport(store: string, from: Date, to: Date): Report {
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    store,
    decisions: 0,
    orders: 0,
    procedures: 0,
    ordersByOutcome: {},
    policyVersions: {},
    criteria: [],
    feedback: {
      cards: 0,
      cardsWithFeedback: 0,
      accepted: 0,
      overridden: 0,
      overrideRate: 0,
      byOutcome: {},
      overrideReasons: [],
      overridesWithComment: 0,
      acceptedSuggestions: [],
    },
  };
}

function countDecision(record: DecisionRecord, report: Report, criteria: Map<string, CriterionFigures>, cards: Map<string, CardInfo>): void {
  report.decisions++;
  const version = `${record.policyId} rev. ${record.policyRevision} (service ${record.serviceVersion})`;
  report.policyVersions[version] = (report.policyVersions[version] ?? 0) + 1;
  for (const order of record.orders) {
    report.orders++;
    report.ordersByOutcome[order.outcome] = (report.ordersByOutcome[order.outcome] ?? 0) + 1;
  }
  for (const procedure of proceduresOf(record)) {
    report.procedures++;
    for (const c of procedure.criteria) {
      const figures = criteria.get(c.id) ?? { id: c.id, section: c.section, title: c.title ?? c.id, evaluated: 0, notMet: 0, notDocumented: 0, indeterminate: 0, cardsWithFeedback: 0, overridden: 0 };
      criteria.set(c.id, figures);
      figures.evaluated++;
      if (c.status === 'not-met') figures.notMet++;
      else if (c.status === 'not-documented') figures.notDocumented++;
      else if (c.status === 'indeterminate') figures.indeterminate++;
    }
    const shared = procedure.cardUuid ? cards.get(procedure.cardUuid) : undefined;
    if (shared) {
      // One card for several procedures (conflicting procedures of one visit): counted once, about all their gaps.
      const gaps = procedure.criteria.filter((c) => c.status === 'not-met' || c.status === 'not-documented').map((c) => c.id);
      shared.gaps = [...new Set([...shared.gaps, ...gaps])];
      for (const [uuid, label] of procedure.suggestions) shared.suggestions.set(uuid, label);
    } else if (procedure.cardUuid) {
      report.feedback.cards++;
      const byOutcome = (report.feedback.byOutcome[procedure.outcome] ??= { cards: 0, withFeedback: 0, overridden: 0 });
      byOutcome.cards++;
      const gaps = procedure.criteria.filter((c) => c.status === 'not-met' || c.status === 'not-documented').map((c) => c.id);
      cards.set(procedure.cardUuid, { outcome: procedure.outcome, gaps, suggestions: procedure.suggestions });
      // Alternatives and companion orders are on cards of their own (CRD response types): feedback on them is about the same decision.
      for (const uuid of procedure.relatedCardUuids) {
        report.feedback.cards++;
        byOutcome.cards++;
        cards.set(uuid, { outcome: procedure.outcome, gaps, suggestions: procedure.suggestions });
      }
    }
  }
}

interface Procedure {
  outcome: string;
  cardUuid?: string;
  /** The unit's other cards (alternatives, companion orders: issue 17). */
  relatedCardUuids: string[];
  criteria: CriterionRecord[];
  suggestions: Map<string, string>;
}

/**
 * The procedures (decision units) of a record, each once. Format 2 lists them in `units`; format 1
 * (before issue 12) repeated the unit's criteria, card and related cards on each of its orders (records
 * older still have no related cards).
 */
function proceduresOf(record: DecisionRecord): Procedure[] {
  if (record.units) {
    return record.units.map((unit) => ({
      outcome: unit.outcome,
      ...(unit.cardUuid ? { cardUuid: unit.cardUuid } : {}),
      relatedCardUuids: unit.relatedCardUuids ?? [],
      criteria: unit.criteria,
      suggestions: new Map((unit.suggestions ?? []).map((s) => [s.uuid, s.label])),
    }));
  }
  const seen = new Set<string>();
  const procedures: Procedure[] = [];
  for (const order of record.orders) {
    // Orders of one procedure share its criteria and card: count those once.
    const key = order.cardUuid ?? order.unit?.id ?? order.orderRef;
    if (seen.has(key)) continue;
    seen.add(key);
    const suggestions = new Map((order.suggestions ?? []).map((s) => [s.uuid, s.label]));
    for (const uuid of order.suggestionUuids ?? []) if (!suggestions.has(uuid)) suggestions.set(uuid, '(label not recorded)');
    procedures.push({
      outcome: order.outcome,
      ...(order.cardUuid ? { cardUuid: order.cardUuid } : {}),
      relatedCardUuids: order.relatedCardUuids ?? [],
      criteria: order.criteria ?? [],
      suggestions,
    });
  }
  return procedures;
}

function countFeedback(
  entries: StoredFeedback[],
  cards: Map<string, CardInfo>,
  fb: FeedbackFigures,
  criteria: Map<string, CriterionFigures>,
  reasons: Map<string, { code: string; display: string; count: number }>,
  accepted: Map<string, number>,
): void {
  // The latest word on each card counts (a clinician may accept, then change their mind).
  const latest = new Map<string, StoredFeedback>();
  for (const entry of entries) {
    const seen = latest.get(entry.card);
    if (!seen || `${entry.outcomeTimestamp}|${entry.receivedAt}` > `${seen.outcomeTimestamp}|${seen.receivedAt}`) latest.set(entry.card, entry);
  }
  for (const [uuid, entry] of latest) {
    const card = cards.get(uuid);
    if (!card) continue;
    fb.cardsWithFeedback++;
    fb.byOutcome[card.outcome]!.withFeedback++;
    const overridden = entry.outcome === 'overridden';
    for (const id of card.gaps) {
      const figures = criteria.get(id)!;
      figures.cardsWithFeedback++;
      if (overridden) figures.overridden++;
    }
    if (overridden) {
      fb.overridden++;
      fb.byOutcome[card.outcome]!.overridden++;
      const reason = entry.overrideReason?.reason;
      const key = reason?.code ?? NO_REASON.code;
      const row = reasons.get(key) ?? { code: key, display: reason ? (reason.display ?? key) : NO_REASON.display, count: 0 };
      row.count++;
      reasons.set(key, row);
      if (entry.overrideReason?.userComment) fb.overridesWithComment++;
    } else {
      fb.accepted++;
      for (const { id } of entry.acceptedSuggestions ?? []) {
        const label = suggestionKind(card.suggestions.get(id) ?? '(suggestion not on this card)');
        accepted.set(label, (accepted.get(label) ?? 0) + 1);
      }
    }
  }
}

/** Suggestion labels carry dates: group "Schedule on 2026-12-01, …" with "Schedule on 2027-01-05, …". */
export function suggestionKind(label: string): string {
  return label.replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>');
}
