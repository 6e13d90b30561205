import type { Coding, FhirResource, ServiceRequest } from 'fhir/r4';
import type { Action, Card, HookResponse, Link, Suggestion } from '../cds/types';
import type { LoadedService } from '../declarations/types';
import type { ActionSpec, CriterionResult, DataStatus, Decision, Notice, Outcome, UnitDecision } from '../decision/types';
import { scopeCodings } from '../cds/relevance';
import { coverageInformation, coverageInformationAction } from './coverage-information';
import { escapeMarkdown, truncateSummary } from './markdown';
import { withoutEmpty } from './without-empty';

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
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  covered: 'Meets policy',
  'not-covered': 'Not covered',
  conditional: 'Documentation needed',
  indeterminate: 'Could not be checked',
};

const STATUS_MARK: Record<CriterionResult['status'], string> = {
  'not-met': '❌ **Not met**',
  indeterminate: '❔ **Not checked**',
  'not-documented': '⚠️ **Not documented**',
  met: '✅ **Met**',
};

const STATUS_ORDER: Record<CriterionResult['status'], number> = { 'not-met': 0, indeterminate: 1, 'not-documented': 2, met: 3 };
const OUTCOME_ORDER: Record<Outcome, number> = { 'not-covered': 0, conditional: 1, indeterminate: 2, covered: 3 };

/** Parses the request's `davinci-crd.configuration`: declared options of the right type, else defaults. */
export function crdConfiguration(service: LoadedService, extension: Record<string, unknown> | undefined): CrdConfiguration {
  const requested = extension?.['davinci-crd.configuration'];
  const given = requested && typeof requested === 'object' && !Array.isArray(requested) ? (requested as Record<string, unknown>) : {};
  const config: CrdConfiguration = {};
  for (const option of service.definition.service.crd.configurationOptions) {
    const value = given[option.code];
    const valid = option.type === 'boolean' ? typeof value === 'boolean' : Number.isInteger(value) && (value as number) >= 0;
    config[option.code] = valid ? (value as boolean | number) : option.default;
  }
  return config;
}

export interface BuiltResponse {
  response: HookResponse;
  /** The card built for each decision unit (by unit id), for the decision record. */
  cardsByUnit: Map<string, Card>;
}

/** Cards for the clinician and coverage-information system actions for the EHR, from one decision. */
export function buildResponse(ctx: ResponseContext): BuiltResponse {
  const { decision, configuration } = ctx;
  const cardsByUnit = new Map<string, Card>();
  const unitCards = [...decision.units]
    .sort((a, b) => OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome])
    .map((unit) => {
      const card = decisionCard(unit, ctx);
      cardsByUnit.set(unit.unit.id, card);
      return card;
    });
  const notices = [...decision.notices];
  if (!decision.coverage && decision.units.length > 0) notices.push(noCoverageNotice(ctx));
  const cards = [...unitCards, ...notices.map((notice) => noticeCard(notice, ctx))].filter(
    (card) => configuration[card.source.topic?.code ?? ''] !== false,
  );
  const maxCards = typeof configuration['max-cards'] === 'number' ? configuration['max-cards'] : cards.length;

  const response: HookResponse = { cards: cards.slice(0, maxCards) };
  if (decision.coverage && configuration['coverage-info'] !== false) {
    const actions = decision.units.flatMap((unit) => coverageActions(unit, ctx));
    if (actions.length > 0) response.systemActions = actions;
  }
  return { response, cardsByUnit };
}

/**
 * The answer when the policy module failed on this record (decision from `undecided`): one card per order
 * saying it could not be checked and why, and no coverage information (nothing was decided).
 */
export function undecidedResponse(ctx: ResponseContext): BuiltResponse {
  const policy = ctx.service.definition.service.policy;
  const cardsByUnit = new Map<string, Card>();
  const cards = ctx.decision.units.map(({ unit }) => {
    const orders = unit.orders.map((o) => orderLine(o, ctx.service)).join('; ');
    const card: Card = {
      uuid: ctx.newId(),
      summary: truncateSummary(`${OUTCOME_WORDS.indeterminate}: ${orders} (part of the record could not be read)`),
      detail: [
        `**${OUTCOME_WORDS.indeterminate}** under ${escapeMarkdown(`${policy.id} ${policy.title}`)} (rev. ${escapeMarkdown(policy.revision)}).`,
        '',
        `Orders: ${orders}`,
        '',
        'The service could not evaluate the policy for this order: part of the record it was sent could not be read. Check the order against the policy directly. The request id (X-Request-Id) identifies the problem in the service log.',
      ].join('\n'),
      indicator: 'info',
      source: sourceFor(ctx, 'guideline'),
      links: linksFor('indeterminate', [], ctx),
    };
    cardsByUnit.set(unit.id, card);
    return card;
  });
  return { response: { cards }, cardsByUnit };
}

