import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { Logger } from 'pino';
import { publicSigningKeys } from './public-keys';

/** A JWK Set is a few kilobytes; anything much larger is refused before it is parsed. */
export const JWKS_MAX_BYTES = 64 * 1024;
/** After a fetch (or a failed one), no new fetch for an unknown `kid` before this: random kids cannot make us hammer the EHR. */
export const JWKS_REFETCH_COOLDOWN_MS = 10_000;
/** Keys whose refresh fails are used at most this long past their expiry, or the cache time if longer. */
export const JWKS_MIN_STALE_MS = 300_000;

/** How long past expiry keys are still used while their JWK Set cannot be fetched: max(cache time, 300 s). */
export function maxStaleMs(cacheMs: number): number {
  return Math.max(cacheMs, JWKS_MIN_STALE_MS);
}

export interface RemoteJwksOptions {
  /** Deadline for the whole fetch, from connecting to the last byte of the answer. */
  timeoutMs: number;
  /** How long fetched keys are used before they are fetched again. */
  cacheMs: number;
  /** How long past `cacheMs` keys are still used while refreshes fail (default max(cacheMs, 300 s)); then they are refused. */
  maxStaleMs?: number;
  cooldownMs?: number;
  maxBytes?: number;
  logger: Logger;
  /** Monotonic milliseconds (tests substitute their own). */
  now?: () => number;
}

/** The JWK Set could not be fetched or was unusable. The message names the URL and why, never a token. */
export class JwksUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksUnavailableError';
  }
}

/**
 * A client's JWK Set fetched from the one URL its entry in CDS_CLIENTS_FILE lists, cached, refreshed when
 * stale or when a token names a `kid` we do not have (key rotation), one fetch at a time, with an overall
 * deadline, a size bound, no redirects and no proxy. When a refresh fails, the keys already held stay in
 * use for a bounded time past their expiry (`maxStaleMs`); after that they are refused, so a key the
 * client has revoked is not trusted indefinitely while its JWK Set endpoint is down.
 */
export class RemoteJwks {
  private keys?: { getKey: ReturnType<typeof createLocalJWKSet>; fetchedAt: number; refusalLogged?: boolean };
  private lastAttempt = -Infinity;
  private inFlight?: Promise<void>;
  private readonly http: AxiosInstance;
  private readonly now: () => number;

  constructor(
    readonly url: string,
    private readonly options: RemoteJwksOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.http = axios.create({
      maxRedirects: 0,
      maxContentLength: options.maxBytes ?? JWKS_MAX_BYTES,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      proxy: false,
      httpAgent: new http.Agent({ keepAlive: false }),
      httpsAgent: new https.Agent({ keepAlive: false }),
    });
  }

  /** A jose key resolver: the key matching the token's `kid` (and algorithm). */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (!this.keys || this.now() - this.keys.fetchedAt >= this.options.cacheMs) await this.refresh();
    if (!this.keys) throw new JwksUnavailableError(`no keys could be fetched from ${this.url}`);
    this.refuseExpiredKeys(this.keys);
    try {
      return await this.keys.getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const before = this.keys;
      await this.refresh(); // perhaps the client rotated its keys
      if (this.keys === before) throw error;
      return this.keys.getKey(header, token);
    }
  };

  /** Stale keys (their refresh failed) are used only up to `maxStaleMs` past expiry; then every token of this client is refused. */
  private refuseExpiredKeys(keys: NonNullable<RemoteJwks['keys']>): void {
    const staleMs = this.options.maxStaleMs ?? maxStaleMs(this.options.cacheMs);
    const ageMs = this.now() - keys.fetchedAt;
    if (ageMs < this.options.cacheMs + staleMs) return;
    const why = `the keys fetched from ${this.url} ${Math.round(ageMs / 1000)} s ago could not be refreshed, and stale keys are used at most ${Math.round(staleMs / 1000)} s past the cache time`;
    if (!keys.refusalLogged) {
      keys.refusalLogged = true;
      this.options.logger.warn({ jwksUrl: this.url, ageSeconds: Math.round(ageMs / 1000) }, 'JWK Set keys expired and could not be refreshed: tokens of this client are refused until it can be fetched');
    }
    throw new JwksUnavailableError(why);
  }

  /** Joins a fetch in flight, else starts one unless the last one was moments ago. */
  private async refresh(): Promise<void> {
    if (!this.inFlight) {
      if (this.now() - this.lastAttempt < (this.options.cooldownMs ?? JWKS_REFETCH_COOLDOWN_MS)) return;
      this.inFlight = this.fetchKeys().finally(() => {
        this.inFlight = undefined;
      });
    }
    await this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttempt = this.now();
    try {
      const jwks = await this.download();
      const { keys, problems } = publicSigningKeys(jwks);
      if (problems.length > 0) this.options.logger.warn({ jwksUrl: this.url, problems }, 'JWK Set: some keys were ignored');
      if (keys.length === 0) throw new JwksUnavailableError(`the JWK Set at ${this.url} has no usable signing key`);
      this.keys = { getKey: createLocalJWKSet({ keys }), fetchedAt: this.now() };
      this.options.logger.info({ jwksUrl: this.url, keys: keys.length }, 'JWK Set fetched');
    } catch (error) {
      // Keep the keys we had, for a bounded time (refuseExpiredKeys); the caller fails when it has none.
      this.options.logger.warn({ jwksUrl: this.url, err: { message: (error as Error).message }, heldKeys: this.keys !== undefined }, 'JWK Set could not be fetched');
    }
  }

  private async download(): Promise<unknown> {
    let response;
    // A deadline for the whole exchange: axios's `timeout` only fires on an idle socket, so a server
    // trickling a byte at a time would hold the fetch (and every call waiting on it) open indefinitely.
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    try {
      response = await this.http.get<string>(this.url, { signal: deadline, headers: { Accept: 'application/json, application/jwk-set+json' } });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (deadline.aborted || axios.isCancel(error) || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
        throw new JwksUnavailableError(`${this.url} did not answer within ${this.options.timeoutMs} ms`);
      }
      if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED') throw new JwksUnavailableError(`${this.url} answered more than the JWK Set size bound`);
      throw new JwksUnavailableError(`${this.url} could not be reached (${code ?? 'network error'})`);
    }
    if (response.status !== 200) throw new JwksUnavailableError(`${this.url} answered HTTP ${response.status}`);
    try {
      return JSON.parse(String(response.data));
    } catch {
      throw new JwksUnavailableError(`${this.url} did not answer with JSON`);
    }
  }
}
