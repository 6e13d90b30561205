import type { Logger } from 'pino';
import type { Criterion, CriterionResult, DataStatus, Decision, PolicyInput, UnitDecision } from './types';
import { decideOutcome } from './outcome';

/**
 * Runs a service's policy over a request's facts: the module groups orders into units, each
 * applicable criterion is evaluated once per unit, and the outcome follows from the results.
 */
export function decide<T>(input: PolicyInput<T>, logger?: Logger): Decision {
  const policy = input.service.definition.policy;
  const coverage = policy.coverage(input);
  const units: UnitDecision[] = policy.prepare(input).map((unit) => {
    const results = policy.criteria
      .filter((criterion) => criterion.appliesTo(unit.context))
      .map((criterion) => runCriterion(criterion, unit.context, input.data, logger));
    const outcome = decideOutcome(results);
    return { unit, outcome, results, suggestions: policy.suggest(unit, results, outcome, input) };
  });
  return { units, coverage, notices: policy.notices(input, coverage) };
}

export function runCriterion<Ctx>(criterion: Criterion<Ctx>, context: Ctx, data: DataStatus, logger?: Logger): CriterionResult {
  const base = { id: criterion.id, section: criterion.section, title: criterion.title, categorical: criterion.categorical === true };
  const failed = criterion.dependsOn.filter((key) => data.keys[key] === 'failed');
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
    const notSent = criterion.dependsOn.filter((key) => data.keys[key] === 'missing');
    const missing =
      finding.status === 'not-documented' && notSent.length > 0
        ? `${finding.missing ?? ''} (The EHR did not send: ${notSent.join(', ')}.)`.trim()
        : finding.missing;
    return { ...base, ...finding, evidence: finding.evidence ?? [], ...(missing ? { missing } : {}) };
  } catch (error) {
    // A criterion that throws on odd data must not take the request down; it is a bug we log loudly.
    logger?.error({ criterion: criterion.id, err: { message: (error as Error).message } }, 'criterion failed');
    return { ...base, status: 'indeterminate', summary: 'Could not be evaluated (internal error)', evidence: [] };
  }
}
