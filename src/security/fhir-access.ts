import type { AppConfig } from '../config';
import type { HookRequest } from '../cds/types';
import type { FhirAccess } from '../fhir/fhir-client';
import { withoutTrailingSlashes } from '../fhir/references';

/** The CDS client that called, once its JWT has been verified (undefined in open mode). */
export interface AuthenticatedClient {
  iss: string;
  tenant?: string;
  /** FHIR base URLs this client may send as fhirServer (normalised, no trailing slash). */
  fhirServers: string[];
}

export type FhirAccessDecision = { access: FhirAccess; refusal?: undefined } | { access?: undefined; refusal: string };

/**
 * Whether the service may call the request's fhirServer with its token. Only servers listed for the
 * authenticated client (open mode: FHIR_SERVER_ALLOWLIST, default loopback only) are ever called,
 * and only over https in production; anything else gets no call at all, so the token goes nowhere.
 */
export function resolveFhirAccess(request: HookRequest, client: AuthenticatedClient | undefined, config: AppConfig): FhirAccessDecision {
  if (!request.fhirServer) return { refusal: 'the request has no fhirServer' };
  let url: URL;
  try {
    url = new URL(request.fhirServer);
  } catch {
    return { refusal: 'fhirServer is not a URL' };
  }
  if (config.env === 'production' && url.protocol !== 'https:') return { refusal: 'fhirServer must use https in production' };
  const base = normalize(request.fhirServer);
  const allowed = client ? client.fhirServers.some((s) => normalize(s) === base) : openModeAllows(base, url, config);
  if (!allowed) return { refusal: 'fhirServer is not on the allowlist for this client' };
  return { access: { baseUrl: base, accessToken: request.fhirAuthorization?.access_token } };
}

function openModeAllows(base: string, url: URL, config: AppConfig): boolean {
  if (config.fhirServerAllowlist.length > 0) return config.fhirServerAllowlist.some((s) => normalize(s) === base);
  return isLoopback(url.hostname);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The FHIR base URL the service calls for a request's fhirServer (FhirClient appends `/<query>` to it):
 * resolved as a URL (dot segments applied), lower-case host, no userinfo, query or fragment, no trailing
 * slash. The allowlist is checked against it and the decision record keeps it. Undefined if not a URL.
 */
export function fhirBaseUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host.toLowerCase()}${withoutTrailingSlashes(url.pathname)}`;
  } catch {
    return undefined;
  }
}

function normalize(value: string): string {
  return fhirBaseUrl(value) ?? value;
}
