import fs from 'node:fs';
import type { JWK } from 'jose';
import { StartupError } from '../errors';
import { ASYMMETRIC_ALGORITHMS, DEFAULT_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from './algorithms';
import { publicSigningKeys } from './public-keys';
import { withoutTrailingSlashes } from '../fhir/references';

/** One CDS client (EHR) this service trusts, as listed in CDS_CLIENTS_FILE. */
export interface TrustedClient {
  /** The JWT `iss` it signs with. */
  iss: string;
  /** A human label for logs and errors (optional in the file). */
  name?: string;
  /** Its public keys, given inline... */
  jwks?: JWK[];
  /** ...or the URL of its JWK Set (the only `jku` accepted from it). */
  jwksUrl?: string;
  /** When set, its JWTs must carry this `tenant`. */
  tenant?: string;
  /** FHIR base URLs it may send as fhirServer (normalised, no trailing slash); empty = never called. */
  fhirServers: string[];
  /** JWS algorithms accepted from it. */
  algorithms: AsymmetricAlgorithm[];
}

const FIELDS = new Set(['iss', 'name', 'jwks', 'jwksUrl', 'tenant', 'fhirServers', 'algorithms']);

/**
 * The public CDS Hooks Sandbox signs with a key whose private half is published in its repository:
 * anyone can mint its tokens, so it may be listed for testing but never in production.
 */
const PUBLIC_SANDBOX = { iss: 'https://sandbox.cds-hooks.org', host: 'sandbox.cds-hooks.org' };

/**
 * Reads and checks CDS_CLIENTS_FILE: a JSON array of trusted clients. Every problem stops start-up with
 * a message naming the file, the entry and the field. Unknown fields are refused (a misspelt `jwksUrl`
 * must not silently leave a client without keys).
 */
export function loadClientsFile(file: string, production: boolean): TrustedClient[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupError(`CDS_CLIENTS_FILE ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StartupError(`CDS_CLIENTS_FILE ${file} is not valid JSON (${(error as Error).message})`);
  }
  return parseClients(parsed, { production, source: `CDS_CLIENTS_FILE ${file}` });
}

export function parseClients(value: unknown, options: { production: boolean; source: string }): TrustedClient[] {
  const fail = (message: string): never => {
    throw new StartupError(`${options.source}: ${message}`);
  };
  if (!Array.isArray(value)) return fail('must be a JSON array of trusted clients');
  if (value.length === 0) return fail('lists no clients (remove CDS_CLIENTS_FILE to run in open mode, outside production only)');
  const seen = new Set<string>();
  return value.map((entry: unknown, i: number) => {
    const client = parseClient(entry, `[${i}]`, options.production, fail);
    if (seen.has(client.iss)) fail(`[${i}] iss "${client.iss}" is listed twice`);
    seen.add(client.iss);
    return client;
  });
}

function parseClient(entry: unknown, at: string, production: boolean, fail: (message: string) => never): TrustedClient {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return fail(`${at} must be an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e.iss !== 'string' || e.iss.trim() === '') return fail(`${at}.iss is required (the JWT issuer, a non-empty string)`);
  const iss = e.iss;
  const where = `${at} (iss "${iss}")`;
  for (const key of Object.keys(e)) {
    if (!FIELDS.has(key)) fail(`${where}: unknown field "${key}" (allowed: ${[...FIELDS].join(', ')})`);
  }
  if (e.name !== undefined && (typeof e.name !== 'string' || e.name === '')) fail(`${where}.name must be a non-empty string`);
  if (e.tenant !== undefined && (typeof e.tenant !== 'string' || e.tenant === '')) fail(`${where}.tenant must be a non-empty string`);

  if ((e.jwks === undefined) === (e.jwksUrl === undefined)) fail(`${where}: give exactly one of jwks (inline public keys) or jwksUrl`);
  let jwks: JWK[] | undefined;
  if (e.jwks !== undefined) {
    const { keys, problems } = publicSigningKeys(e.jwks);
    if (problems.length > 0) fail(`${where}.jwks: ${problems.join('; ')}`);
    if (keys.length === 0) fail(`${where}.jwks has no keys`);
    jwks = keys;
  }
  const jwksUrl = e.jwksUrl === undefined ? undefined : httpUrl(e.jwksUrl, `${where}.jwksUrl`, production, fail);

  if (!Array.isArray(e.fhirServers)) fail(`${where}.fhirServers is required: the FHIR base URLs this client may send (may be [])`);
  const fhirServers = (e.fhirServers as unknown[]).map((s, j) => withoutTrailingSlashes(httpUrl(s, `${where}.fhirServers[${j}]`, production, fail)));

  let algorithms = [...DEFAULT_ALGORITHMS];
  if (e.algorithms !== undefined) {
    if (!Array.isArray(e.algorithms) || e.algorithms.length === 0) fail(`${where}.algorithms must be a non-empty array`);
    for (const alg of e.algorithms as unknown[]) {
      if (!isAsymmetricAlgorithm(alg)) fail(`${where}.algorithms: "${String(alg)}" is not accepted (asymmetric only: ${ASYMMETRIC_ALGORITHMS.join(', ')})`);
    }
    algorithms = e.algorithms as AsymmetricAlgorithm[];
  }

  if (production && (withoutTrailingSlashes(iss) === PUBLIC_SANDBOX.iss || (jwksUrl && new URL(jwksUrl).hostname === PUBLIC_SANDBOX.host))) {
    fail(`${where}: the public CDS Hooks Sandbox's signing key is published, so anyone can sign as it; it is refused in production`);
  }
  return {
    iss,
    ...(typeof e.name === 'string' ? { name: e.name } : {}),
    ...(jwks ? { jwks } : {}),
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(typeof e.tenant === 'string' ? { tenant: e.tenant } : {}),
    fhirServers,
    algorithms,
  };
}

function httpUrl(value: unknown, where: string, production: boolean, fail: (message: string) => never): string {
  if (typeof value !== 'string') return fail(`${where} must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`${where}: "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`${where}: "${value}" must be an http(s) URL`);
  if (production && url.protocol !== 'https:') fail(`${where}: "${value}" must use https in production`);
  if (url.username || url.password) fail(`${where} must not carry credentials in the URL`);
  return value;
}
