import type { Coding, FhirResource, ServiceRequest } from 'fhir/r4';
import { HOOKS } from '../cds/hooks';
import type { CoverageTarget, HookDefinition } from '../cds/hooks/types';
import type { MemberCoverage } from '../cds/member-coverage';
import type { Action, Card, HookResponse, Link, Suggestion } from '../cds/types';
import type { ConfigurationOption, LoadedService } from '../declarations/types';
import { appliedPolicy } from '../decision/evaluate';
import type { ActionSpec, AppliedPolicy, CriterionResult, DataStatus, Decision, Notice, Outcome, SuggestionSpec, UnitDecision } from '../decision/types';
import { scopeCodings } from '../cds/relevance';
import { coverageInformation, coverageInformationAction, type CoverageProblem } from './coverage-information';
import { crdVersion, type CrdVersion } from './crd-versions';
import { decisionDetail, decisionSummary, type CardWords, type CoverageIssue } from './card-text';
import { escapeMarkdown, truncateSummary } from './markdown';
import { sessionCardText, sessionConflicts, type SessionConflict } from './session';
import { suggestionType } from './response-types';
import { withoutEmpty } from './without-empty';
import { documentationLink, unitDocumentation, unitQuestionnaire } from '../dtr/crd';
import { attestationSuggestion } from '../dtr/attestation-suggestion';

export type CrdConfiguration = Record<string, boolean | number>;

export interface ResponseContext {
  service: LoadedService;
  decision: Decision;
  data: DataStatus;
  /** The insurer name on every card. */
  sourceLabel: string;
  /** Absolute base URL of this service, for links to its own pages. */
  baseUrl: string;
  /** One id per hook call and coverage (CRD: same coverage, same assertion id). */
  assertionId: string;
  /** YYYY-MM-DD */
  today: string;
  newId: () => string;
  configuration: CrdConfiguration;
  /** The hook answered (default order-sign): whether it records coverage information by default, and offers suggestions. */
  hook?: HookDefinition;
  /** The CRD version answered in (default 2.2). */
  version?: CrdVersion;
  /** The member's coverage as resolved from the record (default: the policy's coverage, else none). */
  memberCoverage?: MemberCoverage;
  /** Where each decided order's coverage information goes and what cards call it (default: the order itself). */
  targetsOf?: (order: ServiceRequest) => CoverageTarget[];
  /** Who signs (the hook's userId), for whom and when: the author of an attestation the card suggests (absent: none suggested). */
  signer?: { user: string; patientId: string; now: string };
}

/** The context with its defaults filled in. */
interface Answering extends ResponseContext {
  hook: HookDefinition;
  version: CrdVersion;
  memberCoverage: MemberCoverage;
  targetsOf: (order: ServiceRequest) => CoverageTarget[];
  /** The policy the decision was made under: cards and coverage information name it. */
  policy: AppliedPolicy;
}

/** The cards built for one decision unit: the decision, and its alternatives and companion orders (CRD response types). */
export interface UnitCards {
  decision?: Card;
  alternatives?: Card;
  additionalOrders?: Card;
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  covered: 'Meets policy',
  'not-covered': 'Not covered',
  conditional: 'Documentation needed',
  indeterminate: 'Could not be checked',
};


const OUTCOME_ORDER: Record<Outcome, number> = { 'not-covered': 0, conditional: 1, indeterminate: 2, covered: 3 };

/**
 * Parses the request's `davinci-crd.configuration`: declared options of the right type, else the defaults
 * (the hook's own, when given: coverage-info is off by default on secondary hooks).
 */
export function crdConfiguration(service: LoadedService, extension: Record<string, unknown> | undefined, options?: ConfigurationOption[]): CrdConfiguration {
  const requested = extension?.['davinci-crd.configuration'];
  const given = requested && typeof requested === 'object' && !Array.isArray(requested) ? (requested as Record<string, unknown>) : {};
  const config: CrdConfiguration = {};
  for (const option of options ?? service.definition.service.crd.configurationOptions) {
    const value = given[option.code];
    const valid = option.type === 'boolean' ? typeof value === 'boolean' : Number.isInteger(value) && (value as number) >= 0;
    config[option.code] = valid ? (value as boolean | number) : option.default;
  }
  return config;
}

