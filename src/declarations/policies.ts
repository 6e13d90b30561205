import type { PolicyModule, Program } from '../decision/types';
import { StartupError } from '../errors';
import { compileFacts } from '../facts/compile';
import { defaultCoverage, PROGRAM_VALUE_SETS } from '../kit/coverage';
import type { FactExtension, FactJson, LoadedPolicy, PolicyDefinition, PolicySelection, ServiceDefinition, ValueSetJson } from './types';
import { compileValueSets } from './value-sets';
import { compileQuestionnaire, type QuestionnaireJson } from '../dtr/declaration';

/**
 * Policies as the engine runs them. A service folder declares a service and its own policy; a policy folder
 * declares a policy a service may apply to some members (service.json `policySelection`). A policy applied
 * by a service is compiled for it: it reads the service's chart, so it starts from the service's value sets,
 * facts and code tables and adds its own.
 */

const PROGRAMS: Program[] = ['medicare', 'medicaid', 'commercial'];

/** The service's own policy, compiled. */
export function compileOwnPolicy<T>(definition: ServiceDefinition<T>): LoadedPolicy<T> {
  const json = definition.service;
  return finishPolicy<T>(`service ${json.id}`, definition, {
    id: json.id,
    version: json.version,
    document: json.policy,
    valueSets: definition.valueSets,
    ownValueSets: Object.keys(definition.valueSets),
    facts: definition.facts,
    thresholds: definition.thresholds,
    citations: definition.citations,
    clinicalText: definition.clinicalText ?? {},
    coding: definition.coding,
    module: definition.policy,
    questionnaire: definition.questionnaire,
  });
}

/** A policy folder's policy, compiled for the service that applies it. */
export function compileAppliedPolicy(service: ServiceDefinition<unknown>, policy: PolicyDefinition<unknown>): LoadedPolicy {
  const where = `policy ${policy.declaration.id} (applied by service ${service.service.id})`;
  // What a request may cost is the service's to declare: one request, one set of limits, whichever policy decides.
  if ('limits' in (policy.declaration as object)) throw new StartupError(`${where}: policy.json declares limits; limits belong to the service (service.json \`limits\`) and bound every policy it applies`);
  for (const name of Object.keys(policy.valueSets)) {
    if (service.valueSets[name]) throw new StartupError(`${where}: value set "${name}" is also the service's; give a differing set its own name`);
  }
  return finishPolicy(where, service, {
    id: policy.declaration.id,
    version: policy.declaration.version,
    document: policy.declaration.policy,
    valueSets: { ...service.valueSets, ...policy.valueSets },
    ownValueSets: Object.keys(policy.valueSets),
    facts: extendFacts(where, service.facts, policy.facts ?? {}),
    thresholds: policy.thresholds,
    citations: policy.citations,
    clinicalText: policy.clinicalText ?? {},
    coding: policy.coding ?? service.coding,
    module: policy.module,
    questionnaire: policy.questionnaire,
  });
}

interface PolicyParts<T> {
  id: string;
  version: string;
  document: LoadedPolicy['document'];
  valueSets: Record<string, ValueSetJson>;
  ownValueSets: string[];
  facts: Record<string, FactJson>;
  thresholds: T;
  citations: LoadedPolicy['citations'];
  clinicalText: LoadedPolicy['clinicalText'];
  coding: unknown;
  module: PolicyModule<T, unknown, unknown>;
  questionnaire?: QuestionnaireJson;
}

