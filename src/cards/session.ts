import type { ServiceRequest } from 'fhir/r4';
import type { CriterionResult, SuggestionSpec, UnitDecision } from '../decision/types';
import { withOccurrence } from '../kit/suggestions';
import { capped, clinicalLine, notMetWords, outcomeWords, toDocumentBrief, MAX_SUMMARY_CHARS, type CardWords } from './card-text';
import { escapeMarkdown } from './markdown';

/**
 * Procedures that conflict with each other (one procedure per visit, one region per session): each unit is
 * not covered because of the others, and a card per unit would each say "keep me, cancel the other". One
 * card speaks for them (issue 13): it recommends keeping the procedure the policy supports best and moving
 * the others to their first eligible date, and offers the other ways round without recommending them.
 *
 * A conflict is read from the results, for any policy: a not-met criterion whose evidence cites an order of
 * another unit of this request links the two units.
 */
export interface SessionConflict {
  /** In the order the units were decided (the request's order). */
  units: UnitDecision[];
  /** Per unit id: its not-met criteria that cite the others (the conflict itself). */
  links: Map<string, CriterionResult[]>;
}

export function sessionConflicts(units: UnitDecision[]): SessionConflict[] {
  const unitOfOrder = new Map<string, UnitDecision>();
  for (const unit of units) for (const order of unit.unit.orders) if (order.id) unitOfOrder.set(`ServiceRequest/${order.id}`, unit);
  // Union-find over units linked by a citing criterion.
  const parent = new Map<UnitDecision, UnitDecision>(units.map((u) => [u, u]));
  const root = (u: UnitDecision): UnitDecision => (parent.get(u) === u ? u : root(parent.get(u)!));
  const links = new Map<string, CriterionResult[]>();
  for (const unit of units) {
    if (unit.outcome !== 'not-covered') continue;
    for (const result of unit.results) {
      if (result.status !== 'not-met') continue;
      const others = result.evidence.map((e) => (e.reference && !e.setAside ? unitOfOrder.get(e.reference) : undefined)).filter((u): u is UnitDecision => u !== undefined && u !== unit && u.outcome === 'not-covered');
      if (others.length === 0) continue;
      links.set(unit.unit.id, [...(links.get(unit.unit.id) ?? []), result]);
      for (const other of others) parent.set(root(other), root(unit));
    }
  }
  const groups = new Map<UnitDecision, UnitDecision[]>();
  for (const unit of units) {
    if (!links.has(unit.unit.id)) continue;
    const key = root(unit);
    groups.set(key, [...(groups.get(key) ?? []), unit]);
  }
  return [...groups.values()].filter((g) => g.length > 1).map((g) => ({ units: g, links }));
}

