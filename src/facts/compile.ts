import fhirpath from 'fhirpath';
import r4model from 'fhirpath/fhir-context/r4';
import { StartupError } from '../errors';
import type { FactJson } from '../declarations/types';
import type { ValueSetMatcher } from '../declarations/value-sets';
import { compileFastPath, type FhirModel } from './fast-path';

export type CompiledExpression = (resource: unknown) => unknown[];

export interface CompiledFact {
  name: string;
  resourceTypes: string[];
  from: FactJson['from'];
  select?: { valueSets: ValueSetMatcher[]; matchText: boolean };
  fields: Array<[field: string, evaluate: CompiledExpression]>;
}

/**
 * Compiles one FHIRPath expression against the R4 model (choice types and ofType need it). Simple member
 * paths take the fast path (src/facts/fast-path.ts), which hands anything it is unsure of to fhirpath.js.
 */
export function compileFhirPath(expression: string, name: string): CompiledExpression {
  let compiled: (resource: object) => unknown;
  try {
    compiled = fhirpath.compile(expression, r4model, { async: false }) as (resource: object) => unknown;
  } catch (error) {
    throw new StartupError(`FHIRPath expression ${name} does not compile: ${(error as Error).message.split('\n')[0]}`);
  }
  const full = (resource: unknown) => compiled(resource as object) as unknown[];
  const fast = compileFastPath(expression, r4model as unknown as FhirModel);
  return fast ? (resource: unknown) => fast(resource) ?? full(resource) : full;
}

/** Compiles every fact expression once, at start-up; a broken one stops start-up with its name. */
export function compileFacts(
  serviceId: string,
  facts: Record<string, FactJson>,
  valueSets: Record<string, ValueSetMatcher>,
): CompiledFact[] {
  return Object.entries(facts).map(([name, fact]) => {
    const where = `${serviceId} fact "${name}"`;
    if (!Array.isArray(fact.resourceTypes) || fact.resourceTypes.length === 0) {
      throw new StartupError(`${where}: resourceTypes must list at least one FHIR resource type`);
    }
    if (fact.from !== 'chart' && fact.from !== 'draftOrders') {
      throw new StartupError(`${where}: from must be "chart" or "draftOrders"`);
    }
    const select = fact.select
      ? {
          valueSets: fact.select.valueSets.map((vs) => {
            const matcher = valueSets[vs];
            if (!matcher) throw new StartupError(`${where}: select names unknown value set "${vs}"`);
            return matcher;
          }),
          matchText: fact.select.matchText === true,
        }
      : undefined;
    const fields = Object.entries(fact.fields ?? {}).map(
      ([field, expression]) => [field, compileFhirPath(expression, `${serviceId}.${name}.${field}`)] as [string, CompiledExpression],
    );
    if (fields.length === 0) throw new StartupError(`${where}: declares no fields`);
    return { name, resourceTypes: fact.resourceTypes, from: fact.from, select, fields };
  });
}