export interface BuiltResponse {
  response: HookResponse;
  /** The cards built for each decision unit (by unit id), for the decision record. */
  cardsByUnit: Map<string, UnitCards>;
}

function answering(ctx: ResponseContext): Answering {
  return {
    ...ctx,
    hook: ctx.hook ?? HOOKS['order-sign'],
    version: ctx.version ?? crdVersion('2.2'),
    memberCoverage: ctx.memberCoverage ?? (ctx.decision.coverage ? { kind: 'active', reference: ctx.decision.coverage.reference } : { kind: 'none' }),
    targetsOf: ctx.targetsOf ?? ((order) => [{ resource: order, reference: `ServiceRequest/${order.id}` }]),
    policy: ctx.decision.policy ?? appliedPolicy(ctx.service.policy),
  };
}

/** "CP.MP.171 Facet Joint Interventions": the policy as cards name it. */
function policyName(policy: AppliedPolicy): string {
  return `${policy.id} ${policy.title}`;
}

/** Cards for the clinician and coverage-information system actions for the EHR, from one decision. */
export function buildResponse(context: ResponseContext): BuiltResponse {
  const ctx = answering(context);
  const { decision, configuration } = ctx;
  const { actions, coveredUnits } = coverageActions(ctx);
  const cardsByUnit = new Map<string, UnitCards>();
  // Procedures in conflict (one per visit) get one card that speaks for them all, not a card each.
  const conflicts = sessionConflicts(decision.units);
  const conflictOf = new Map(conflicts.flatMap((c) => c.units.map((u) => [u, c] as const)));
  const sessionCards = new Map(conflicts.map((c) => [c, sessionCard(c, ctx)] as const));
  const unitCards = [...decision.units]
    .sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome])
    .flatMap((unit) => {
      // CRD §resp-12: where coverage information already records the order as covered, a card saying so adds
      // nothing; it is shown only when asked for (meets-policy).
      const quiet = unit.outcome === 'covered' && coveredUnits.has(unit.unit.id) && configuration['meets-policy'] !== true;
      const conflict = conflictOf.get(unit);
      const cards = conflict ? conflictUnitCards(unit, ctx, sessionCards.get(conflict)!) : unitCardsFor(unit, ctx, quiet);
      cardsByUnit.set(unit.unit.id, cards);
      // The session card once, where its first unit comes.
      const decisionCard = conflict && conflict.units.some((u) => u !== unit && cardsByUnit.get(u.unit.id)?.decision === cards.decision) ? undefined : cards.decision;
      return [decisionCard, cards.alternatives, cards.additionalOrders].filter((c): c is Card => c !== undefined);
    });
  const notices = [...decision.notices];
  const problem = decision.units.length > 0 ? coverageNotice(ctx) : undefined;
  if (problem) notices.push(problem);
  const cards = [...unitCards, ...notices.map((notice) => noticeCard(notice, ctx))].filter((card) => configuration[card.source.topic?.code ?? ''] !== false);
  const maxCards = typeof configuration['max-cards'] === 'number' ? configuration['max-cards'] : cards.length;

  const response: HookResponse = { cards: cards.slice(0, maxCards) };
  if (actions.length > 0) response.systemActions = actions;
  return { response, cardsByUnit };
}

/**
 * The answer when the policy module failed on this record (decision from `undecided`): one card per order
 * saying it could not be checked and why, and no coverage information (nothing was decided).
 */
