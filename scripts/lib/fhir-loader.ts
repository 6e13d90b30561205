import axios, { type AxiosError } from 'axios';
import type { Bundle, CapabilityStatement, OperationOutcome } from 'fhir/r4';

/**
 * Loads transaction Bundles into a FHIR R4 server: POST to the server base, as FHIR prescribes, and reads
 * the transaction-response. Used by `npm run load-patients`, the demo and the tests, so all three load
 * patients exactly the same way.
 */

export interface ServerTarget {
  /** The FHIR base URL, e.g. https://hapi.example.org/fhir (a trailing slash is ignored). */
  baseUrl: string;
  /** Bearer token for servers that require one. Never printed or logged. */
  token?: string;
  timeoutMs?: number;
}

export type LoadFailure = 'unreachable' | 'timeout' | 'unauthorized' | 'rejected' | 'server-error' | 'redirected' | 'bad-response';

/** Why a server call failed, in words a person can act on. */
export class LoadError extends Error {
  constructor(
    readonly failure: LoadFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LoadError';
  }

  /** Nothing else will work against this server either (so a batch of loads should stop). */
  get fatal(): boolean {
    // A wrong base URL (404/405 on the base) fails every patient the same way.
    const wrongBase = this.status === 404 || this.status === 405;
    return wrongBase || this.failure === 'unreachable' || this.failure === 'timeout' || this.failure === 'unauthorized' || this.failure === 'redirected';
  }
}

export interface EntryResult {
  /** "Patient/facet-01" (from the response location, else the request). */
  resource: string;
  /** HTTP status the server gave this entry, e.g. 201 or 200. */
  status: number;
}

export interface TransactionResult {
  status: number;
  entries: EntryResult[];
  /** Entries by answer: created (201), updated (200), other. */
  created: number;
  updated: number;
  other: number;
}