/** "lumbar radiofrequency neurotomy": a unit as a sentence names it. */
export function procedureName(unit: UnitDecision): string {
  const name = unit.unit.label.split(/, | \(CPT /)[0]!;
  return /^[A-Z][a-z]/.test(name) ? `${name[0]!.toLowerCase()}${name.slice(1)}` : name;
}

interface Plan {
  keep: UnitDecision;
  /** Each other unit and the date it moves to (undefined: it cannot be moved into coverage, only cancelled). */
  moves: Array<{ unit: UnitDecision; date?: string }>;
}

/** What a unit lacks besides the conflict: not-met criteria, then undocumented ones. */
function gaps(unit: UnitDecision, conflict: SessionConflict): { notMet: CriterionResult[]; notDocumented: CriterionResult[] } {
  const link = new Set((conflict.links.get(unit.unit.id) ?? []).map((r) => r.id));
  return {
    notMet: unit.results.filter((r) => r.status === 'not-met' && !link.has(r.id)),
    notDocumented: unit.results.filter((r) => r.status === 'not-documented'),
  };
}

/** The first date a unit qualifies on when everything it fails is a matter of time (never before today); else undefined. */
function firstEligibleDate(unit: UnitDecision, today: string): string | undefined {
  const unmet = unit.results.filter((r) => r.status === 'not-met');
  if (unmet.length === 0 || !unmet.every((r) => r.firstEligibleDate)) return undefined;
  return [today, ...unmet.map((r) => r.firstEligibleDate!)].sort().at(-1);
}

/** Plans with each unit kept, best first: fewest other unmet criteria, then fewest undocumented, then the request's order. */
function plans(conflict: SessionConflict, today: string): Plan[] {
  const rank = (u: UnitDecision) => {
    const g = gaps(u, conflict);
    return [g.notMet.length, g.notDocumented.length, conflict.units.indexOf(u)];
  };
  const ordered = [...conflict.units].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
  return ordered.map((keep) => ({ keep, moves: conflict.units.filter((u) => u !== keep).map((unit) => ({ unit, date: firstEligibleDate(unit, today) })) }));
}

/** "Keep the cervical facet joint injection; move the lumbar radiofrequency neurotomy to 2026-12-10". */
function planLabel(plan: Plan): string {
  const moved = plan.moves.map((m) => (m.date ? `move the ${procedureName(m.unit)} to ${m.date}` : `cancel the ${procedureName(m.unit)}`));
  return `Keep the ${procedureName(plan.keep)}; ${moved.join('; ')}`;
}

/** A plan as CDS Hooks actions: the moved orders updated to their date, the others deleted. */
function planSuggestion(plan: Plan): SuggestionSpec {
  return {
    label: planLabel(plan),
    actions: plan.moves.flatMap(({ unit, date }) =>
      unit.unit.orders.map((order: ServiceRequest) =>
        date
          ? { type: 'update' as const, resource: withOccurrence(order, date), description: `Set ServiceRequest/${order.id} to occur on ${date}` }
          : { type: 'delete' as const, resourceId: `ServiceRequest/${order.id}`, description: `Remove ServiceRequest/${order.id}: another procedure is kept for this visit` },
      ),
    ),
  };
}

export interface SessionCardText {
  summary: string;
  detail: string;
  /** The plans as suggestions, the recommended first (none when the hook offers no suggestions). */
  suggestions: SuggestionSpec[];
}

export function sessionCardText(conflict: SessionConflict, words: CardWords, policyLine: string, today: string, offerSuggestions: boolean): SessionCardText {
  const all = plans(conflict, today);
  const best = all[0]!;
  const { lead } = outcomeWords('not-covered', words);
  const link = conflict.links.get(best.keep.unit.id)![0]!;
  const reason = notMetWords(link, words);
  const candidates = [`${lead}: ${reason}. ${planLabel(best)}`, `${lead}: ${reason}. Keep the ${procedureName(best.keep)}`, `${lead}: ${reason}`];
  const summary = candidates.find((c) => c.length <= MAX_SUMMARY_CHARS) ?? candidates.at(-1)!;

  const blocks: string[] = [];
  blocks.push(`**Not covered as ordered.** ${policyLine}`);
  blocks.push(`**${escapeMarkdown(link.title)} (${escapeMarkdown(link.section)}):** ${clinicalLine(link.summary)}.`);
  blocks.push(`**Recommended:** ${escapeMarkdown(planLabel(best))}.`);
  const lines = ['**Orders on this visit:**', ''];
  for (const unit of conflict.units) {
    const g = gaps(unit, conflict);
    const state =
      g.notMet.length + g.notDocumented.length === 0
        ? `meets every other criterion (${unit.results.filter((r) => r.status === 'met').length} met)`
        : [
            ...(g.notMet.length > 0 ? [`also not met: ${g.notMet.map((r) => notMetWords(r, words)).join(', ')}`] : []),
            ...(g.notDocumented.length > 0 ? [`to document: ${g.notDocumented.map((r) => toDocumentBrief(r, words)).join(', ')}`] : []),
          ].join('; ');
    lines.push(`- ${escapeMarkdown(unit.unit.label)}: ${escapeMarkdown(state)}`);
  }
  blocks.push(lines.join('\n'));
  const suggestions = offerSuggestions ? all.map((plan, i) => ({ ...planSuggestion(plan), ...(i === 0 ? { isRecommended: true } : {}) })) : [];
  return { summary, detail: capped(blocks), suggestions };
}