function coverageActions(unit: UnitDecision, ctx: ResponseContext): Action[] {
  const json = ctx.service.definition.service;
  return unit.unit.orders.map((order) => {
    // The codes decided: the order's in-scope codes, not every CPT/HCPCS on it (billing options the policy never looked at).
    const billingCodes = scopeCodings(order, ctx.service);
    const extension = coverageInformation({
      order,
      outcome: unit.outcome,
      results: unit.results,
      coverage: ctx.decision.coverage!,
      billingCodes,
      assertionId: ctx.assertionId,
      date: ctx.today,
      paNeeded: json.crd.paNeeded,
      policyLabel: `${json.policy.id} ${json.policy.title}`,
    });
    const codes = billingCodes.map((c) => c.code).join(', ');
    return coverageInformationAction(
      order,
      extension,
      `Record coverage information on ServiceRequest/${order.id}${codes ? ` (CPT ${codes})` : ''}: ${unit.outcome}`,
    );
  });
}

function decisionCard(decision: UnitDecision, ctx: ResponseContext): Card {
  const json = ctx.service.definition.service;
  const { unit, outcome, results } = decision;
  const advisesAgainst = outcome === 'not-covered' || outcome === 'conditional';
  const card: Card = {
    uuid: ctx.newId(),
    summary: truncateSummary(summaryFor(decision, Object.keys(ctx.data.failures).length > 0)),
    detail: detailFor(decision, ctx),
    indicator: outcome === 'not-covered' ? 'warning' : 'info',
    source: sourceFor(ctx, outcome === 'not-covered' ? 'off-guideline' : 'guideline'),
    links: linksFor(outcome, results, ctx),
    extension: { 'davinci-crd.associated-resource': unit.orders.map((o) => ({ reference: `ServiceRequest/${o.id}` })) },
  };
  if (decision.suggestions.length > 0) {
    card.suggestions = decision.suggestions.map(
      (s): Suggestion => ({
        label: s.label,
        uuid: ctx.newId(),
        ...(s.isRecommended ? { isRecommended: true } : {}),
        // CDS Hooks: optional members are omitted, never sent empty.
        ...(s.actions.length > 0 ? { actions: s.actions.map(suggestedAction) } : {}),
      }),
    );
    card.selectionBehavior = 'at-most-one';
  }
  if (advisesAgainst && json.overrideReasons.codes.length > 0) {
    card.overrideReasons = json.overrideReasons.codes.map((r): Coding => ({ system: json.overrideReasons.system, code: r.code, display: r.display }));
  }
  return card;
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

function summaryFor({ unit, outcome, results }: UnitDecision, dataFailed: boolean): string {
  const first = (status: CriterionResult['status']) => results.find((r) => r.status === status);
  switch (outcome) {
    case 'covered':
      return `${OUTCOME_WORDS.covered}: ${unit.label}`;
    case 'not-covered': {
      const reason = first('not-met');
      return `${OUTCOME_WORDS['not-covered']}: ${unit.label}${reason ? `: ${lowerFirst(reason.summary)}` : ''}`;
    }
    case 'conditional': {
      const missing = results.filter((r) => r.status === 'not-documented');
      const more = missing.length > 1 ? ` (+${missing.length - 1} more)` : '';
      return `${OUTCOME_WORDS.conditional}: ${unit.label}: ${lowerFirst(missing[0]!.summary)}${more}`;
    }
    case 'indeterminate':
      // Data that could not be fetched, or (no fetch failed) a criterion the service itself could not evaluate.
      return `${OUTCOME_WORDS.indeterminate}: ${unit.label} (${dataFailed ? 'EHR data could not be retrieved' : 'could not be evaluated'})`;
  }
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

/** Cards show the first few pieces of evidence; the decision record keeps them all. */
const EVIDENCE_ON_CARD = 4;

function detailFor({ unit, outcome, results }: UnitDecision, ctx: ResponseContext): string {
  const policy = ctx.service.definition.service.policy;
  const lines: string[] = [];
  lines.push(`**${OUTCOME_WORDS[outcome]}** under ${escapeMarkdown(`${policy.id} ${policy.title}`)} (rev. ${escapeMarkdown(policy.revision)}).`);
  lines.push('');
  lines.push(`Orders: ${unit.orders.map((o) => orderLine(o, ctx.service)).join('; ')}`);
  if (unit.readAs.length > 0) {
    lines.push('');
    lines.push('Read as:');
    lines.push('');
    for (const line of unit.readAs) lines.push(`- ${escapeMarkdown(line)}`);
  }
  const incomplete = Object.entries(ctx.data.incomplete ?? {});
  if (incomplete.length > 0) {
    lines.push('');
    lines.push(
      `Incomplete data from the EHR, not used: ${incomplete.map(([key, why]) => `${escapeMarkdown(key)} (${escapeMarkdown(why)})`).join('; ')}. The criteria that read it were decided without it.`,
    );
  }
  const notRead = textNotReadLine(ctx.data);
  if (notRead) {
    lines.push('');
    lines.push(notRead);
  }
  if (outcome === 'indeterminate') {
    const failed = Object.entries(ctx.data.failures);
    if (failed.length > 0) {
      lines.push('');
      lines.push(`Not retrieved from the EHR: ${failed.map(([key, why]) => `${escapeMarkdown(key)} (${escapeMarkdown(why)})`).join('; ')}.`);
    }
  }
  lines.push('');
  lines.push('Criteria:');
  lines.push('');
  for (const r of [...results].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status])) lines.push(criterionLine(r));
  return lines.join('\n');
}

