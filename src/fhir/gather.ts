import { setMaxListeners } from 'node:events';
import type { Bundle, FhirResource, OperationOutcome } from 'fhir/r4';
import type { HookRequest } from '../cds/types';
import type { LoadedService, PrefetchKeyDeclaration } from '../declarations/types';
import type { DataStatus } from '../decision/types';
import { BadRequestError, PreconditionFailedError } from '../errors';
import type { CallByteBudget } from './byte-budget';
import { FhirFetchError, nextLink, type FhirAccess, type FhirClient } from './fhir-client';
import { aboutPatient } from './patient-compartment';
import { parseTemplate, resolveTemplate } from './prefetch-template';

export interface GatheredChart {
  resources: FhirResource[];
  data: DataStatus;
  /** Resources dropped because they are about another patient (a count, for the log). */
  ignored: number;
}

export interface GatherOptions {
  request: HookRequest;
  service: LoadedService;
  /** The prefetch keys of the hook called (default: every key the service declares). */
  prefetch?: Record<string, PrefetchKeyDeclaration>;
  client: FhirClient;
  /** Present only when the FHIR server may be called (allowlisted for this client). */
  access?: FhirAccess;
  /** Why the FHIR server may not be called, for the 412 message. */
  accessRefusal?: string;
  deadline: AbortSignal;
  /**
   * The call's FHIR byte budget (FhirClient.callBudget), released by whoever answers the call; without one,
   * gatherChart takes its own and releases it when done.
   */
  bytes?: CallByteBudget;
}

type Classified =
  | { kind: 'resources'; resources: FhirResource[]; continueFrom?: Bundle }
  | { kind: 'error' }
  | { kind: 'absent' };

/**
 * Collects the chart for each prefetch key the service declares, per CDS Hooks 2.0.1: a provided key
 * is used as is (null or an empty Bundle = no data; a Bundle with a `next` link is completed from the
 * FHIR server); an absent key, or one holding an OperationOutcome, is fetched from the FHIR server when
 * that is allowed. Data that cannot be obtained (absent, or a paginated Bundle without FHIR access):
 * a required key answers 412, an optional one counts as missing. Fetches
 * run in parallel under one deadline; a failed fetch marks its key failed (the engine then answers
 * indeterminate for what depends on it) instead of failing the whole request.
 */
