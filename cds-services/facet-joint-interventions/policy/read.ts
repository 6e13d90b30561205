import type { CodeableConcept, Coding } from 'fhir/r4';
import type { FactRecord } from '../../../src/facts/extract';
import { conceptText } from '../../../src/fhir/code-systems';
import { normalizeReference } from '../../../src/fhir/references';

/** Typed reads of FHIRPath field results (always arrays; elements may be anything the EHR sent). */

export function strings(record: FactRecord, field: string): string[] {
  return (record.fields[field] ?? []).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

export function string(record: FactRecord, field: string): string | undefined {
  return strings(record, field)[0];
}

export function number(record: FactRecord, field: string): number | undefined {
  const value = (record.fields[field] ?? []).find((v) => typeof v === 'number' && Number.isFinite(v));
  return value as number | undefined;
}

export function boolean(record: FactRecord, field: string): boolean | undefined {
  return (record.fields[field] ?? []).find((v) => typeof v === 'boolean') as boolean | undefined;
}

export function concepts(record: FactRecord, field: string): CodeableConcept[] {
  return (record.fields[field] ?? []).filter((v): v is CodeableConcept => isObject(v));
}

export function codings(record: FactRecord, field: string): Coding[] {
  return (record.fields[field] ?? []).filter((v): v is Coding => isObject(v) && typeof (v as Coding).code === 'string');
}

export function objects<T>(record: FactRecord, field: string): T[] {
  return (record.fields[field] ?? []).filter((v): v is T => isObject(v));
}

export function references(record: FactRecord, field: string): string[] {
  return strings(record, field)
    .map(normalizeReference)
    .filter((r): r is string => r !== undefined);
}

/** Code text, displays and any extra strings, joined for text matching and for evidence. */
export function describe(codingList: Coding[], ...texts: Array<string | undefined>): string {
  const parts = [...texts.filter((t): t is string => typeof t === 'string' && t.length > 0)];
  for (const c of codingList) if (typeof c.display === 'string' && !parts.includes(c.display)) parts.push(c.display);
  if (parts.length === 0 && codingList[0]?.code) parts.push(codingList[0].code);
  return parts.join(' / ');
}

export function allText(list: CodeableConcept[]): string {
  return list.map(conceptText).filter((t) => t).join(' ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
