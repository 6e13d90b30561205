import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import type { Bundle, FhirResource } from 'fhir/r4';
import { describeJsonShapeProblem, jsonShapeProblem } from '../http/json-limits';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { CallByteBudget, FHIR_BYTE_DEFAULTS, ProcessBytes, mebibytes } from './byte-budget';
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
  | 'paging-limit'
  | 'too-large'
  | 'byte-budget';

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
  /** FHIR_MAX_RESPONSE_BYTES: largest FHIR response body accepted (decompressed), in bytes. */
  maxResponseBytes?: number;
  /** FHIR_MAX_BYTES_PER_CALL: memory one hook call's FHIR answers may take, all responses and pages, counted at twice the bytes received (byte-budget.ts). */
  maxBytesPerCall?: number;
  /** FHIR_MAX_BYTES_IN_FLIGHT: the same, for all hook calls in progress at once. */
  maxBytesInFlight?: number;
  onRequest?: (outcome: { status: number | 'error'; durationMs: number }) => void;
  /** Told the bytes held after each change (the cds_fhir_bytes_in_flight gauge). */
  onBytesInFlight?: (bytes: number) => void;
}


/**
 * Reads from an EHR's FHIR server. One keep-alive agent pool for the process, a process-wide limit on
 * requests in flight and on bytes held (byte-budget.ts), no redirects (a redirect could carry the token
 * elsewhere), every call bound to the hook request's deadline signal, and every answer read as a stream
 * and counted chunk by chunk: a response over FHIR_MAX_RESPONSE_BYTES, or one that takes the call past its
 * byte budget, is cut off there, not downloaded whole first.
 */
export class FhirClient {
  private readonly http: AxiosInstance;
  private readonly semaphore: Semaphore;
  private readonly bytes: ProcessBytes;
  private readonly maxResponseBytes: number;

  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

  constructor(private readonly options: FhirClientOptions) {
    this.http = axios.create({
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      maxRedirects: 0,
      responseType: 'stream',
      validateStatus: () => true,
      proxy: false,
    });
    this.semaphore = new Semaphore(options.maxConcurrency);
    this.maxResponseBytes = options.maxResponseBytes ?? FHIR_BYTE_DEFAULTS.maxResponseBytes;
    this.bytes = new ProcessBytes(options.maxBytesInFlight ?? FHIR_BYTE_DEFAULTS.maxBytesInFlight, options.onBytesInFlight);
  }

  /** A hook call's byte budget (FHIR_MAX_BYTES_PER_CALL, within FHIR_MAX_BYTES_IN_FLIGHT); release it once the call is answered. */
  callBudget(): CallByteBudget {
    return new CallByteBudget(this.options.maxBytesPerCall ?? FHIR_BYTE_DEFAULTS.maxBytesPerCall, this.bytes);
  }

  /** Bytes of FHIR answers held by calls in progress. */
  get bytesInFlight(): number {
    return this.bytes.inFlight;
  }

  /** Releases the kept-alive sockets (at shutdown). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** A read: the resource, or null when the server says it does not exist. */
  async read(access: FhirAccess, relativeUrl: string, signal: AbortSignal, budget?: CallByteBudget): Promise<FhirResource | null> {
    const resource = await this.getResource(access, `${access.baseUrl}/${relativeUrl}`, signal, budget, true);
    if (resource === null) return null;
    // A read of Patient/x answers a Patient: anything else (an OperationOutcome, a Bundle...) is not the data asked for.
    const expected = relativeUrl.split(/[/?]/)[0];
    if (resource.resourceType !== expected) throw new FhirFetchError('bad-response', `a read of ${expected} returned ${resource.resourceType}`);
    return resource;
  }

  /** A search: every entry's resource, following `next` links on the same server up to the page bound. */
  async search(access: FhirAccess, relativeUrl: string, signal: AbortSignal, budget?: CallByteBudget): Promise<Bundle[]> {
    return this.followPages(access, `${access.baseUrl}/${relativeUrl}`, signal, new Set(), 0, budget);
  }

  /** Follows a prefetched Bundle's `next` link (CDS clients may paginate prefetch). */
  async continueBundle(access: FhirAccess, first: Bundle, signal: AbortSignal, budget?: CallByteBudget): Promise<Bundle[]> {
    const next = nextLink(first);
    if (!next) return [];
    return this.followPages(access, next, signal, new Set([selfLink(first) ?? '']), 1, budget);
  }

