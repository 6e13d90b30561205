import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { Bundle, FhirResource } from 'fhir/r4';
import { describeJsonShapeProblem, jsonShapeProblem } from '../http/json-limits';
import { Semaphore } from './semaphore';
import { withoutTrailingSlashes } from './references';

export type FetchFailure =
  | 'timeout'
  | 'network'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'bad-response'
  | 'paging-loop'
  | 'paging-limit';

/** A FHIR call that did not give usable data. The message is safe to log and show (no token, no PHI). */
export class FhirFetchError extends Error {
  constructor(
    readonly failure: FetchFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'FhirFetchError';
  }
}

export interface FhirAccess {
  /** The client's FHIR base URL, already checked against the allowlist. */
  baseUrl: string;
  /** Bearer token from fhirAuthorization; kept only for the life of the request. */
  accessToken?: string;
}

export interface FhirClientOptions {
  maxPages: number;
  maxConcurrency: number;
  /** Largest FHIR response body accepted, in bytes. */
  maxResponseBytes?: number;
  onRequest?: (outcome: { status: number | 'error'; durationMs: number }) => void;
}

/**
 * Reads from an EHR's FHIR server. One keep-alive agent pool for the process, a process-wide limit on
 * requests in flight, no redirects (a redirect could carry the token elsewhere), and every call bound
 * to the hook request's deadline signal.
 */
export class FhirClient {
  private readonly http: AxiosInstance;
  private readonly semaphore: Semaphore;

  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

  constructor(private readonly options: FhirClientOptions) {
    this.http = axios.create({
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      maxContentLength: options.maxResponseBytes ?? 50 * 1024 * 1024,
      proxy: false,
    });
    this.semaphore = new Semaphore(options.maxConcurrency);
  }

  /** Releases the kept-alive sockets (at shutdown). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** A read: the resource, or null when the server says it does not exist. */
  async read(access: FhirAccess, relativeUrl: string, signal: AbortSignal): Promise<FhirResource | null> {
    const { status, body } = await this.get(access, `${access.baseUrl}/${relativeUrl}`, signal);
    if (status === 404 || status === 410) return null;
    assertOk(status);
    const resource = parseResource(body);
    // A read of Patient/x answers a Patient: anything else (an OperationOutcome, a Bundle...) is not the data asked for.
    const expected = relativeUrl.split(/[/?]/)[0];
    if (resource.resourceType !== expected) throw new FhirFetchError('bad-response', `a read of ${expected} returned ${resource.resourceType}`);
    return resource;
  }

  /** A search: every entry's resource, following `next` links on the same server up to the page bound. */
  async search(access: FhirAccess, relativeUrl: string, signal: AbortSignal): Promise<Bundle[]> {
    return this.followPages(access, `${access.baseUrl}/${relativeUrl}`, signal, new Set());
  }

  /** Follows a prefetched Bundle's `next` link (CDS clients may paginate prefetch). */
  async continueBundle(access: FhirAccess, first: Bundle, signal: AbortSignal): Promise<Bundle[]> {
    const next = nextLink(first);
    if (!next) return [];
    return this.followPages(access, next, signal, new Set([selfLink(first) ?? '']), 1);
  }

  private async followPages(access: FhirAccess, firstUrl: string, signal: AbortSignal, seen: Set<string>, pagesSoFar = 0): Promise<Bundle[]> {
    const pages: Bundle[] = [];
    let url: string | undefined = firstUrl;
    let count = pagesSoFar;
    while (url) {
      if (seen.has(url)) throw new FhirFetchError('paging-loop', 'the FHIR server returned a next link that loops');
      // Bounded; and a history cut short is not the whole history (a frequency limit could pass on it), so the key fails.
      if (count >= this.options.maxPages) throw new FhirFetchError('paging-limit', `the FHIR server returned more than ${this.options.maxPages} pages`);
      if (!sameServer(url, access.baseUrl)) {
        throw new FhirFetchError('bad-response', 'the FHIR server returned a next link to another server');
      }
      seen.add(url);
      const { status, body } = await this.get(access, url, signal);
      assertOk(status);
      const resource = parseResource(body);
      if (resource.resourceType !== 'Bundle') throw new FhirFetchError('bad-response', `a search returned ${resource.resourceType}, not a Bundle`);
      pages.push(resource);
      count++;
      url = nextLink(resource);
    }
    return pages;
  }

