import path from 'node:path';
import { StartupError } from './errors';
import { FHIR_BYTE_DEFAULTS, HELD_WHILE_PARSING } from './fhir/byte-budget';
import { withoutTrailingSlashes } from './fhir/references';

const GIB = 1024 * 1024 * 1024;

/** Runtime configuration, read once from the environment at start-up. Names are public interface. */
export interface AppConfig {
  /** NODE_ENV: production enables the strict checks (clients file required, https FHIR servers). */
  env: 'production' | 'development' | 'test';
  /** PORT (default 3000) and HOST (default 127.0.0.1 in open mode, so an unauthenticated service is not on the network; 0.0.0.0 with a clients file). */
  port: number;
  host: string;
  /** PUBLIC_BASE_URL: the externally visible base URL; JWT `aud` and card links are built from it. */
  publicBaseUrl?: string;
  /** DATA_DIR: folder for the embedded SQLite database and the audit spool (default ./data). */
  dataDir: string;
  /** DATABASE_URL: PostgreSQL connection string; when set, PostgreSQL is the store instead of SQLite. */
  databaseUrl?: string;
  /** DATABASE_POOL_MAX: PostgreSQL connections per process (default 10). */
  databasePoolMax: number;
  /** CDS_CLIENTS_FILE: JSON file of trusted CDS clients; absent = open mode (refused in production). */
  clientsFile?: string;
  /** JWT_CLOCK_SKEW_SECONDS: tolerated clock difference with CDS clients for JWT exp and iat (default 60, at most 300). */
  jwtClockSkewSeconds: number;
  /** JWKS_CACHE_SECONDS: how long a client's JWK Set fetched from its jwksUrl is reused (default 300). */
  jwksCacheSeconds: number;
  /** JWKS_TIMEOUT_MS: deadline for fetching a client's JWK Set (default 2000). */
  jwksTimeoutMs: number;
  /** FHIR_SERVER_ALLOWLIST: comma-separated FHIR base URLs the service may call in open mode, and for the documentation operations in every mode. */
  fhirServerAllowlist: string[];
  /** FHIR_TIMEOUT_MS: one deadline for all FHIR calls of a hook request (default 3000). */
  fhirTimeoutMs: number;
  /** FHIR_MAX_PAGES: Bundle `next` links followed per query (default 10). */
  fhirMaxPages: number;
  /** FHIR_MAX_CONCURRENCY: outbound FHIR requests in flight across the process (default 32). */
  fhirMaxConcurrency: number;
  /** FHIR_MAX_RESPONSE_BYTES: largest single FHIR answer, decompressed (default 8 MiB). */
  fhirMaxResponseBytes: number;
  /** FHIR_MAX_BYTES_PER_CALL: memory one hook call's FHIR answers may take, all keys and pages, counted at twice the bytes received (default 32 MiB). */
  fhirMaxBytesPerCall: number;
  /** FHIR_MAX_BYTES_IN_FLIGHT: the same, for all calls in progress at once (default 128 MiB). */
  fhirMaxBytesInFlight: number;
  /** BODY_LIMIT: largest accepted request body (default 10mb). */
  bodyLimit: string;
  /** BODY_MAX_BYTES_IN_FLIGHT: request bodies being read or answered at once, by their Content-Length (default BODY_LIMIT: one body of the largest size, or many smaller ones); past it, 503 with Retry-After. */
  bodyMaxBytesInFlight: number;
  /** HEALTH_PLAN_NAME: the insurer name shown as the card source label. */
  healthPlanName?: string;
  /** CORS_ORIGINS: comma-separated allowed browser origins, or * (default *). */
  corsOrigins: string[] | '*';
  /** DTR_CLIENT_ID: the SMART client id of the documentation app (/dtr) at the EHR's authorization server. */
  dtrClientId: string;
  /** DTR_SCOPES: the SMART scopes the documentation app asks for. */
  dtrScopes: string;
  /** LOG_LEVEL: pino level (default info; silent in tests). */
  logLevel: string;
  /** AUDIT_RETENTION_DAYS: decision records and feedback older than this are purged (default 2555 = 7 years). */
  auditRetentionDays: number;
  /** AUDIT_PURGE_INTERVAL_MINUTES: how often each instance purges and retries its audit spool (default 60). */
  auditPurgeIntervalMinutes: number;
  /** AUDIT_MAX_RECORD_BYTES: largest decision record stored whole; larger ones are stored truncated, marked so (default 1 MiB). */
  auditMaxRecordBytes: number;
  /** WEB_CONCURRENCY: worker processes sharing the port (node:cluster), each a replica (default 1: no cluster). */
  webConcurrency: number;
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = nodeEnvironment(env);
  const bodyLimitText = bodyLimit(env);
  const config: AppConfig = {
    env: nodeEnv,
    port: integer(env, 'PORT', 3000, 0, 65535),
    // Open mode (no clients file) answers anyone: it listens on this machine only unless HOST says otherwise.
    host: nonEmpty(env.HOST) ?? (nonEmpty(env.CDS_CLIENTS_FILE) ? '0.0.0.0' : '127.0.0.1'),
    publicBaseUrl: optionalUrl(env, 'PUBLIC_BASE_URL'),
    dataDir: path.resolve(nonEmpty(env.DATA_DIR) ?? './data'),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 1000),
    clientsFile: nonEmpty(env.CDS_CLIENTS_FILE),
    jwtClockSkewSeconds: integer(env, 'JWT_CLOCK_SKEW_SECONDS', 60, 0, 300),
    jwksCacheSeconds: integer(env, 'JWKS_CACHE_SECONDS', 300, 0, 86400),
    jwksTimeoutMs: integer(env, 'JWKS_TIMEOUT_MS', 2000, 100, 30000),
    fhirServerAllowlist: list(env.FHIR_SERVER_ALLOWLIST).map((u) => normalizeBaseUrl(u, 'FHIR_SERVER_ALLOWLIST')),
    fhirTimeoutMs: integer(env, 'FHIR_TIMEOUT_MS', 3000, 1, 60000),
    fhirMaxPages: integer(env, 'FHIR_MAX_PAGES', 10, 1, 1000),
    fhirMaxConcurrency: integer(env, 'FHIR_MAX_CONCURRENCY', 32, 1, 10000),
    fhirMaxResponseBytes: integer(env, 'FHIR_MAX_RESPONSE_BYTES', FHIR_BYTE_DEFAULTS.maxResponseBytes, 64 * 1024, GIB),
    fhirMaxBytesPerCall: integer(env, 'FHIR_MAX_BYTES_PER_CALL', FHIR_BYTE_DEFAULTS.maxBytesPerCall, 64 * 1024, GIB),
    fhirMaxBytesInFlight: integer(env, 'FHIR_MAX_BYTES_IN_FLIGHT', FHIR_BYTE_DEFAULTS.maxBytesInFlight, 64 * 1024, 4 * GIB),
    bodyLimit: bodyLimitText,
    bodyMaxBytesInFlight: integer(env, 'BODY_MAX_BYTES_IN_FLIGHT', parseBytes(bodyLimitText), 1, 16 * GIB),
    healthPlanName: nonEmpty(env.HEALTH_PLAN_NAME),
    corsOrigins: corsOrigins(env.CORS_ORIGINS),
    dtrClientId: nonEmpty(env.DTR_CLIENT_ID) ?? DEFAULT_DTR_CLIENT_ID,
    dtrScopes: nonEmpty(env.DTR_SCOPES)?.replace(/\s+/g, ' ') ?? DEFAULT_DTR_SCOPES,
    logLevel: logLevel(env.LOG_LEVEL, nodeEnv),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 2555, 1, 36500),
    auditPurgeIntervalMinutes: integer(env, 'AUDIT_PURGE_INTERVAL_MINUTES', 60, 1, 10080),
    auditMaxRecordBytes: integer(env, 'AUDIT_MAX_RECORD_BYTES', 1024 * 1024, 64 * 1024, 64 * 1024 * 1024),
    webConcurrency: integer(env, 'WEB_CONCURRENCY', 1, 1, 64),
  };
  // An answer being parsed counts three times its size (src/fhir/byte-budget.ts): the largest must fit a call's budget.
  if (HELD_WHILE_PARSING * config.fhirMaxResponseBytes > config.fhirMaxBytesPerCall || config.fhirMaxBytesPerCall > config.fhirMaxBytesInFlight) {
    throw new StartupError(
      `FHIR_MAX_BYTES_PER_CALL (${config.fhirMaxBytesPerCall}) must be at least 3 × FHIR_MAX_RESPONSE_BYTES (${config.fhirMaxResponseBytes}) and at most FHIR_MAX_BYTES_IN_FLIGHT (${config.fhirMaxBytesInFlight}): an answer being parsed is counted at three times its size, and one call must fit the process's budget`,
    );
  }
  const bodyLimitBytes = parseBytes(config.bodyLimit);
  if (config.bodyMaxBytesInFlight < bodyLimitBytes) {
    throw new StartupError(`BODY_MAX_BYTES_IN_FLIGHT (${config.bodyMaxBytesInFlight}) must be at least BODY_LIMIT (${config.bodyLimit}, ${bodyLimitBytes} bytes): a body within BODY_LIMIT must be able to be read`);
  }
  if (config.env === 'production' && config.publicBaseUrl && !config.publicBaseUrl.startsWith('https://')) {
    throw new StartupError('PUBLIC_BASE_URL must use https in production');
  }
  return config;
}

