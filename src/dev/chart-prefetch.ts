import type { Bundle, Coding, FhirResource } from 'fhir/r4';
import type { LoadedService } from '../declarations/types';
import { canonicalCode, canonicalSystem } from '../fhir/code-systems';
import { isAboutPatient } from '../fhir/patient-compartment';
import { parseTemplate, resolveTemplate } from '../fhir/prefetch-template';
import { searchsetBundle } from '../fhir/searchset';

/**
 * Prefetch for one patient, answered from that patient's chart in memory, the way an EHR fills the
 * service's declared templates: a read gives the resource or null, a search a searchset Bundle. Searches
 * honour the patient, `status` and `code` parameters (all the declared templates use); any other
 * parameter is not applied, so its key may hold more than a FHIR server would return, never less.
 */
export function prefetchFromChart(service: LoadedService, chart: FhirResource[], context: { patientId: string; userId: string }): Record<string, unknown> {
  const prefetch: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(service.definition.service.prefetch)) {
    const url = resolveTemplate(declaration.template, context);
    if (url === undefined) continue; // a token this context cannot fill: the key is not sent, as an EHR would do
    const { resourceType, kind } = parseTemplate(declaration.template);
    if (kind === 'read') {
      const id = decodeURIComponent(url.split('/')[1] ?? '');
      prefetch[key] = chart.find((r) => r.resourceType === resourceType && r.id === id) ?? null;
      continue;
    }
    const params = new URLSearchParams(url.split('?')[1] ?? '');
    const found = chart.filter((r) => r.resourceType === resourceType && matches(r, params, context.patientId));
    prefetch[key] = searchset(found);
  }
  return prefetch;
}

/** A FHIR search on a chart in memory, as the prefetch above answers it (the sandbox's FHIR server uses it too). */
export function searchChart(chart: FhirResource[], resourceType: string, params: URLSearchParams, patientId: string): FhirResource[] {
  return chart.filter((r) => r.resourceType === resourceType && matches(r, params, patientId));
}

function matches(resource: FhirResource, params: URLSearchParams, patientId: string): boolean {
  for (const [name, value] of params) {
    const values = value.split(',');
    if (name === 'patient' || name === 'subject' || name === 'beneficiary') {
      if (!isAboutPatient(resource, patientId)) return false;
    } else if (name === 'status') {
      if (!values.includes(String((resource as { status?: unknown }).status))) return false;
    } else if (name === 'code') {
      const codings = (resource as { code?: { coding?: Coding[] } }).code?.coding ?? [];
      if (!codings.some((c) => values.some((v) => tokenMatches(c, v)))) return false;
    }
  }
  return true;
}

/** A FHIR token search value: `code`, `system|code` or `system|`. */
function tokenMatches(coding: Coding, token: string): boolean {
  const bar = token.indexOf('|');
  if (bar === -1) return coding.code === token;
  const system = canonicalSystem(token.slice(0, bar));
  const code = token.slice(bar + 1);
  if (canonicalSystem(coding.system) !== system) return false;
  return code === '' || (typeof coding.code === 'string' && canonicalCode(system, coding.code) === canonicalCode(system, code));
}

function searchset(resources: FhirResource[]): Bundle {
  return searchsetBundle(resources.map((resource) => ({ resource })));
}
