import type { CodeableConcept, Coding } from 'fhir/r4';

export const SYSTEMS = {
  cpt: 'http://www.ama-assn.org/go/cpt',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  hcpcs: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  sopt: 'https://nahdo.org/sopt',
  ucum: 'http://unitsofmeasure.org',
} as const;

/** Other spellings of the same code systems seen in EHR data (OIDs, legacy URLs). */
const ALIASES: Record<string, string> = {
  'urn:oid:2.16.840.1.113883.6.12': SYSTEMS.cpt,
  'http://www.ama-assn.org/go/cpt/': SYSTEMS.cpt,
  'urn:oid:2.16.840.1.113883.6.90': SYSTEMS.icd10cm,
  'http://hl7.org/fhir/sid/icd-10-cm/': SYSTEMS.icd10cm,
  'urn:oid:2.16.840.1.113883.6.96': SYSTEMS.snomed,
  'http://snomed.info/sct/': SYSTEMS.snomed,
  'urn:oid:2.16.840.1.113883.6.1': SYSTEMS.loinc,
  'urn:oid:2.16.840.1.113883.6.88': SYSTEMS.rxnorm,
  'urn:oid:2.16.840.1.113883.6.285': SYSTEMS.hcpcs,
  'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets': SYSTEMS.hcpcs,
  'urn:oid:2.16.840.1.113883.3.221.5': SYSTEMS.sopt,
  'http://www.nahdo.org/sopt': SYSTEMS.sopt,
};

export function canonicalSystem(system: string | undefined): string | undefined {
  if (system === undefined) return undefined;
  return ALIASES[system] ?? system;
}

/** ICD-10-CM codes arrive as "M47.816", "m47.816" or "M47816"; compare them in dotted upper case. */
export function canonicalCode(system: string | undefined, code: string): string {
  const trimmed = code.trim();
  if (system !== SYSTEMS.icd10cm) return trimmed;
  const upper = trimmed.toUpperCase();
  return upper.length > 3 && !upper.includes('.') ? `${upper.slice(0, 3)}.${upper.slice(3)}` : upper;
}

/** `system|code` in canonical form, or undefined for codings without both parts. */
export function codingKey(coding: Pick<Coding, 'system' | 'code'>): string | undefined {
  if (typeof coding?.code !== 'string' || typeof coding.system !== 'string') return undefined;
  const system = canonicalSystem(coding.system)!;
  return `${system}|${canonicalCode(system, coding.code)}`;
}

/**
 * A concept's name for people, once: its text, else its first display, else its first code ('' when none).
 * conceptText (all the words, for matching) repeats a text that also is the display.
 */
export function conceptLabel(concept: CodeableConcept | undefined): string {
  if (!concept || typeof concept !== 'object') return '';
  if (typeof concept.text === 'string' && concept.text.trim() !== '') return concept.text;
  const codings = Array.isArray(concept.coding) ? concept.coding.filter((c) => c && typeof c === 'object') : [];
  const display = codings.find((c) => typeof c.display === 'string' && c.display.trim() !== '')?.display;
  return display ?? codings.find((c) => typeof c.code === 'string')?.code ?? '';
}

/** All of a concept's words (its text and every display), for text matching. */
export function conceptText(concept: CodeableConcept | undefined): string {
  if (!concept || typeof concept !== 'object') return '';
  const parts: string[] = [];
  if (typeof concept.text === 'string') parts.push(concept.text);
  if (Array.isArray(concept.coding)) {
    for (const c of concept.coding) if (typeof c?.display === 'string') parts.push(c.display);
  }
  return parts.join(' ');
}