export function undecidedResponse(context: ResponseContext): BuiltResponse {
  const ctx = answering(context);
  const cardsByUnit = new Map<string, UnitCards>();
  const cards = ctx.decision.units.map(({ unit }) => {
    const card: Card = {
      uuid: ctx.newId(),
      summary: `${OUTCOME_WORDS.indeterminate}: part of the record could not be read. Check the policy directly`,
      detail: [
        `**${OUTCOME_WORDS.indeterminate}.** ${policyLine(ctx.policy)}`,
        '',
        `**Order:** ${escapeMarkdown(unit.label)}`,
        '',
        'The service could not evaluate the policy for this order: part of the record it was sent could not be read. Check the order against the policy directly. The request id (X-Request-Id) identifies the problem in the service log.',
      ].join('\n'),
      indicator: 'info',
      source: sourceFor(ctx, 'guideline'),
      links: linksFor('indeterminate', [], ctx),
      // The orders it is about, computably (CRD dev-25): the words name the procedure only.
      extension: { 'davinci-crd.associated-resource': [...new Set(unit.orders.flatMap((o) => ctx.targetsOf(o).map((t) => t.reference)))].map((reference) => ({ reference })) },
    };
    cardsByUnit.set(unit.id, { decision: card });
    return card;
  });
  return { response: { cards }, cardsByUnit };
}

/** Whether this call records coverage information: on primary hooks unless turned off, on secondary hooks only when asked (CRD §resp-27/28). */
function recordsCoverage(ctx: Answering): boolean {
  const asked = ctx.configuration['coverage-info'];
  return typeof asked === 'boolean' ? asked : ctx.hook.primary;
}

/**
 * One coverage-information update per resource that carries it (the order, or the Appointment it is booked
 * by), holding one repetition per decision unit and Coverage. Also which units were recorded as covered.
 */
function coverageActions(ctx: Answering): { actions: Action[]; coveredUnits: Set<string> } {
  const coveredUnits = new Set<string>();
  const member = ctx.memberCoverage;
  const coverages = member.kind === 'active' ? [member.reference] : member.kind === 'several' ? member.references : member.kind === 'inactive' ? [member.reference] : [];
  if (!recordsCoverage(ctx) || coverages.length === 0) return { actions: [], coveredUnits };
  const problem: CoverageProblem | undefined = member.kind === 'several' ? 'coverage-not-found' : member.kind === 'inactive' ? 'no-active-coverage' : undefined;
  const problemText =
    member.kind === 'several'
      ? `${member.count} Coverages are active today (${member.references.join(', ')}${member.count > member.references.length ? ` and ${member.count - member.references.length} without an id` : ''}), and the plan cannot tell which one the order falls under`
      : member.kind === 'inactive'
        ? member.why
        : undefined;
  const json = ctx.service.definition.service;
  const byTarget = new Map<string, { target: CoverageTarget; parts: Array<{ unit: UnitDecision; orders: ServiceRequest[] }> }>();
  for (const unit of ctx.decision.units) {
    for (const order of unit.unit.orders) {
      for (const target of ctx.targetsOf(order)) {
        const entry = byTarget.get(target.reference) ?? { target, parts: [] };
        byTarget.set(target.reference, entry);
        const part = entry.parts.find((p) => p.unit === unit);
        if (part) part.orders.push(order);
        else entry.parts.push({ unit, orders: [order] });
      }
    }
  }
  const actions = [...byTarget.values()].map(({ target, parts }) => {
    const extensions = parts.flatMap(({ unit, orders }) => {
      // The codes decided: the orders' in-scope codes, not every CPT/HCPCS on them (billing options the policy never looked at).
      const billingCodes = dedupe(orders.flatMap((o) => scopeCodings(o, ctx.service)));
      return coverages.map((coverage, k) =>
        coverageInformation({
          outcome: unit.outcome,
          results: unit.results,
          coverage,
          ...(problem ? { problem, problemText } : {}),
          billingCodes,
          // CRD §resp-32: repetitions for different Coverages carry different assertion ids.
          assertionId: k === 0 ? ctx.assertionId : `${ctx.assertionId}.${k + 1}`,
          date: ctx.today,
          paNeeded: json.crd.paNeeded,
          policyLabel: policyName(ctx.policy),
          policyUrl: ctx.policy.url,
          version: ctx.version,
          secondary: !ctx.hook.primary,
          ...questionnaireOf(unit, ctx),
        }),
      );
    });
    if (!problem) for (const { unit } of parts) if (unit.outcome === 'covered') coveredUnits.add(unit.unit.id);
    const codes = dedupe(parts.flatMap((p) => p.orders.flatMap((o) => scopeCodings(o, ctx.service)))).map((c) => c.code).join(', ');
    const covered = [...new Set(extensions.map((e) => e.extension!.find((x) => x.url === 'covered')!.valueCode))].join(', ');
    return coverageInformationAction(target.resource, extensions, `Record coverage information on ${target.reference}${codes ? ` (CPT ${codes})` : ''}: ${covered}`);
  });
  return { actions, coveredUnits };
}