const NODE_ENVS = ['production', 'development', 'test'] as const;

/**
 * NODE_ENV, trimmed and lower-cased; unset or empty is development. Anything else stops start-up: a
 * misspelt "Production " must not quietly become development (open mode allowed, the sandbox served).
 */
function nodeEnvironment(env: Env): AppConfig['env'] {
  const raw = env.NODE_ENV;
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return 'development';
  const known = NODE_ENVS.find((v) => v === value);
  if (!known) throw new StartupError(`NODE_ENV must be production, development or test (or unset, meaning development), got ${JSON.stringify(raw)}`);
  return known;
}

/** pino's levels, the only values its constructor accepts (anything else throws deep inside pino). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** LOG_LEVEL, trimmed and lower-cased; unset or empty is info (silent under NODE_ENV=test). */
function logLevel(raw: string | undefined, nodeEnv: AppConfig['env']): string {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return nodeEnv === 'test' ? 'silent' : 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new StartupError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * CORS_ORIGINS: * (the default), or a comma-separated list of origins as a browser sends them in its
 * Origin header: http(s)://host[:port], nothing after. Each is normalised the way browsers write it
 * (lower-case host, no default port, no trailing slash), since the header is compared as a string: an
 * entry without a scheme, or with a path, could never match and would silently refuse every browser.
 */
/** The documentation app's SMART registration defaults (README "Documentation (DTR)"). */
export const DEFAULT_DTR_CLIENT_ID = 'facet-cds-dtr';
export const DEFAULT_DTR_SCOPES = 'launch launch/patient openid fhirUser patient/*.read patient/QuestionnaireResponse.write';

function corsOrigins(raw: string | undefined): string[] | '*' {
  if (raw === undefined || raw.trim() === '*') return '*';
  const entries = list(raw);
  if (entries.includes('*')) throw new StartupError(`CORS_ORIGINS: * allows every origin and must stand alone, got "${raw.trim()}"`);
  return entries.map((entry) => {
    const expected = `CORS_ORIGINS: "${entry}" must be * or an origin such as https://ehr.example.org or http://localhost:8080 (scheme, host and optional port; no path)`;
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new StartupError(expected);
    }
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !entry.endsWith('?') && !entry.endsWith('#');
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare || !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) throw new StartupError(expected);
    return url.origin;
  });
}