/** Text cut at the service's per-field bound (limits.maxTextCharsPerField): what was not read, so nobody assumes it was. */
function textNotReadLine(data: DataStatus): string | undefined {
  const report = data.textNotRead;
  if (!report) return undefined;
  const fields = report.fields.map((f) => `${escapeMarkdown(f.reference)} ${escapeMarkdown(f.field)} (${f.length.toLocaleString('en-US')} characters)`);
  const more = report.more ? `; and ${report.more} more` : '';
  return `Text not read: only the first ${report.maxCharsPerField.toLocaleString('en-US')} characters of a text field are read; the rest of ${fields.join('; ')}${more} was not. Criteria were decided on what was read.`;
}

function criterionLine(r: CriterionResult): string {
  let line = `- ${STATUS_MARK[r.status]} · ${escapeMarkdown(r.section)} ${escapeMarkdown(r.title)}: ${escapeMarkdown(r.summary)}`;
  if (r.evidence.length > 0) {
    const shown = r.evidence.slice(0, EVIDENCE_ON_CARD).map((e) => `${escapeMarkdown(e.text)}${e.reference ? ` (${escapeMarkdown(e.reference)})` : ''}`);
    const more = r.evidence.length - EVIDENCE_ON_CARD;
    line += ` Evidence: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`;
  }
  if (r.firstEligibleDate) line += ` Qualifies from **${r.firstEligibleDate}**.`;
  if (r.status === 'not-documented' && r.missing) line += ` To document: ${escapeMarkdown(r.missing)}`;
  return line;
}

function orderLine(order: ServiceRequest, service: LoadedService): string {
  const codes = scopeCodings(order, service)
    .map((c) => c.code)
    .join(', ');
  return `ServiceRequest/${escapeMarkdown(order.id ?? '?')}${codes ? ` (CPT ${codes})` : ''}`;
}

function linksFor(outcome: Outcome, results: CriterionResult[], ctx: ResponseContext): Link[] {
  const json = ctx.service.definition.service;
  const links: Link[] = [{ label: `${json.policy.id} ${json.policy.title} (policy)`, url: json.policy.url, type: 'absolute' }];
  if (outcome === 'conditional' || results.some((r) => r.status === 'not-documented')) {
    links.push({ label: 'How to chart each criterion (data profile)', url: `${ctx.baseUrl}/docs/data-profile`, type: 'absolute' });
  }
  return links;
}

function sourceFor(ctx: ResponseContext, topicCode: string): Card['source'] {
  const json = ctx.service.definition.service;
  const display = json.crd.configurationOptions.find((o) => o.code === topicCode)?.name ?? topicCode;
  return {
    label: ctx.sourceLabel,
    url: json.source.url,
    ...(json.source.icon ? { icon: json.source.icon } : {}),
    topic: ctx.service.topic(topicCode, display),
  };
}

function noticeCard(notice: Notice, ctx: ResponseContext): Card {
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

function noCoverageNotice(ctx: ResponseContext): Notice {
  const key = Object.entries(ctx.service.definition.service.prefetch).find(([, p]) => p.template.startsWith('Coverage'))?.[0];
  const status = key ? ctx.data.keys[key] : undefined;
  return {
    id: 'no-active-coverage',
    summary: 'No active coverage found: coverage information was not recorded on the orders',
    detail:
      status === 'failed'
        ? `The patient's coverage could not be retrieved from the EHR (${escapeMarkdown(ctx.data.failures[key!] ?? 'fetch failed')}). The policy decision above is shown, but it is not recorded on the orders as coverage information.`
        : 'No active Coverage resource for this patient was found in the record, so the Da Vinci CRD coverage information (which must reference a Coverage) was not added to the orders. The policy decision is still shown. Check the member\'s eligibility.',
    indicator: 'info',
    topic: { code: 'insurance', display: 'Insurance' },
  };
}