/** The unit's documentation questionnaire (DTR), when it needs documentation and its policy has one for its pathway. */
function questionnaireOf(unit: UnitDecision, ctx: Answering): { questionnaire?: string } {
  const canonical = unitQuestionnaire(ctx.service, ctx.policy, unit);
  return canonical ? { questionnaire: canonical } : {};
}

/**
 * The SMART link to the documentation app (src/dtr), on a card whose orders need documentation, on hooks that
 * ask for documentation (not order-select, CRD §hook-19) and where the coverage is known.
 */
function documentationLinks(unit: UnitDecision, ctx: Answering): Link[] {
  const questionnaire = ctx.hook.primary ? unitQuestionnaire(ctx.service, ctx.policy, unit) : undefined;
  if (!questionnaire) return [];
  const coverage = ctx.memberCoverage.kind === 'active' ? ctx.memberCoverage.reference : undefined;
  const orders = unit.unit.orders.map((o) => `ServiceRequest/${o.id}`);
  return [documentationLink({ questionnaire, orders, ...(coverage ? { coverage } : {}), coverageAssertionId: ctx.assertionId, baseUrl: ctx.baseUrl })];
}

/**
 * Next to the link, where it helps: a plain suggestion that saves the attested yes/no answers the record lacks
 * (src/dtr/attestation-suggestion.ts), on hooks that ask for documentation and offer suggestions, when the
 * signing clinician is known.
 */
function documentationSuggestions(unit: UnitDecision, ctx: Answering): SuggestionSpec[] {
  if (!ctx.hook.primary || !ctx.hook.suggestions || !ctx.signer) return [];
  const documentation = unitDocumentation(ctx.service, ctx.policy, unit);
  if (!documentation) return [];
  const coverage = ctx.memberCoverage.kind === 'active' ? ctx.memberCoverage.reference : undefined;
  const suggestion = attestationSuggestion({ ...documentation, unit, patientId: ctx.signer.patientId, author: ctx.signer.user, authored: ctx.signer.now, today: ctx.today, ...(coverage ? { coverage } : {}) });
  return suggestion ? [suggestion] : [];
}