function finishPolicy<T>(where: string, service: ServiceDefinition<unknown>, parts: PolicyParts<T>): LoadedPolicy<T> {
  for (const [name, value] of [['policy.id', parts.document?.id], ['policy.title', parts.document?.title], ['policy.revision', parts.document?.revision], ['policy.url', parts.document?.url], ['version', parts.version]] as const) {
    if (typeof value !== 'string' || value.trim() === '') throw new StartupError(`${where}: ${name} is required`);
  }
  if (parts.document.profile !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(parts.document.profile)) {
    throw new StartupError(`${where}: policy.profile must be a page name (lower-case letters, digits and hyphens), got "${parts.document.profile}"`);
  }
  const valueSets = compiledValueSets(where, parts.valueSets);
  const facts = compileFacts(parts.id, parts.facts, valueSets);
  checkModule(where, service, parts, valueSets);
  const module = parts.module;
  return {
    id: parts.id,
    version: parts.version,
    document: parts.document,
    module: {
      ...module,
      suggest: module.suggest ?? (() => []),
      coverage: module.coverage ?? ((input) => defaultCoverage(input)),
      notices: module.notices ?? (() => []),
    },
    valueSets,
    facts,
    thresholds: parts.thresholds,
    citations: parts.citations,
    clinicalText: parts.clinicalText,
    coding: parts.coding,
    ...(parts.questionnaire ? { questionnaire: compileQuestionnaire(where, parts.questionnaire, { id: parts.id, version: parts.version, citations: parts.citations, thresholds: parts.thresholds, valueSets: parts.valueSets, criteria: module.criteria }) } : {}),
    data: { valueSets: parts.valueSets, ownValueSets: parts.ownValueSets, facts: parts.facts },
  } as LoadedPolicy<T>;
}

/**
 * A policy's value sets, compiled: a broken one (a text pattern that is not linear-time, a bad range) stops
 * start-up naming the folder it was compiled for, since a policy folder's sets are compiled with its service's.
 */
function compiledValueSets(where: string, json: Record<string, ValueSetJson>): ReturnType<typeof compileValueSets> {
  try {
    return compileValueSets(json);
  } catch (error) {
    if (error instanceof StartupError) throw new StartupError(`${where}: ${error.message}`);
    throw error;
  }
}

/** The module against its declaration: criteria ids, prefetch keys, citations, and every fact field and value set it reads. */
function checkModule(where: string, service: ServiceDefinition<unknown>, parts: PolicyParts<unknown>, valueSets: Record<string, unknown>): void {
  const module = parts.module;
  if (!module || typeof module.prepare !== 'function' || !Array.isArray(module.criteria)) throw new StartupError(`${where}: the policy module needs prepare() and criteria`);
  const seen = new Set<string>();
  for (const criterion of module.criteria) {
    if (seen.has(criterion.id)) throw new StartupError(`${where}: criterion id "${criterion.id}" is used twice`);
    seen.add(criterion.id);
    for (const key of criterion.dependsOn) {
      if (!service.service.prefetch[key]) throw new StartupError(`${where}: criterion ${criterion.id} depends on unknown prefetch key "${key}"`);
    }
  }
  for (const requirement of module.reads?.facts ?? []) {
    const fact = parts.facts[requirement.fact];
    if (!fact) {
      if (requirement.optional) continue;
      throw new StartupError(`${where}: the policy reads fact "${requirement.fact}", which facts.json does not declare`);
    }
    for (const field of requirement.fields) {
      if (!(field in (fact.fields ?? {}))) throw new StartupError(`${where}: the policy reads ${requirement.fact}.${field}, which facts.json does not declare`);
    }
  }
  for (const name of module.reads?.valueSets ?? []) {
    if (!valueSets[name]) throw new StartupError(`${where}: the policy reads value set "${name}", which is not declared`);
  }
  for (const criterion of module.criteria) {
    if (!parts.citations[criterion.id]) throw new StartupError(`${where}: criterion ${criterion.id} has no citation in citations.json`);
  }
  for (const [id, citation] of Object.entries(parts.citations)) {
    if (citation.verification !== undefined && !['primary', 'secondary', 'unverified'].includes(citation.verification)) {
      throw new StartupError(`${where}: citation ${id}: verification must be primary, secondary or unverified`);
    }
  }
  checkClinicalText(where, parts);
  const codingProblems = module.reads?.coding?.(parts.coding) ?? [];
  if (codingProblems.length > 0) throw new StartupError(`${where}: ${codingProblems.join('; ')}`);
}

/** Card summaries stay under 140 characters with the reason whole: the short texts are short. */
export const MAX_BRIEF_CHARS = 60;

