import type { FhirResource } from 'fhir/r4';
import type { CompiledFact } from './compile';
import type { ResourceIndex } from './resource-index';
import type { TextBound } from './text-bound';

/** One resource's extracted fields: FHIRPath results, always arrays. */
export interface FactRecord {
  /** "Type/id" (or "Type/#n" when the resource has no id). */
  ref: string;
  resourceType: string;
  fields: Record<string, unknown[]>;
}

export type FactSet = Record<string, FactRecord[]>;

/**
 * Runs each compiled fact over its candidate resources: once per resource, once per request. With a text
 * bound, text in the results is cut to it (and remembered), so no matcher reads more of a field than declared.
 */
export function extractFacts(facts: CompiledFact[], chart: ResourceIndex, draftOrders: FhirResource[], bound?: TextBound): FactSet {
  const result: FactSet = {};
  for (const fact of facts) {
    const records: FactRecord[] = [];
    for (const type of fact.resourceTypes) {
      const resources =
        fact.from === 'draftOrders'
          ? draftOrders.filter((r) => r.resourceType === type)
          : fact.select
            ? chart.candidates(type, fact.select.valueSets, fact.select.matchText)
            : chart.ofType(type);
      resources.forEach((resource, i) => records.push(extractRecord(fact, resource, i, bound)));
    }
    result[fact.name] = records;
  }
  return result;
}

function extractRecord(fact: CompiledFact, resource: FhirResource, position: number, bound: TextBound | undefined): FactRecord {
  const ref = resource.id ? `${resource.resourceType}/${resource.id}` : `${resource.resourceType}/#${position}`;
  const fields: Record<string, unknown[]> = {};
  for (const [field, evaluate] of fact.fields) {
    try {
      const values = evaluate(resource);
      fields[field] = bound ? bound.values(values, ref, field) : values;
    } catch {
      // Malformed data (e.g. a non-date in a date element) makes that field unreadable, not the request.
      fields[field] = [];
    }
  }
  return { ref, resourceType: resource.resourceType, fields };
}
