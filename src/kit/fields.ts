import type { CodeableConcept, Coding } from 'fhir/r4';
import type { FactRequirement } from '../decision/types';
import type { FactRecord, FactSet } from '../facts/extract';
import { conceptText } from '../fhir/code-systems';
import { normalizeReference } from '../fhir/references';

/**
 * Typed reads of the FHIRPath fields a declaration's facts.json gives (always arrays; elements may be
 * anything the EHR sent). A reader names its fact and fields once: the field names are checked by the
 * compiler where they are read, and against facts.json when the declaration loads (`requirement`), so a
 * misspelt field stops start-up with its name instead of reading nothing.
 */
export class FactFields<F extends string> {
  constructor(
    /** The fact's name in facts.json. */
    readonly fact: string,
    readonly fields: readonly F[],
  ) {}

  /** The same fields of a fact under another name (a declaration that calls its planned orders "plannedRadiofrequency"). */
  named(fact: string): FactFields<F> {
    return new FactFields(fact, this.fields);
  }

  /** What the declaration must declare for this reader: the fact and every field it reads. */
  requirement(optional = false): FactRequirement {
    return { fact: this.fact, fields: [...this.fields], ...(optional ? { optional: true } : {}) };
  }

  /** The fact's records of one request (none when the declaration or the record has none). */
  records(facts: FactSet): FactRecord[] {
    return facts[this.fact] ?? [];
  }

  strings(record: FactRecord, field: F): string[] {
    return (record.fields[field] ?? []).filter((v): v is string => typeof v === 'string' && v.length > 0);
  }

  string(record: FactRecord, field: F): string | undefined {
    // The first of strings(), without making the list (the chart reads several fields of every record so).
    for (const v of record.fields[field] ?? []) if (typeof v === 'string' && v.length > 0) return v;
    return undefined;
  }

  number(record: FactRecord, field: F): number | undefined {
    return (record.fields[field] ?? []).find((v) => typeof v === 'number' && Number.isFinite(v)) as number | undefined;
  }

  boolean(record: FactRecord, field: F): boolean | undefined {
    return (record.fields[field] ?? []).find((v) => typeof v === 'boolean') as boolean | undefined;
  }

  concepts(record: FactRecord, field: F): CodeableConcept[] {
    return (record.fields[field] ?? []).filter((v): v is CodeableConcept => isObject(v));
  }

  codings(record: FactRecord, field: F): Coding[] {
    return (record.fields[field] ?? []).filter((v): v is Coding => isObject(v) && typeof (v as Coding).code === 'string');
  }

  objects<T>(record: FactRecord, field: F): T[] {
    return (record.fields[field] ?? []).filter((v): v is T => isObject(v));
  }

  references(record: FactRecord, field: F): string[] {
    return this.strings(record, field)
      .map(normalizeReference)
      .filter((r): r is string => r !== undefined);
  }
}

/** A reader of `fields` of the fact `fact`; the field names are typed from the list. */
export function factFields<const F extends string>(fact: string, fields: readonly F[]): FactFields<F> {
  return new FactFields(fact, fields);
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