export interface ServerInfo {
  software?: string;
  fhirVersion?: string;
  /** When the server's /metadata is missing or unusual, what a person should know (loading is still tried). */
  warning?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Resource counts by type, in the Bundle's order of first appearance. */
export function countByType(bundle: Bundle): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of bundle.entry ?? []) {
    const type = entry.resource?.resourceType ?? '(no resource)';
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** Normalises the base URL the user gave: absolute http(s), no credentials, no trailing slash. */
export function fhirBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new LoadError('rejected', `--fhir-server must be an absolute URL such as http://localhost:8080/fhir, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoadError('rejected', `--fhir-server must be an http(s) URL, got "${value}"`);
  if (url.username || url.password) throw new LoadError('rejected', '--fhir-server must not carry credentials; use --token for a bearer token');
  if (url.search || url.hash) throw new LoadError('rejected', '--fhir-server must be the FHIR base URL, without a query string or fragment');
  return url.toString().replace(/\/+$/, '');
}

/** Reads the server's CapabilityStatement, to fail early on a wrong URL and to say what the server is. */
export async function probeServer(target: ServerTarget): Promise<ServerInfo> {
  const response = await send(target, 'GET', `${target.baseUrl}/metadata`);
  if (response.status === 401 || response.status === 403) throw httpError(response.status, response.data, 'GET metadata');
  const body = parseJson(response.data) as CapabilityStatement | undefined;
  if (response.status >= 300 || body?.resourceType !== 'CapabilityStatement') {
    return {
      warning: `${target.baseUrl}/metadata did not answer with a CapabilityStatement (HTTP ${response.status}); is this the FHIR base URL? Trying anyway.`,
    };
  }
  const software = [body.software?.name, body.software?.version].filter(Boolean).join(' ') || undefined;
  const info: ServerInfo = { software, fhirVersion: body.fhirVersion };
  if (body.fhirVersion && !body.fhirVersion.startsWith('4.0')) {
    info.warning = `the server speaks FHIR ${body.fhirVersion}; these patients are FHIR R4 (4.0.1) and may be refused`;
  }
  return info;
}

/** POSTs one transaction Bundle to the server base and reports what the server did with each entry. */
export async function postTransaction(target: ServerTarget, bundle: Bundle): Promise<TransactionResult> {
  const response = await send(target, 'POST', target.baseUrl, bundle);
  if (response.status >= 300) throw httpError(response.status, response.data, 'the transaction');
  const body = parseJson(response.data) as Bundle | undefined;
  if (body?.resourceType !== 'Bundle' || body.type !== 'transaction-response') {
    throw new LoadError(
      'bad-response',
      `the server answered HTTP ${response.status} but not with a transaction-response Bundle (got ${body?.resourceType ?? 'no FHIR resource'}${body?.type ? ` of type ${body.type}` : ''})`,
      response.status,
    );
  }
  const sent = bundle.entry ?? [];
  const entries = (body.entry ?? []).map((entry, i): EntryResult => {
    const status = Number.parseInt(entry.response?.status ?? '', 10);
    const location = entry.response?.location?.replace(/^.*?\b([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(\/_history\/.*)?$/, '$1');
    return { resource: location ?? sent[i]?.request?.url ?? `entry ${i + 1}`, status: Number.isNaN(status) ? 0 : status };
  });
  return {
    status: response.status,
    entries,
    created: entries.filter((e) => e.status === 201).length,
    updated: entries.filter((e) => e.status === 200).length,
    other: entries.filter((e) => e.status !== 200 && e.status !== 201).length,
  };
}

interface RawResponse {
  status: number;
  data: string;
}

async function send(target: ServerTarget, method: 'GET' | 'POST', url: string, body?: unknown): Promise<RawResponse> {
  const timeout = target.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await axios.request<string>({
      method,
      url,
      data: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        Accept: 'application/fhir+json, application/json;q=0.9',
        ...(body === undefined ? {} : { 'Content-Type': 'application/fhir+json' }),
        ...(target.token ? { Authorization: `Bearer ${target.token}` } : {}),
      },
      timeout,
      // A redirect could carry the token to another host; say where the server points instead.
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      proxy: false,
    });
    if (response.status >= 300 && response.status < 400) {
      const where = response.headers.location ? ` to ${String(response.headers.location)}` : '';
      throw new LoadError('redirected', `the server redirected ${method} ${url}${where}; pass the final FHIR base URL as --fhir-server`, response.status);
    }
    return { status: response.status, data: typeof response.data === 'string' ? response.data : String(response.data ?? '') };
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw networkError(error as AxiosError, url, timeout);
  }
}

function networkError(error: AxiosError, url: string, timeoutMs: number): LoadError {
  const host = safeHost(url);
  switch (error.code) {
    case 'ECONNREFUSED':
      return new LoadError('unreachable', `could not connect to ${host} (connection refused): is the FHIR server running, and is the port right?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new LoadError('unreachable', `could not resolve the host name ${host}`);
    case 'ECONNABORTED':
    case 'ETIMEDOUT':
      return new LoadError('timeout', `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    case 'ECONNRESET':
      return new LoadError('unreachable', `${host} closed the connection (is it an https server addressed with http, or the other way round?)`);
    default:
      if (/certificate|self.signed|SSL|TLS/i.test(`${error.code} ${error.message}`)) {
        return new LoadError('unreachable', `TLS to ${host} failed: ${error.message}`);
      }
      return new LoadError('unreachable', `could not reach ${host}: ${error.code ?? error.message}`);
  }
}

function httpError(status: number, data: string, what: string): LoadError {
  const body = parseJson(data) as OperationOutcome | undefined;
  const detail = body?.resourceType === 'OperationOutcome' ? outcomeText(body) : snippet(data);
  const hint = status === 401 || status === 403 ? ' (the server wants authorization: pass a bearer token with --token)' : '';
  const failure: LoadFailure = status === 401 || status === 403 ? 'unauthorized' : status >= 500 ? 'server-error' : 'rejected';
  return new LoadError(failure, `the server refused ${what} with HTTP ${status}${hint}${detail ? `: ${detail}` : ''}`, status);
}

/** An OperationOutcome's issues as one line: "error invalid: Patient.birthDate: bad date; …". */
export function outcomeText(outcome: OperationOutcome): string {
  return (outcome.issue ?? [])
    .map((issue) => {
      const where = issue.expression?.[0] ?? issue.location?.[0];
      const what = issue.diagnostics ?? issue.details?.text ?? issue.details?.coding?.[0]?.display ?? issue.code;
      return `${issue.severity} ${issue.code}${where ? ` at ${where}` : ''}: ${what}`;
    })
    .join('; ');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The start of a non-FHIR error body (an HTML error page, say), as plain text on one line. */
function snippet(text: string): string {
  const flat = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