  private async followPages(access: FhirAccess, firstUrl: string, signal: AbortSignal, seen: Set<string>, pagesSoFar: number, budget: CallByteBudget | undefined): Promise<Bundle[]> {
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
      const resource = (await this.getResource(access, url, signal, budget, false))!;
      if (resource.resourceType !== 'Bundle') throw new FhirFetchError('bad-response', `a search returned ${resource.resourceType}, not a Bundle`);
      pages.push(resource);
      count++;
      url = nextLink(resource);
    }
    return pages;
  }

  /**
   * One answer, parsed: null for a 404/410 when `missingOk`. Its bytes are counted while it is read and
   * parsed as text plus parsed data; once parsed, the text is let go (byte-budget.ts), and an answer that
   * is not used (an error, nothing found) is let go entirely.
   */
  private async getResource(access: FhirAccess, url: string, signal: AbortSignal, budget: CallByteBudget | undefined, missingOk: boolean): Promise<FhirResource | null> {
    const { status, body, received } = await this.get(access, url, signal, budget);
    try {
      if (missingOk && (status === 404 || status === 410)) {
        budget?.letGo(received, 'all');
        return null;
      }
      assertOk(status);
      const resource = parseResource(body);
      budget?.letGo(received, 'text');
      return resource;
    } catch (error) {
      budget?.letGo(received, 'all');
      throw error;
    }
  }

  private async get(access: FhirAccess, url: string, signal: AbortSignal, budget: CallByteBudget | undefined): Promise<{ status: number; body: string; received: number }> {
    const stopped = () => (budget?.exhausted ? new FhirFetchError('byte-budget', budget.message()) : new FhirFetchError('timeout', 'the FHIR server did not answer before the deadline'));
    // A call whose budget ran out stops every fetch at once, not only the one that ran it out.
    const listen = budget ? AbortSignal.any([signal, budget.signal]) : signal;
    if (budget?.exhausted) throw stopped();
    const release = await this.semaphore.acquire(listen).catch(() => {
      throw stopped();
    });
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      const response = await this.http.get<Readable>(url, {
        signal: listen,
        headers: {
          Accept: 'application/fhir+json, application/json;q=0.9',
          ...(access.accessToken ? { Authorization: `Bearer ${access.accessToken}` } : {}),
        },
      });
      status = response.status;
      return { status, ...(await this.readBody(response.data, budget)) };
    } catch (error) {
      if (error instanceof FhirFetchError) throw error;
      if (listen.aborted || axios.isCancel(error)) throw stopped();
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BAD_RESPONSE' || code === 'Z_DATA_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
        throw new FhirFetchError('bad-response', 'the FHIR server answer could not be read');
      }
      throw new FhirFetchError('network', `the FHIR server could not be reached (${code ?? 'network error'})`);
    } finally {
      this.options.onRequest?.({ status, durationMs: performance.now() - started });
      release();
    }
  }

  /**
   * The body, read chunk by chunk (decompressed) and counted: past FHIR_MAX_RESPONSE_BYTES, or past the call's
   * byte budget, reading stops and the connection is dropped, so no more of it is received.
   */
  private async readBody(stream: Readable, budget: CallByteBudget | undefined): Promise<{ body: string; received: number }> {
    const decoder = new StringDecoder('utf8');
    const pieces: string[] = [];
    let size = 0;
    let counted = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.maxResponseBytes) {
          throw new FhirFetchError('too-large', `the FHIR server answer was larger than FHIR_MAX_RESPONSE_BYTES (${mebibytes(this.maxResponseBytes)})`);
        }
        if (budget && !budget.takeReceived(chunk.length)) throw new FhirFetchError('byte-budget', budget.message());
        counted += chunk.length;
        // Decoded as it arrives: the raw chunks are dropped at once, the text is all that is held.
        pieces.push(decoder.write(chunk));
      }
    } catch (error) {
      budget?.letGo(counted, 'all'); // what was read of it is dropped
      throw error;
    } finally {
      if (!stream.readableEnded) stream.destroy();
    }
    pieces.push(decoder.end());
    return { body: pieces.join(''), received: size };
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