/** Strips a trailing slash so base URLs compare and concatenate predictably. */
export function normalizeBaseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StartupError(`${name}: "${value}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StartupError(`${name}: "${value}" must be an http(s) URL`);
  }
  return withoutTrailingSlashes(url.toString());
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new StartupError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new StartupError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function optionalUrl(env: Env, name: string): string | undefined {
  const raw = nonEmpty(env[name]);
  return raw === undefined ? undefined : normalizeBaseUrl(raw, name);
}

const MAX_BODY_LIMIT_BYTES = 256 * 1024 * 1024;

function bodyLimit(env: Env): string {
  const raw = nonEmpty(env.BODY_LIMIT) ?? '10mb';
  if (!/^\d+(b|kb|mb)$/i.test(raw)) throw new StartupError(`BODY_LIMIT must look like 10mb or 5000kb, got "${raw}"`);
  const bytes = parseBytes(raw);
  if (bytes < 5 * 1024 * 1024) throw new StartupError('BODY_LIMIT must be at least 5mb (CDS clients send whole charts)');
  // The body reader keeps positions and strings within V8's limits only up to here (a string is at most ~512 MB).
  if (bytes > MAX_BODY_LIMIT_BYTES) throw new StartupError(`BODY_LIMIT must be at most 256mb, got "${raw}"`);
  return raw.toLowerCase();
}

export function parseBytes(limit: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(limit);
  if (!match) return NaN;
  const factor = { b: 1, kb: 1024, mb: 1024 * 1024 }[match[2]!.toLowerCase() as 'b' | 'kb' | 'mb'];
  return Number(match[1]) * factor;
}
