import type { Bundle } from 'fhir/r4';
import { BadRequestError } from '../../errors';
import { FHIR_ID } from '../../fhir/references';

/**
 * Readers for hook context members, shared by every hook: each checks one member as the CDS Hooks
 * 2.0.1 hook definitions give it and throws a 400 naming it. JSON null is read as absent for optional
 * members (some clients serialise unset members as null).
 */

const USER_REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;
/** A FHIR local reference, `Type/id` (the hook definitions' ord-1 invariant). */
const LOCAL_REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

export function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function object(value: unknown, path: string, message?: string): Record<string, unknown> {
  if (value === undefined || value === null) throw new BadRequestError(message ?? `${path} is required`, path, 'required');
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError(message ?? `${path} must be a JSON object`, path, 'structure');
  }
  return value as Record<string, unknown>;
}

export function string(value: unknown, path: string): string {
  if (value === undefined || value === null) throw new BadRequestError(`${path} is required`, path, 'required');
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(`${path} must be a non-empty string`, path, 'value');
  return value;
}

/** context.userId: a reference such as Practitioner/123 (each hook says which types it expects). */
export function userId(value: unknown, path = 'context.userId'): string {
  const text = string(value, path);
  if (!USER_REFERENCE.test(text)) throw new BadRequestError(`${path} must be a reference such as "Practitioner/123"`, path, 'value');
  return text;
}

export function fhirId(value: unknown, path: string): string {
  const text = string(value, path);
  if (!FHIR_ID.test(text)) throw new BadRequestError(`${path} must be a FHIR id`, path, 'value');
  return text;
}

export function optionalFhirId(value: unknown, path: string): string | undefined {
  return present(value) ? fhirId(value, path) : undefined;
}

/** A FHIR local reference `Type/id`, as order-select's selections and order-dispatch's members are. */
export function localReference(value: unknown, path: string, example = 'ServiceRequest/123'): string {
  const text = string(value, path);
  if (!LOCAL_REFERENCE.test(text)) throw new BadRequestError(`${path} must be a local reference such as "${example}", got ${quoted(text)}`, path, 'value');
  return text;
}

/** A non-empty array of local references, each once, with the index it was first sent at (for messages). */
export function referenceList(value: unknown, path: string): Array<{ reference: string; index: number }> {
  if (value === undefined || value === null) throw new BadRequestError(`${path} is required`, path, 'required');
  if (!Array.isArray(value)) throw new BadRequestError(`${path} must be an array of references such as "ServiceRequest/123"`, path, 'structure');
  if (value.length === 0) throw new BadRequestError(`${path} must name at least one resource`, path, 'required');
  const seen = new Set<string>();
  return value.flatMap((item, index) => {
    const reference = localReference(item, `${path}[${index}]`);
    if (seen.has(reference)) return [];
    seen.add(reference);
    return [{ reference, index }];
  });
}

/**
 * A FHIR Bundle whose entries each hold a resource with a resourceType. Ids are checked where a resource
 * is read (relevance, order lookup): resources the service does not read may carry ids it would reject.
 */
export function bundle(value: unknown, path: string): Bundle {
  const b = object(value, path);
  if (b.resourceType !== 'Bundle') throw new BadRequestError(`${path} must be a FHIR Bundle`, `${path}.resourceType`, 'value');
  if (b.entry === undefined) return b as unknown as Bundle;
  if (!Array.isArray(b.entry)) throw new BadRequestError(`${path}.entry must be an array`, `${path}.entry`, 'structure');
  b.entry.forEach((entry: unknown, i: number) => {
    const e = object(entry, `${path}.entry[${i}]`);
    resource(e.resource, `${path}.entry[${i}].resource`);
  });
  return b as unknown as Bundle;
}

/** A JSON object with a FHIR resourceType and, when present, a string id. */
export function resource(value: unknown, path: string): Record<string, unknown> {
  const r = object(value, path);
  if (typeof r.resourceType !== 'string' || !/^[A-Z][A-Za-z]+$/.test(r.resourceType)) {
    throw new BadRequestError(`${path} must be a FHIR resource`, `${path}.resourceType`, 'value');
  }
  // The CDS Hooks 3.0 order-sign example's "draft‑rx‑1" has U+2011: the format is checked only where read.
  if (r.id !== undefined && typeof r.id !== 'string') throw new BadRequestError(`${path}.id must be a string`, `${path}.id`, 'value');
  return r;
}

/** A client's value in a message: quoted, and cut short so that a huge value is not echoed back or logged. */
export function quoted(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
}