function dedupe(codings: Coding[]): Coding[] {
  const seen = new Set<string>();
  return codings.filter((c) => {
    const key = `${c.system}|${c.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The cards for one decision unit. The decision card explains the outcome (criteria, evidence, links,
 * override reasons); alternatives and companion orders, where the hook still has proposed orders, go on
 * their own cards in CRD's Propose Alternate Request and Identify Additional Orders shapes.
 */
function unitCardsFor(decision: UnitDecision, ctx: Answering, quiet: boolean): UnitCards {
  const offered = ctx.hook.suggestions ? decision.suggestions : [];
  const alternatives = offered.filter((s) => suggestionType(s) === 'alternate-request');
  const additional = offered.filter((s) => suggestionType(s) === 'additional-orders');
  // The attestation creates a QuestionnaireResponse, not an order: it goes with the decision card's own suggestions, not on a CRD additional-orders card.
  const other = [...offered.filter((s) => suggestionType(s) === 'other'), ...documentationSuggestions(decision, ctx)];
  return {
    ...(quiet ? {} : { decision: decisionCard(decision, ctx, other) }),
    ...(alternatives.length > 0 ? { alternatives: suggestionCard(decision, ctx, alternatives, 'alternatives') } : {}),
    ...(additional.length > 0 ? { additionalOrders: suggestionCard(decision, ctx, additional, 'additional-orders') } : {}),
  };
}

/**
 * A unit in conflict with others (one procedure per visit): the session card is its decision card; its own
 * alternatives stay, without those the session card replaces (moving it, or keeping it and cancelling the others).
 */
function conflictUnitCards(decision: UnitDecision, ctx: Answering, session: Card): UnitCards {
  const offered = ctx.hook.suggestions ? decision.suggestions.filter((s) => s.reschedules === undefined && suggestionType(s) !== 'other') : [];
  const alternatives = offered.filter((s) => suggestionType(s) === 'alternate-request').map((s) => ({ ...s, isRecommended: false }));
  const additional = offered.filter((s) => suggestionType(s) === 'additional-orders');
  return {
    decision: session,
    ...(alternatives.length > 0 ? { alternatives: suggestionCard(decision, ctx, alternatives, 'alternatives') } : {}),
    ...(additional.length > 0 ? { additionalOrders: suggestionCard(decision, ctx, additional, 'additional-orders') } : {}),
  };
}

/** The one card for procedures in conflict: the recommended plan first, the others offered. */
function sessionCard(conflict: SessionConflict, ctx: Answering): Card {
  const json = ctx.service.definition.service;
  const text = sessionCardText(conflict, cardWords(ctx), policyLine(ctx.policy), ctx.today, ctx.hook.suggestions);
  const results = conflict.units.flatMap((u) => u.results);
  const references = [...new Set(conflict.units.flatMap((u) => u.unit.orders.flatMap((o) => ctx.targetsOf(o).map((t) => t.reference))))];
  const card: Card = {
    uuid: ctx.newId(),
    summary: text.summary,
    detail: text.detail,
    indicator: 'warning',
    source: sourceFor(ctx, topicFor('not-covered')),
    links: linksFor('not-covered', results, ctx),
    extension: { 'davinci-crd.associated-resource': references.map((reference) => ({ reference })) },
  };
  if (text.suggestions.length > 0) {
    card.suggestions = text.suggestions.map((s) => suggestion(s, ctx));
    card.selectionBehavior = 'at-most-one';
  }
  if (json.overrideReasons.codes.length > 0) {
    card.overrideReasons = json.overrideReasons.codes.map((r): Coding => ({ system: json.overrideReasons.system, code: r.code, display: r.display }));
  }
  return card;
}

function decisionCard(decision: UnitDecision, ctx: Answering, suggestions: SuggestionSpec[]): Card {
  const json = ctx.service.definition.service;
  const { outcome, results } = decision;
  const advisesAgainst = outcome === 'not-covered' || outcome === 'conditional';
  const words = cardWords(ctx);
  const card: Card = {
    uuid: ctx.newId(),
    summary: decisionSummary(decision, words, fixFor(decision, ctx), Object.keys(ctx.data.failures), coverageIssue(ctx, outcome)),
    detail: detailFor(decision, ctx, words),
    indicator: outcome === 'not-covered' || coverageIssue(ctx, outcome) ? 'warning' : 'info',
    source: sourceFor(ctx, topicFor(outcome)),
    links: [...linksFor(outcome, results, ctx), ...documentationLinks(decision, ctx)],
    extension: associated(decision, ctx),
  };
  if (suggestions.length > 0) {
    card.suggestions = suggestions.map((s) => suggestion(s, ctx));
    card.selectionBehavior = 'at-most-one';
  }
  if (advisesAgainst && json.overrideReasons.codes.length > 0) {
    card.overrideReasons = json.overrideReasons.codes.map((r): Coding => ({ system: json.overrideReasons.system, code: r.code, display: r.display }));
  }
  return card;
}

/**
 * A Propose Alternate Request card (choose at most one alternative to the unit's orders) or an Identify
 * Additional Orders card (companion orders, any of which may be added). No links: the decision card has them.
 */
function suggestionCard(decision: UnitDecision, ctx: Answering, suggestions: SuggestionSpec[], kind: 'alternatives' | 'additional-orders'): Card {
  const { unit } = decision;
  const order = `**Order:** ${escapeMarkdown(unit.label)}`;
  const procedure = lowerFirst(unit.label.split(/, | \(CPT /)[0]!);
  return {
    uuid: ctx.newId(),
    summary: truncateSummary(kind === 'alternatives' ? `Alternatives that meet policy for this ${procedure}` : `Companion order for this ${procedure}`),
    detail:
      kind === 'alternatives'
        ? `${order}\n\nEach suggestion revises or replaces the order so that it meets ${escapeMarkdown(ctx.policy.id)}; apply at most one.`
        : `${order}\n\nEach suggestion adds an order alongside it.`,
    indicator: 'info',
    source: sourceFor(ctx, topicFor(decision.outcome)),
    suggestions: suggestions.map((s) => suggestion(s, ctx)),
    selectionBehavior: kind === 'alternatives' ? 'at-most-one' : 'any',
    extension: associated(decision, ctx),
  };
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

function topicFor(outcome: Outcome): string {
  return outcome === 'not-covered' ? 'off-guideline' : 'guideline';
}

/** CRD §dev-25: the resources the card is about, computably. */
function associated(decision: UnitDecision, ctx: Answering): Record<string, unknown> {
  const references = [...new Set(decision.unit.orders.flatMap((o) => ctx.targetsOf(o).map((t) => t.reference)))];
  return { 'davinci-crd.associated-resource': references.map((reference) => ({ reference })) };
}

function suggestion(s: SuggestionSpec, ctx: Answering): Suggestion {
  return {
    label: s.label,
    uuid: ctx.newId(),
    ...(s.isRecommended ? { isRecommended: true } : {}),
    // CDS Hooks: optional members are omitted, never sent empty.
    ...(s.actions.length > 0 ? { actions: s.actions.map(suggestedAction) } : {}),
  };
}

/**
 * An `update` carries one of the client's own orders (changed only where the suggestion says): it goes
 * back as the policy module built it, the client's JSON untouched. A `create` is a resource the service
 * builds (parts copied from an order): cleaned of empty members so it is valid FHIR and CDS Hooks.
 */
function suggestedAction(action: ActionSpec): Action {
  if (action.type !== 'create' || !action.resource) return { ...action };
  return { ...action, resource: withoutEmpty(action.resource) as FhirResource };
}

/** The policy's words for cards: its citations, its clinical texts and the plan's pa-needed per outcome. */
function cardWords(ctx: Answering): CardWords {
  const policy = ctx.service.policies.find((p) => p.id === ctx.policy.declaration) ?? ctx.service.policy;
  return { citations: policy.citations, clinicalText: policy.clinicalText ?? {}, paNeeded: ctx.service.definition.service.crd.paNeeded };
}

/** The fix the summary names: the recommended alternative (a revised or replaced order), where the hook offers suggestions. */
function fixFor(decision: UnitDecision, ctx: Answering): SuggestionSpec | undefined {
  if (!ctx.hook.suggestions) return undefined;
  return decision.suggestions.find((s) => s.isRecommended && suggestionType(s) === 'alternate-request');
}

/** "Decided under CP.MP.171 Facet Joint Interventions (rev. 05/26)." and, when the member's coverage chose it, why. */
function policyLine(policy: AppliedPolicy): string {
  const line = `Decided under ${escapeMarkdown(policyName(policy))} (rev. ${escapeMarkdown(policy.revision)}).`;
  return policy.because ? `${line} ${escapeMarkdown(policy.because)}` : line;
}

function detailFor({ unit, outcome, results }: UnitDecision, ctx: Answering, words: CardWords): string {
  const dataNotes: string[] = [];
  const incomplete = Object.entries(ctx.data.incomplete ?? {});
  if (incomplete.length > 0) {
    dataNotes.push(
      `Incomplete data from the EHR, not used: ${incomplete.map(([key, why]) => `${escapeMarkdown(key)} (${escapeMarkdown(why)})`).join('; ')}. The criteria that read it were decided without it.`,
    );
  }
  const notRead = textNotReadLine(ctx.data);
  if (notRead) dataNotes.push(notRead);
  if (outcome === 'indeterminate') {
    const failed = Object.entries(ctx.data.failures);
    // Keys that failed for the same reason are named together, the reason once.
    const byReason = new Map<string, string[]>();
    for (const [key, why] of failed) byReason.set(why, [...(byReason.get(why) ?? []), key]);
    if (failed.length > 0) dataNotes.push(`Not retrieved from the EHR: ${[...byReason].map(([why, keys]) => `${keys.map(escapeMarkdown).join(', ')} (${escapeMarkdown(why)})`).join('; ')}.`);
  }
  const coverage = coverageIssue(ctx, outcome);
  return decisionDetail({ outcome, results, policyLine: policyLine(ctx.policy), procedure: unit.label, readAs: unit.readAs, dataNotes, ...(coverage ? { coverage } : {}) }, words);
}

/**
 * When the member's coverage cannot be determined (no active Coverage, several, or it could not be retrieved),
 * coverage information says not-covered with a reason (CRD §resp-45) or is absent: the decision card then says
 * what is wrong with the coverage and what to do, and gives the policy's result as criteria only, never as
 * covered or "no prior auth needed". (A single active Coverage without an id is known coverage that only
 * cannot be referenced: the decision stands, and the Instructions card says what to send. An order that could
 * not be checked claims nothing: "Could not be checked" stays first, and the Instructions card names the coverage problem.)
 */
function coverageIssue(ctx: Answering, outcome: Outcome): CoverageIssue | undefined {
  const member = ctx.memberCoverage;
  if (outcome === 'indeterminate') return undefined;
  const recorded = recordsCoverage(ctx) && (member.kind === 'several' || member.kind === 'inactive');
  const unanswered = 'Coverage and prior authorization cannot be answered until then';
  switch (member.kind) {
    case 'active':
    case 'unreferenceable':
      return undefined;
    case 'several':
      return {
        lead: `Coverage unclear: ${member.count} active plans`,
        action: 'confirm which plan is primary',
        sentence: `**Coverage not determined: ${member.count} active coverages.** Confirm which plan is primary for this member and update the record. ${unanswered}${recorded ? ' (coverage information records the order as not covered, coverage not found)' : ''}.`,
      };
    case 'inactive':
      return {
        lead: 'No active coverage',
        action: 'check eligibility',
        sentence: `**Coverage not determined: no coverage in effect on the order date** (${escapeMarkdown(member.why.replace(/^Coverage\/\S+ /, 'the latest coverage '))}). Check the member's eligibility. ${unanswered}${recorded ? ' (coverage information records the order as not covered, no active coverage)' : ''}.`,
      };
    case 'none':
      return {
        lead: 'No active coverage found',
        action: 'check eligibility',
        sentence: `**Coverage not determined: no active coverage in the record.** Check the member's eligibility. ${unanswered}.`,
      };
    case 'unavailable':
      return {
        lead: 'Coverage not retrieved',
        action: 'check eligibility',
        sentence: `**Coverage not determined: ${escapeMarkdown(member.why)}.** Check the member's eligibility. ${unanswered}.`,
      };
  }
}

