import type { ServiceRequest } from 'fhir/r4';
import type { Logger } from 'pino';
import type { LoadedPolicy } from '../declarations/types';
import type { AppliedPolicy, Criterion, CriterionResult, DataStatus, Decision, DecisionUnit, PolicyInput, UnitDecision } from './types';
import { decideOutcome } from './outcome';

/**
 * The policy module threw while reading the record (in `prepare` or `coverage`), so no decision can be
 * made for this request. A bug in the module, on data it did not expect: the engine answers "could not be
 * checked" instead of failing the clinician's order signing, and logs it loudly.
 */
export class PolicyFailure extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`the policy module failed in ${step}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'PolicyFailure';
  }
}

/**
 * Runs a service's policy over a request's facts: the module groups orders into units, each
 * applicable criterion is evaluated once per unit, and the outcome follows from the results.
 * Suggestions and notices that fail are left out (logged); the decision stands without them.
 */
export function decide<T, C>(input: PolicyInput<T, C>, logger?: Logger, because?: string, attest?: Attest): Decision {
  const policy = input.policy.module;
  const coverage = required('coverage', () => policy.coverage(input));
  const units: UnitDecision[] = required('prepare', () => policy.prepare(input)).map((unit) => {
    const evaluated = policy.criteria.flatMap((criterion) => {
      const applicable = applies(criterion, unit.context, logger);
      if (applicable === 'unknown') return [notEvaluated(criterion)];
      return applicable ? [runCriterion(criterion, unit.context, input.data, logger)] : [];
    });
    // Attested answers (DTR) decide only what the record leaves not documented, before the outcome and suggestions.
    const results = attest ? attest(unit, evaluated) : evaluated;
    const outcome = decideOutcome(results);
    return { unit, outcome, results, suggestions: optional('suggest', () => policy.suggest(unit, results, outcome, input), logger) };
  });
  return { units, coverage, notices: optional('notices', () => policy.notices(input, coverage), logger), policy: appliedPolicy(input.policy, because) };
}

/** Applies attested answers to a unit's results (src/dtr/answers.ts): only not-documented results may change. */
export type Attest = (unit: DecisionUnit<unknown>, results: CriterionResult[]) => CriterionResult[];

/** How a decision names the policy it was made under (cards, coverage information, decision record). */
export function appliedPolicy(policy: LoadedPolicy<unknown, unknown>, because?: string): AppliedPolicy {
  const { id, title, revision, url, profile } = policy.document;
  return { declaration: policy.id, id, title, revision, url, version: policy.version, ...(profile ? { profile } : {}), ...(because ? { because } : {}) };
}

/** Every in-scope order "could not be checked", for when the policy module failed (see PolicyFailure). */
export function undecided(orders: ServiceRequest[], policy: AppliedPolicy): Decision {
  return {
    policy,
    units: orders.map((order, i) => ({
      unit: { id: `undecided-${i}`, label: `ServiceRequest/${order.id ?? i}`, orders: [order], context: undefined, readAs: [], summary: {} },
      outcome: 'indeterminate',
      results: [],
      suggestions: [],
    })),
    notices: [],
  };
}

function required<R>(step: string, run: () => R): R {
  try {
    return run();
  } catch (error) {
    throw new PolicyFailure(step, error);
  }
}

function optional<R>(step: string, run: () => R[], logger?: Logger): R[] {
  try {
    return run();
  } catch (error) {
    logger?.error({ step, err: { message: (error as Error)?.message, stack: (error as Error)?.stack } }, `policy ${step} failed; left out`);
    return [];
  }
}

/** Whether a criterion applies; `unknown` when its appliesTo throws, so it shows up as not evaluated rather than vanishing. */
function applies<Ctx>(criterion: Criterion<Ctx>, context: Ctx, logger?: Logger): boolean | 'unknown' {
  try {
    return criterion.appliesTo(context);
  } catch (error) {
    logger?.error({ criterion: criterion.id, err: { message: (error as Error)?.message, stack: (error as Error)?.stack } }, 'criterion appliesTo failed');
    return 'unknown';
  }
}

function notEvaluated<Ctx>(criterion: Criterion<Ctx>): CriterionResult {
  return {
    id: criterion.id,
    section: criterion.section,
    title: criterion.title,
    categorical: criterion.categorical === true,
    status: 'indeterminate',
    summary: 'Could not be evaluated (internal error)',
    evidence: [],
  };
}

/** The keys this context needs; a throwing dependsOnFor falls back to all (evaluate will then report the bug). */
function keysNeeded<Ctx>(criterion: Criterion<Ctx>, context: Ctx): string[] {
  try {
    return criterion.dependsOnFor?.(context) ?? criterion.dependsOn;
  } catch {
    return criterion.dependsOn;
  }
}

export function runCriterion<Ctx>(criterion: Criterion<Ctx>, context: Ctx, data: DataStatus, logger?: Logger): CriterionResult {
  const base = { id: criterion.id, section: criterion.section, title: criterion.title, categorical: criterion.categorical === true };
  const dependsOn = keysNeeded(criterion, context);
  const failed = dependsOn.filter((key) => data.keys[key] === 'failed');
  if (failed.length > 0) {
    return {
      ...base,
      status: 'indeterminate',
      summary: `Could not be checked: ${failed.map((key) => `${key} (${data.failures[key] ?? 'fetch failed'})`).join('; ')}`,
      evidence: [],
    };
  }
  try {
    const finding = criterion.evaluate(context);
    const absent = dependsOn.filter((key) => data.keys[key] === 'missing');
    const notSent = absent.filter((key) => !data.incomplete?.[key]);
    const partial = absent.filter((key) => data.incomplete?.[key]);
    const why = [
      ...(notSent.length > 0 ? [`The EHR did not send: ${notSent.join(', ')}.`] : []),
      ...(partial.length > 0 ? [`The EHR sent incomplete data, not used: ${partial.map((key) => `${key} (${data.incomplete![key]})`).join('; ')}.`] : []),
    ];
    const missing = finding.status === 'not-documented' && why.length > 0 ? `${finding.missing ?? ''} (${why.join(' ')})`.trim() : finding.missing;
    return { ...base, ...finding, evidence: finding.evidence ?? [], ...(missing ? { missing } : {}) };
  } catch (error) {
    // A criterion that throws on odd data must not take the request down; it is a bug we log loudly.
    logger?.error({ criterion: criterion.id, err: { message: (error as Error)?.message, stack: (error as Error)?.stack } }, 'criterion failed');
    return { ...base, status: 'indeterminate', summary: 'Could not be evaluated (internal error)', evidence: [] };
  }
}
