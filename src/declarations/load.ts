import fs from 'node:fs';
import path from 'node:path';
import { HOOKS, HOOK_NAMES, isHookName, type HookDefinition } from '../cds/hooks';
import { CRD_VERSIONS } from '../cards/crd-versions';
import { StartupError } from '../errors';
import { PREFETCH_TOKEN, isSupportedPrefetchToken } from '../fhir/prefetch-template';
import { compileOwnPolicy, compileSelection } from './policies';
import type { ConfigurationOption, HookService, LoadedPolicy, LoadedService, PolicyDefinition, PrefetchKeyDeclaration, ServiceDefinition, ServiceJson } from './types';
import { resolveLimits } from './limits';

/** Where service folders live: cds-services/ next to src/ (also next to dist/src/ after a build). */
export const DEFAULT_SERVICES_DIR = path.resolve(__dirname, '../../cds-services');

/**
 * Loads every declaration folder (one with an index module): service folders (a ServiceDefinition: a
 * service with its own policy) and policy folders (a PolicyDefinition a service may apply), validates them
 * and compiles their value sets and FHIRPath facts. Anything wrong stops start-up, naming the culprit.
 */
export function loadServices(dir: string = DEFAULT_SERVICES_DIR): LoadedService[] {
  const { services, policies } = readDeclarations(dir);
  return services.map((definition) => compileService(definition, policies));
}

/** Every declaration folder's definition, services and policies apart, each id checked against its folder. */
export function readDeclarations(dir: string = DEFAULT_SERVICES_DIR): { services: ServiceDefinition[]; policies: Record<string, PolicyDefinition> } {
  if (!fs.existsSync(dir)) throw new StartupError(`service declarations folder not found: ${dir}`);
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && hasIndexModule(path.join(dir, d.name)))
    .map((d) => d.name)
    .sort();
  const services: ServiceDefinition[] = [];
  const policies: Record<string, PolicyDefinition> = {};
  for (const folder of folders) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(path.join(dir, folder)) as { default?: ServiceDefinition | PolicyDefinition };
    const definition = exported.default;
    if (definition && 'service' in definition && definition.service) {
      if (definition.service.id !== folder) throw new StartupError(`cds-services/${folder}: service id "${definition.service.id}" must match its folder name`);
      services.push(definition);
    } else if (definition && 'declaration' in definition && definition.declaration) {
      if (definition.declaration.id !== folder) throw new StartupError(`cds-services/${folder}: policy id "${definition.declaration.id}" must match its folder name`);
      policies[folder] = definition;
    } else {
      throw new StartupError(`cds-services/${folder}: index must export default a ServiceDefinition or a PolicyDefinition`);
    }
  }
  return { services, policies };
}

/**
 * Compiles one service: its hooks, its own policy and the policies its selection names, found among
 * `policies` (by default the policy folders under cds-services/).
 */
export function compileService<T>(definition: ServiceDefinition<T>, policies: Record<string, PolicyDefinition> = readDeclarations().policies): LoadedService<T> {
  const json = definition.service;
  validateServiceJson(json);
  const limits = resolveLimits(json);
  const own = compileOwnPolicy(definition);
  const where = `service ${json.id}`;
  for (const name of [json.scope.valueSet, json.scope.unlisted?.valueSet, json.scope.unlisted?.descriptionValueSet]) {
    if (name !== undefined && !own.valueSets[name]) throw new StartupError(`${where}: scope names unknown value set "${name}"`);
  }
  const selection = compileSelection(definition as ServiceDefinition<unknown>, own as LoadedPolicy, policies);
  const applied = [selection.default, ...selection.rules.map((r) => r.policy)].filter((p) => p !== own);
  return {
    id: json.id,
    definition,
    valueSets: own.valueSets,
    facts: own.facts,
    limits,
    policy: own,
    selection,
    policies: [own as LoadedPolicy, ...new Set(applied)],
    hooks: json.hooks.map((name, i) => hookService(json, HOOKS[name as keyof typeof HOOKS], i === 0)),
  };
}

/**
 * The CDS service id of one of a declaration's hooks: the first hook listed is served at the declaration's
 * own id (facet-joint-interventions has always been the order-sign service: integrators configured it),
 * every other one at `<id>-<hook>`, e.g. facet-joint-interventions-order-select.
 */
export function hookServiceId(json: Pick<ServiceJson, 'id' | 'hooks'>, hook: string): string {
  return json.hooks[0] === hook ? json.id : `${json.id}-${hook}`;
}