/** Text cut at the service's per-field bound (limits.maxTextCharsPerField): what was not read, so nobody assumes it was. */
function textNotReadLine(data: DataStatus): string | undefined {
  const report = data.textNotRead;
  if (!report) return undefined;
  const fields = report.fields.map((f) => `${escapeMarkdown(f.reference)} ${escapeMarkdown(f.field)} (${f.length.toLocaleString('en-US')} characters)`);
  const more = report.more ? `; and ${report.more} more` : '';
  return `Text not read: only the first ${report.maxCharsPerField.toLocaleString('en-US')} characters of a text field are read; the rest of ${fields.join('; ')}${more} was not. Criteria were decided on what was read.`;
}

/** "ServiceRequest/sr-1 (CPT 64493)": the order by the resource the hook knows it as (the Appointment, for appointment-book). */
function orderLine(order: ServiceRequest, ctx: Answering): string {
  const codes = scopeCodings(order, ctx.service)
    .map((c) => c.code)
    .join(', ');
  const names = ctx.targetsOf(order).map((t) => escapeMarkdown(t.reference));
  return `${names.length > 0 ? names.join(', ') : `ServiceRequest/${escapeMarkdown(order.id ?? '?')}`}${codes ? ` (CPT ${codes})` : ''}`;
}

function linksFor(outcome: Outcome, results: CriterionResult[], ctx: Answering): Link[] {
  const links: Link[] = [{ label: `${policyName(ctx.policy)} (policy)`, url: ctx.policy.url, type: 'absolute' }];
  if (ctx.policy.profile && (outcome === 'conditional' || results.some((r) => r.status === 'not-documented'))) {
    // The data profile of the policy applied: how to chart each of its criteria.
    links.push({ label: 'How to chart this (data profile)', url: `${ctx.baseUrl}/docs/${ctx.policy.profile}`, type: 'absolute' });
  }
  return links;
}

