import fs from 'node:fs';
import path from 'node:path';
import { StartupError } from '../errors';
import { compileFacts } from '../facts/compile';
import { PREFETCH_TOKEN, isSupportedPrefetchToken } from '../fhir/prefetch-template';
import type { LoadedService, ServiceDefinition, ServiceJson } from './types';
import { resolveLimits } from './limits';
import { compileValueSets } from './value-sets';

/** Where service folders live: cds-services/ next to src/ (also next to dist/src/ after a build). */
export const DEFAULT_SERVICES_DIR = path.resolve(__dirname, '../../cds-services');

/**
 * Loads every service folder (one with an index module exporting a ServiceDefinition), validates it
 * and compiles its value sets and FHIRPath facts. Anything wrong stops start-up, naming the culprit.
 */
export function loadServices(dir: string = DEFAULT_SERVICES_DIR): LoadedService[] {
  if (!fs.existsSync(dir)) throw new StartupError(`service declarations folder not found: ${dir}`);
  const folders = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && hasIndexModule(path.join(dir, d.name)))
    .map((d) => d.name)
    .sort();
  const services = folders.map((folder) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(path.join(dir, folder)) as { default?: ServiceDefinition };
    const definition = exported.default;
    if (!definition?.service) throw new StartupError(`cds-services/${folder}: index must export default a ServiceDefinition`);
    if (definition.service.id !== folder) {
      throw new StartupError(`cds-services/${folder}: service id "${definition.service.id}" must match its folder name`);
    }
    return compileService(definition);
  });
  return services;
}

export function compileService<T>(definition: ServiceDefinition<T>): LoadedService<T> {
  const json = definition.service;
  validateServiceJson(json);
  const limits = resolveLimits(json);
  const valueSets = compileValueSets(definition.valueSets);
  const where = `service ${json.id}`;
  for (const name of [json.scope.valueSet, json.scope.unlisted?.valueSet, json.scope.unlisted?.descriptionValueSet]) {
    if (name !== undefined && !valueSets[name]) throw new StartupError(`${where}: scope names unknown value set "${name}"`);
  }
  const facts = compileFacts(json.id, definition.facts, valueSets);
  const seen = new Set<string>();
  for (const criterion of definition.policy.criteria) {
    if (seen.has(criterion.id)) throw new StartupError(`${where}: criterion id "${criterion.id}" is used twice`);
    seen.add(criterion.id);
    for (const key of criterion.dependsOn) {
      if (!json.prefetch[key]) throw new StartupError(`${where}: criterion ${criterion.id} depends on unknown prefetch key "${key}"`);
    }
  }
  return {
    id: json.id,
    definition,
    valueSets,
    facts,
    limits,
    discovery: discoveryEntry(json),
    topic: (code, display) => ({ system: json.source.topicSystem, code, display }),
  };
}

function discoveryEntry(json: ServiceJson): Record<string, unknown> {
  return {
    hook: json.hook,
    id: json.id,
    title: json.title,
    description: json.description,
    ...(json.usageRequirements ? { usageRequirements: json.usageRequirements } : {}),
    prefetch: Object.fromEntries(Object.entries(json.prefetch).map(([key, p]) => [key, p.template])),
    extension: {
      'davinci-crd.version': json.crd.versions,
      'davinci-crd.configuration-options': json.crd.configurationOptions,
    },
  };
}

function validateServiceJson(json: ServiceJson): void {
  const where = `service ${json?.id ?? '(no id)'}`;
  const requireString = (value: unknown, name: string) => {
    if (typeof value !== 'string' || value.trim() === '') throw new StartupError(`${where}: ${name} is required`);
  };
  requireString(json.id, 'id');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(json.id)) throw new StartupError(`${where}: id must be lower-case letters, digits and hyphens`);
  requireString(json.hook, 'hook');
  requireString(json.title, 'title');
  requireString(json.description, 'description');
  requireString(json.version, 'version');
  requireString(json.source?.label, 'source.label');
  requireString(json.source?.url, 'source.url');
  requireString(json.source?.topicSystem, 'source.topicSystem');
  requireString(json.policy?.url, 'policy.url');
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
  for (const option of json.crd.configurationOptions) {
    if (!option.code || !['boolean', 'integer'].includes(option.type) || !option.name || !option.description || option.default === undefined) {
      throw new StartupError(`${where}: configuration option ${option.code ?? '?'} needs code, type, name, description and default`);
    }
  }
}

function hasIndexModule(folder: string): boolean {
  return ['index.ts', 'index.js'].some((file) => fs.existsSync(path.join(folder, file)));
}