  private async get(access: FhirAccess, url: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
    const release = await this.semaphore.acquire(signal).catch(() => {
      throw new FhirFetchError('timeout', 'the FHIR server did not answer before the deadline');
    });
    const started = performance.now();
    try {
      const response = await this.http.get<string>(url, {
        signal,
        headers: {
          Accept: 'application/fhir+json, application/json;q=0.9',
          ...(access.accessToken ? { Authorization: `Bearer ${access.accessToken}` } : {}),
        },
      });
      this.options.onRequest?.({ status: response.status, durationMs: performance.now() - started });
      return { status: response.status, body: typeof response.data === 'string' ? response.data : String(response.data ?? '') };
    } catch (error) {
      this.options.onRequest?.({ status: 'error', durationMs: performance.now() - started });
      if (signal.aborted || axios.isCancel(error)) throw new FhirFetchError('timeout', 'the FHIR server did not answer before the deadline');
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED') {
        throw new FhirFetchError('bad-response', 'the FHIR server response was too large');
      }
      throw new FhirFetchError('network', `the FHIR server could not be reached (${code ?? 'network error'})`);
    } finally {
      release();
    }
  }
}

function assertOk(status: number): void {
  if (status >= 200 && status < 300) return;
  if (status === 401) throw new FhirFetchError('unauthorized', 'the FHIR server refused the access token (401)', status);
  if (status === 403) throw new FhirFetchError('forbidden', 'the access token does not allow this query (403)', status);
  if (status === 404) throw new FhirFetchError('not-found', 'the FHIR server does not support this query (404)', status);
  if (status === 429) throw new FhirFetchError('rate-limited', 'the FHIR server is rate limiting (429)', status);
  if (status >= 500) throw new FhirFetchError('server-error', `the FHIR server failed (${status})`, status);
  throw new FhirFetchError('bad-response', `the FHIR server answered ${status}`, status);
}

/** A FHIR resource type name (also keeps server-chosen text short before it reaches a message). */
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;

function parseResource(body: string): FhirResource {
  const shape = jsonShapeProblem(body);
  if (shape) throw new FhirFetchError('bad-response', describeJsonShapeProblem(shape, 'the FHIR server answer'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FhirFetchError('bad-response', 'the FHIR server did not answer with JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !RESOURCE_TYPE.test(String((parsed as FhirResource).resourceType))) {
    throw new FhirFetchError('bad-response', 'the FHIR server did not answer with a FHIR resource');
  }
  return parsed as FhirResource;
}

export function nextLink(bundle: Bundle): string | undefined {
  const link = Array.isArray(bundle.link) ? bundle.link.find((l) => l?.relation === 'next' && typeof l.url === 'string') : undefined;
  return link?.url;
}

function selfLink(bundle: Bundle): string | undefined {
  return Array.isArray(bundle.link) ? bundle.link.find((l) => l?.relation === 'self')?.url : undefined;
}

/**
 * Paging may only continue on the server the token belongs to: same origin and under the base path at a
 * segment boundary (`/fhir` covers `/fhir/Patient`, not `/fhir-other`, another tenant on a shared host).
 */
export function sameServer(url: string, baseUrl: string): boolean {
  try {
    const target = new URL(url);
    const base = new URL(baseUrl);
    const basePath = withoutTrailingSlashes(base.pathname);
    return target.origin === base.origin && (target.pathname === basePath || target.pathname.startsWith(`${basePath}/`));
  } catch {
    return false;
  }
}