export async function gatherChart(options: GatherOptions): Promise<GatheredChart> {
  const { request, service, access, deadline } = options;
  const declared = options.prefetch ?? service.definition.service.prefetch;
  const keys: DataStatus['keys'] = {};
  const failures: DataStatus['failures'] = {};
  const failureKinds: Record<string, string> = {};
  const collected: FhirResource[] = [];
  const continuations: Array<[key: string, bundle: Bundle]> = [];
  const fetches: Array<[key: string, relativeUrl: string, kind: 'read' | 'search']> = [];
  const unobtainable: string[] = [];
  const incomplete: Record<string, string> = {};
  const why = options.accessRefusal ?? 'the request has no fhirServer to fetch it from';

  // First decide, per key, what is provided and what must be fetched; only then call anything.
  for (const [key, declaration] of Object.entries(declared)) {
    const provided = classify(request.prefetch, key);
    if (provided.kind === 'resources') {
      if (provided.continueFrom && !access) {
        // CDS Hooks: the service must retrieve the remaining pages itself, and cannot. A first page is not
        // the record (a prior procedure or a later score may be on the next one): the key counts as not
        // obtained, 412 when required, otherwise "not sent" like a missing optional key, with the reason.
        keys[key] = 'missing';
        incomplete[key] = `the prefetched Bundle has a next page, and the service cannot fetch it (${why})`;
        if (declaration.required) unobtainable.push(key);
        continue;
      }
      pushAll(collected, provided.resources);
      keys[key] = 'provided';
      if (provided.continueFrom) continuations.push([key, provided.continueFrom]);
      continue;
    }
    const relativeUrl = resolveTemplate(declaration.template, request.context);
    if (!access || relativeUrl === undefined) {
      keys[key] = 'missing';
      if (declaration.required) unobtainable.push(key);
      continue;
    }
    fetches.push([key, relativeUrl, parseTemplate(declaration.template).kind]);
  }

  if (unobtainable.length > 0) {
    const notSent = unobtainable.filter((key) => !incomplete[key]);
    const partial = unobtainable.filter((key) => incomplete[key]);
    const problems = [
      ...(notSent.length > 0 ? [`Required data was not prefetched and cannot be fetched (${why}): ${notSent.join(', ')}`] : []),
      ...(partial.length > 0
        ? [`Required prefetch is incomplete (its Bundle has a next page) and the rest cannot be fetched (${why}): ${partial.join(', ')}`]
        : []),
    ];
    throw new PreconditionFailedError(
      problems.join('; '),
      unobtainable.map((key) => `prefetch.${key}`),
    );
  }

  if (access) {
    const { client } = options;
    const budget = options.bytes ?? client.callBudget();
    // Every fetch of the request listens to the one deadline signal; a dozen at once is expected, not a leak.
    setMaxListeners(Math.max(10, 2 * (fetches.length + continuations.length)), deadline);
    await Promise.all([
      ...continuations.map(([key, bundle]) =>
        client.continueBundle(access, bundle, deadline, budget).then(
          (pages) => pages.forEach((page) => pushAll(collected, entries(page))),
          (error) => fail(key, error),
        ),
      ),
      ...fetches.map(([key, relativeUrl, kind]) =>
        (kind === 'read'
          ? client.read(access, relativeUrl, deadline, budget).then((r) => (r ? [r] : []))
          : client.search(access, relativeUrl, deadline, budget).then((pages) => pages.flatMap(entries))
        ).then(
          (resources) => {
            // A search can answer 200 and still report, in an OperationOutcome entry, that it failed:
            // data known to be incomplete is not read as "nothing on record".
            if (resources.some((r) => r.resourceType === 'OperationOutcome' && isError(r))) {
              fail(key, new FhirFetchError('bad-response', 'the FHIR server reported an error with its results'));
              return;
            }
            pushAll(collected, resources.filter((r) => r.resourceType !== 'OperationOutcome'));
            keys[key] = 'fetched';
          },
          (error) => fail(key, error),
        ),
      ),
    ]);
    if (!options.bytes) budget.release();
  }

  const resources = collected.filter(aboutPatient(request.context.patientId));
  const data: DataStatus = { keys, failures, failureKinds, ...(Object.keys(incomplete).length > 0 ? { incomplete } : {}) };
  return { resources, data, ignored: collected.length - resources.length };

  function fail(key: string, error: unknown): void {
    keys[key] = 'failed';
    failures[key] = error instanceof FhirFetchError ? error.message : 'the FHIR query failed';
    failureKinds[key] = error instanceof FhirFetchError ? error.failure : 'unknown';
  }
}

function classify(prefetch: Record<string, unknown> | undefined, key: string): Classified {
  if (!prefetch || !(key in prefetch) || prefetch[key] === undefined) return { kind: 'absent' };
  const value = prefetch[key];
  if (value === null) return { kind: 'resources', resources: [] };
  if (typeof value !== 'object' || Array.isArray(value) || typeof (value as FhirResource).resourceType !== 'string') {
    throw new BadRequestError(`prefetch.${key} must be a FHIR resource, a Bundle or null`, `prefetch.${key}`, 'structure');
  }
  const resource = value as FhirResource;
  if (resource.resourceType === 'OperationOutcome') return { kind: 'error' };
  if (resource.resourceType !== 'Bundle') return { kind: 'resources', resources: [resource] };
  if (resource.entry !== undefined && !Array.isArray(resource.entry)) {
    throw new BadRequestError(`prefetch.${key}.entry must be an array`, `prefetch.${key}.entry`, 'structure');
  }
  const found = entries(resource);
  if (found.some((r) => r.resourceType === 'OperationOutcome' && isError(r))) return { kind: 'error' };
  return {
    kind: 'resources',
    resources: found.filter((r) => r.resourceType !== 'OperationOutcome'),
    continueFrom: nextLink(resource) ? resource : undefined,
  };
}

/** push(...list) passes every element as an argument: a large prefetch Bundle would overflow the stack. */
function pushAll<T>(target: T[], list: T[]): void {
  for (const item of list) target.push(item);
}

function entries(bundle: Bundle): FhirResource[] {
  if (!Array.isArray(bundle.entry)) return [];
  const out: FhirResource[] = [];
  for (const entry of bundle.entry) {
    const r = entry?.resource as FhirResource | undefined;
    if (r && typeof r === 'object' && typeof r.resourceType === 'string') out.push(r);
  }
  return out;
}

/** Search bundles may carry warning-level OperationOutcomes; only error or fatal issues mean the query failed. */
function isError(outcome: OperationOutcome): boolean {
  return !Array.isArray(outcome.issue) || outcome.issue.length === 0 || outcome.issue.some((i) => i?.severity === 'error' || i?.severity === 'fatal');
}
