import type { Extension } from 'fhir/r4';
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import invariants from '../fixtures/crd/coverage-information-invariants.json';

/**
 * The Da Vinci CRD coverage-information extension checked as the HL7 validator checks it, per CRD version:
 * its structure (sub-extensions, cardinality, value types, required code bindings) and its invariants,
 * each evaluated with fhirpath.js on the IG's own expression (test/fixtures/crd). An empty result is a
 * failure, as the validator counts it.
 */
export type CrdLine = '2.0' | '2.2';
export type InvariantResult = 'true' | 'false' | 'empty';

const CRD_TEMP_CODES = 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp';
interface VersionChecks {
  topicSystem: string;
  invariants: Record<string, { human: string; expression: string }>;
  structure: { subExtensions: Record<string, [number, number | null, string | null]>; valueSets: Record<string, string[]>; reasonCodes: string[] };
}
const versions = invariants.versions as unknown as Record<CrdLine, VersionChecks>;

export const INVARIANT_IDS: Record<CrdLine, string[]> = { '2.0': Object.keys(versions['2.0'].invariants), '2.2': Object.keys(versions['2.2'].invariants) };

export function topicSystem(version: CrdLine): string {
  return versions[version].topicSystem;
}

/** Each invariant's result on one coverage-information extension, as it sits on a ServiceRequest or Appointment. */
export function invariantResults(extension: Extension, version: CrdLine): Record<string, InvariantResult> {
  const reasons = versions[version].structure.reasonCodes;
  // memberOf needs a terminology server in fhirpath.js: here, the CRD coverageAssertionReasons codes (CRD temp code system).
  const userInvocationTable = {
    memberOf: {
      fn: (inputs: Array<{ coding?: Array<{ system?: string; code?: string }> }>) => [
        inputs.length > 0 && inputs.every((c) => (c.coding ?? []).some((x) => x.system === CRD_TEMP_CODES && reasons.includes(x.code ?? ''))),
      ],
      arity: { 1: ['String'] },
    },
  };
  const results: Record<string, InvariantResult> = {};
  for (const [id, { expression }] of Object.entries(versions[version].invariants)) {
    const value = fhirpath.evaluate(extension, { base: 'ServiceRequest.extension', expression }, undefined, r4, { userInvocationTable } as never) as unknown[];
    results[id] = value.length === 0 ? 'empty' : value.length === 1 && value[0] === true ? 'true' : 'false';
  }
  return results;
}

/** The invariants that do not hold (false or empty). */
export function failedInvariants(extension: Extension, version: CrdLine): string[] {
  return Object.entries(invariantResults(extension, version))
    .filter(([, r]) => r !== 'true')
    .map(([id, r]) => `${id} ${r}`);
}

/**
 * Where an IG expression misfires on a combination its own text allows (README "CRD versions"): 2.2's
 * crd-ci-q4 is empty whenever doc-purpose is withpa and pa-needed is not one of the values it names,
 * i.e. on auth-needed + withpa, the combination its description permits (documentation for the PA request).
 */
export function documentedMisfires(extension: Extension, version: CrdLine): string[] {
  const value = (url: string) => (extension.extension ?? []).filter((e) => e.url === url).map((e) => e.valueCode);
  if (version === '2.2' && value('pa-needed').includes('auth-needed') && value('doc-purpose').includes('withpa')) return ['crd-ci-q4 empty'];
  return [];
}

/** Structure as the version's StructureDefinition gives it: sub-extensions, cardinality, value types, required bindings. */
export function structureProblems(extension: Extension, version: CrdLine): string[] {
  const { subExtensions, valueSets } = versions[version].structure;
  const problems: string[] = [];
  if (extension.url !== 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information') problems.push(`url ${extension.url}`);
  if ('value' in extension || Object.keys(extension).some((k) => k.startsWith('value'))) problems.push('a complex extension has no value[x] (ext-1)');
  const parts = extension.extension ?? [];
  for (const [url, [min, max, type]] of Object.entries(subExtensions)) {
    const found = parts.filter((p) => p.url === url);
    if (found.length < min) problems.push(`${url}: at least ${min}, found ${found.length}`);
    if (max !== null && found.length > max) problems.push(`${url}: at most ${max}, found ${found.length}`);
    for (const p of found) {
      const keys = Object.keys(p).filter((k) => k.startsWith('value'));
      if (type && (keys.length !== 1 || keys[0] !== type)) problems.push(`${url}: must have ${type}, has ${keys.join(', ') || 'none'}`);
      const codes = valueSets[url];
      if (codes && !codes.includes(p.valueCode ?? '')) problems.push(`${url}: ${p.valueCode} is not in the ${version} value set (${codes.join(', ')})`);
    }
  }
  for (const p of parts) if (!(p.url in subExtensions)) problems.push(`${p.url}: not a ${version} sub-extension`);
  const coverage = parts.find((p) => p.url === 'coverage')?.valueReference?.reference;
  if (coverage !== undefined && !/(^|\/)Coverage\/[A-Za-z0-9\-.]{1,64}$/.test(coverage)) problems.push(`coverage: ${coverage} is not a reference to a Coverage`);
  for (const p of parts.filter((x) => x.url === 'date')) if (!/^\d{4}-\d{2}-\d{2}$/.test(p.valueDate ?? '')) problems.push(`date: ${p.valueDate}`);
  for (const p of parts.filter((x) => x.url === 'billingCode')) if (!p.valueCoding?.system || !p.valueCoding.code) problems.push('billingCode: system and code');
  for (const p of parts.filter((x) => x.url === 'reason')) {
    for (const c of p.valueCodeableConcept?.coding ?? []) {
      if (c.system === CRD_TEMP_CODES && !versions[version].structure.reasonCodes.includes(c.code ?? '')) problems.push(`reason: ${c.code} is not a ${version} coverage-assertion reason`);
    }
  }
  return problems;
}

/** Every coverage-information extension of a response's system actions, with the resource it is on. */
export function coverageInformationOf(response: { systemActions?: Array<{ resource?: { resourceType: string; id?: string; extension?: Extension[] } }> }): Array<{ on: string; extension: Extension }> {
  return (response.systemActions ?? []).flatMap((a) =>
    (a.resource?.extension ?? [])
      .filter((e) => e.url === 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information')
      .map((extension) => ({ on: `${a.resource!.resourceType}/${a.resource!.id}`, extension })),
  );
}