function hookService(json: ServiceJson, hook: HookDefinition, first: boolean): HookService {
  const id = hookServiceId(json, hook.name);
  const prefetch = prefetchFor(json, hook);
  // CRD §resp-27/28: coverage information is the default on primary hooks; a secondary hook gives it only when asked.
  const configurationOptions: ConfigurationOption[] = json.crd.configurationOptions.map((o) =>
    o.code === 'coverage-info' ? { ...o, default: hook.primary && o.default === true } : { ...o },
  );
  const usage = [json.usageRequirements, hook.usage].filter(Boolean).join(' ');
  return {
    id,
    hook,
    prefetch,
    configurationOptions,
    discovery: {
      hook: hook.name,
      id,
      title: first ? json.title : `${json.title} (${hook.name})`,
      description: json.description,
      ...(usage ? { usageRequirements: usage } : {}),
      prefetch: Object.fromEntries(Object.entries(prefetch).map(([key, p]) => [key, p.template])),
      extension: {
        'davinci-crd.version': json.crd.versions,
        'davinci-crd.configuration-options': configurationOptions,
      },
    },
  };
}

/**
 * The declared prefetch templates a hook can fill: those whose tokens name members of its context (a hook
 * without userId cannot fill {{userPractitionerId}}). A required key a hook cannot fill is a broken declaration.
 */
function prefetchFor(json: ServiceJson, hook: HookDefinition): Record<string, PrefetchKeyDeclaration> {
  const usable: Record<string, PrefetchKeyDeclaration> = {};
  for (const [key, declaration] of Object.entries(json.prefetch)) {
    const tokens = [...declaration.template.matchAll(PREFETCH_TOKEN)].map((m) => m[1]!);
    const fillable = tokens.every((t) => (t.startsWith('context.') ? hook.tokenFields.includes(t.slice('context.'.length)) : hook.tokenFields.includes('userId')));
    if (fillable) usable[key] = declaration;
    else if (declaration.required) throw new StartupError(`service ${json.id}: required prefetch.${key} uses a token the ${hook.name} context does not have`);
  }
  return usable;
}

function validateServiceJson(json: ServiceJson): void {
  const where = `service ${json?.id ?? '(no id)'}`;
  const requireString = (value: unknown, name: string) => {
    if (typeof value !== 'string' || value.trim() === '') throw new StartupError(`${where}: ${name} is required`);
  };
  requireString(json.id, 'id');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(json.id)) throw new StartupError(`${where}: id must be lower-case letters, digits and hyphens`);
  if (!Array.isArray(json.hooks) || json.hooks.length === 0) throw new StartupError(`${where}: hooks must list the CDS hooks the service answers`);
  for (const hook of json.hooks) {
    if (!isHookName(hook)) throw new StartupError(`${where}: hook "${String(hook)}" is not one this engine serves (${HOOK_NAMES.join(', ')})`);
  }
  if (new Set(json.hooks).size !== json.hooks.length) throw new StartupError(`${where}: hooks lists a hook twice`);
  requireString(json.title, 'title');
  requireString(json.description, 'description');
  requireString(json.version, 'version');
  requireString(json.source?.label, 'source.label');
  requireString(json.source?.url, 'source.url');
  requireString(json.policy?.url, 'policy.url');
  if (json.scope?.valueSet === undefined || !Array.isArray(json.scope?.resourceTypes)) throw new StartupError(`${where}: scope needs resourceTypes and valueSet`);
  if (!json.prefetch || typeof json.prefetch !== 'object') throw new StartupError(`${where}: prefetch is required`);
  for (const [key, p] of Object.entries(json.prefetch)) {
    requireString(p?.template, `prefetch.${key}.template`);
    for (const match of p.template.matchAll(PREFETCH_TOKEN)) {
      if (!isSupportedPrefetchToken(match[1]!.trim())) {
        throw new StartupError(`${where}: prefetch.${key} uses "{{${match[1]!.trim()}}}", which is not a CDS Hooks 2.0 prefetch token`);
      }
    }
  }
  if (!Array.isArray(json.crd?.versions) || !Array.isArray(json.crd?.configurationOptions)) {
    throw new StartupError(`${where}: crd.versions and crd.configurationOptions are required`);
  }
  // CRD: at least one version, each "major.minor" (2.2, not 2.2.1); requests asking for another are refused.
  if (json.crd.versions.length === 0 || !json.crd.versions.every((v) => typeof v === 'string' && /^\d+\.\d+$/.test(v))) {
    throw new StartupError(`${where}: crd.versions must list at least one CRD version as "major.minor" (e.g. "2.2")`);
  }
  for (const version of json.crd.versions) {
    if (!CRD_VERSIONS[version]) throw new StartupError(`${where}: CRD version ${version} is not one this engine answers in (${Object.keys(CRD_VERSIONS).join(', ')})`);
  }
  for (const option of json.crd.configurationOptions) {
    if (!option.code || !['boolean', 'integer'].includes(option.type) || !option.name || !option.description || option.default === undefined) {
      throw new StartupError(`${where}: configuration option ${option.code ?? '?'} needs code, type, name, description and default`);
    }
  }
}

function hasIndexModule(folder: string): boolean {
  return ['index.ts', 'index.js'].some((file) => fs.existsSync(path.join(folder, file)));
}