/** clinical-text.json: words for criteria the policy has, each a non-empty string, the summary ones short. */
function checkClinicalText(where: string, parts: PolicyParts<unknown>): void {
  for (const [id, text] of Object.entries(parts.clinicalText)) {
    if (!parts.citations[id]) throw new StartupError(`${where}: clinical-text.json names "${id}", which is not a criterion in citations.json`);
    for (const [field, value] of Object.entries(text ?? {})) {
      if (!['notMet', 'toDocumentBrief', 'toDocument'].includes(field)) throw new StartupError(`${where}: clinical-text.json ${id}.${field} is not notMet, toDocumentBrief or toDocument`);
      if (typeof value !== 'string' || value.trim() === '') throw new StartupError(`${where}: clinical-text.json ${id}.${field} must be a non-empty string`);
      if (field !== 'toDocument' && value.length > MAX_BRIEF_CHARS) throw new StartupError(`${where}: clinical-text.json ${id}.${field} is ${value.length} characters; card summaries need at most ${MAX_BRIEF_CHARS}`);
    }
  }
}

/** The service's facts with a policy's additions: new facts, more value sets to select on, more fields. */
export function extendFacts(where: string, base: Record<string, FactJson>, additions: Record<string, FactExtension>): Record<string, FactJson> {
  const facts: Record<string, FactJson> = structuredClone(base);
  for (const [name, extension] of Object.entries(additions)) {
    const existing = facts[name];
    if (!existing) {
      facts[name] = extension as FactJson;
      continue;
    }
    if (extension.resourceTypes || extension.from) throw new StartupError(`${where}: fact "${name}" is the service's: a policy may add value sets to its select and fields, not change its resource types`);
    if (extension.select) {
      existing.select = {
        valueSets: [...new Set([...(existing.select?.valueSets ?? []), ...extension.select.valueSets])],
        ...((existing.select?.matchText ?? extension.select.matchText) ? { matchText: true } : {}),
      };
    }
    for (const [field, expression] of Object.entries(extension.fields ?? {})) {
      if (field in existing.fields) throw new StartupError(`${where}: fact "${name}" already has field "${field}"`);
      existing.fields[field] = expression;
    }
  }
  return facts;
}

/** The service's selection rules with each rule's policy compiled; a policy id it cannot find stops start-up. */
export function compileSelection(definition: ServiceDefinition<unknown>, own: LoadedPolicy, available: Record<string, PolicyDefinition<unknown>>): PolicySelection {
  const json = definition.service;
  const where = `service ${json.id}: policySelection`;
  const compiled = new Map<string, LoadedPolicy>([[own.id, own]]);
  const policy = (id: string, at: string): LoadedPolicy => {
    const found = compiled.get(id);
    if (found) return found;
    const declared = available[id];
    if (!declared) throw new StartupError(`${where}.${at} names policy "${id}", which is neither this service nor a policy folder under cds-services/ (known: ${[own.id, ...Object.keys(available)].join(', ')})`);
    const loaded = compileAppliedPolicy(definition, declared);
    compiled.set(id, loaded);
    return loaded;
  };
  const selection = json.policySelection;
  if (!selection) return { rules: [], default: own };
  if (!Array.isArray(selection.rules)) throw new StartupError(`${where}.rules must be a list`);
  const rules = selection.rules.map((rule, i) => {
    if (!Array.isArray(rule?.programs) || rule.programs.length === 0 || !rule.programs.every((p) => PROGRAMS.includes(p))) {
      throw new StartupError(`${where}.rules[${i}].programs must list programs among ${PROGRAMS.join(', ')}`);
    }
    if (typeof rule.because !== 'string' || rule.because.trim() === '') throw new StartupError(`${where}.rules[${i}].because must say why the policy applies`);
    return { programs: rule.programs, policy: policy(rule.policy, `rules[${i}].policy`), because: rule.because };
  });
  // Programs are recognised with the service's value sets (src/kit/coverage.ts).
  for (const name of [PROGRAM_VALUE_SETS.medicare, PROGRAM_VALUE_SETS.medicaid]) {
    if (!definition.valueSets[name]) throw new StartupError(`${where}: programs are recognised with value set "${name}", which the service does not declare`);
  }
  return { rules, default: selection.default ? policy(selection.default, 'default') : own };
}