function sourceFor(ctx: Answering, topicCode: string): Card['source'] {
  const json = ctx.service.definition.service;
  const display = json.crd.configurationOptions.find((o) => o.code === topicCode)?.name ?? topicCode;
  // A policy other than the service's own (the Medicare LCD) is named in the label, and its document is the source.
  const own = ctx.policy.declaration === ctx.service.policy.id;
  return {
    label: own ? ctx.sourceLabel : `${ctx.sourceLabel} · ${ctx.policy.id}`,
    url: own ? json.source.url : ctx.policy.url,
    ...(json.source.icon ? { icon: json.source.icon } : {}),
    // CRD §resp-5: a card type; its code system changed between 2.0.1 (CRD temp codes) and 2.2 (cdshooks-card-type).
    topic: { system: ctx.version.topicSystem, code: topicCode, display },
  };
}

function noticeCard(notice: Notice, ctx: Answering): Card {
  const links: Link[] = (notice.links ?? []).map((l) => ({ ...l, type: 'absolute' }));
  return {
    uuid: ctx.newId(),
    summary: truncateSummary(notice.summary),
    ...(notice.detail ? { detail: notice.detail } : {}),
    indicator: notice.indicator,
    source: sourceFor(ctx, notice.topic.code),
    ...(links.length > 0 ? { links } : {}),
  };
}

/**
 * What the clinician is told when the member's coverage is not one active Coverage (README "Coverage
 * problems"): an Instructions card (text only) next to the policy decision, which is still shown.
 */
function coverageNotice(ctx: Answering): Notice | undefined {
  const member = ctx.memberCoverage;
  const recorded = recordsCoverage(ctx);
  const insurance = { indicator: 'info' as const, topic: { code: 'insurance', display: 'Insurance' } };
  switch (member.kind) {
    case 'active':
      return undefined;
    case 'several':
      return {
        id: 'several-coverages',
        summary: 'Several active coverages found: the plan cannot tell which one this order falls under',
        detail: `The record has ${member.count} active Coverages (${member.references.map(escapeMarkdown).join(', ')}${member.count > member.references.length ? `, and ${member.count - member.references.length} without an id` : ''}). ${recorded ? 'Coverage information records the orders as not covered, coverage not found (Da Vinci CRD §resp-45), on each of them. ' : ''}The policy decision is still shown. Check which plan is primary for this member and update the record.`,
        ...insurance,
      };
    case 'inactive':
      return {
        id: 'no-active-coverage',
        summary: 'No active coverage: the member has no coverage in effect on the order date',
        detail: `${escapeMarkdown(member.why)}. ${recorded ? 'Coverage information records the orders as not covered, no active coverage (Da Vinci CRD §resp-45). ' : ''}The policy decision is still shown. Check the member's eligibility.`,
        ...insurance,
      };
    case 'none':
      return {
        id: 'no-active-coverage',
        summary: 'No active coverage found: coverage information was not recorded on the orders',
        detail:
          'No active Coverage resource for this patient was found in the record, so the Da Vinci CRD coverage information (which must reference a Coverage) was not added to the orders. The policy decision is still shown. Check the member\'s eligibility.',
        ...insurance,
      };
    case 'unreferenceable':
      return {
        id: 'coverage-without-id',
        summary: 'Coverage cannot be referenced: coverage information was not recorded on the orders',
        detail: `${escapeMarkdown(member.why)}: the Da Vinci CRD coverage information names the Coverage it is about, so it was not added to the orders. The policy decision is still shown. Send the Coverage with its id.`,
        ...insurance,
      };
    case 'unavailable':
      return {
        id: 'no-active-coverage',
        summary: 'No active coverage found: coverage information was not recorded on the orders',
        detail: `The patient's coverage could not be retrieved: ${escapeMarkdown(member.why)}. The policy decision above is shown, but it is not recorded on the orders as coverage information.`,
        ...insurance,
      };
  }
}
