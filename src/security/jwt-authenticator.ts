import type { Request } from 'express';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import type { Logger } from 'pino';
import { ServiceUnavailableError, UnauthorizedError } from '../errors';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/types';
import { isAsymmetricAlgorithm } from './algorithms';
import type { Authenticator } from './authenticator';
import type { TrustedClient } from './clients-file';
import type { AuthenticatedClient } from './fhir-access';
import { JwksUnavailableError, RemoteJwks } from './remote-jwks';

/** CDS Hooks best practice: keep a JWT's `jti` "for the max JWT lifetime (no more than an hour)"; longer-lived tokens are refused. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
const MAX_JTI_LENGTH = 256;

export interface JwtAuthenticatorOptions {
  clients: TrustedClient[];
  store: Store;
  logger: Logger;
  metrics?: Metrics;
  clockSkewSeconds: number;
  jwksCacheSeconds: number;
  jwksTimeoutMs: number;
  clock?: () => Date;
}

interface ClientEntry {
  client: TrustedClient;
  getKey: JWTVerifyGetKey;
  identity: AuthenticatedClient;
}

/** A refusal: `code` is a short label for metrics, `reason` the sentence for the log. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * CDS Hooks 2.0.1 "Trusting CDS Clients": every call carries `Authorization: Bearer <JWT>` signed by a
 * client listed in CDS_CLIENTS_FILE. Checked, in order: an asymmetric `alg`; `typ` JWT; a `kid`; the `iss`
 * is listed; a `jku`, if any, is that client's listed jwksUrl (no other URL is ever fetched); the `tenant`
 * if the client has one; the signature with that client's keys; `aud` is the exact URL called; `exp`,
 * `iat` (with JWT_CLOCK_SKEW_SECONDS), a lifetime of at most an hour; and last, only once the token is
 * known genuine, its `jti` is claimed in the shared store so a replay (on any replica) is refused.
 * Any failure is a 401 whose body says nothing; the log says why, never with the token.
 */
export class JwtAuthenticator implements Authenticator {
  readonly mode = 'jwt' as const;
  private readonly byIssuer: Map<string, ClientEntry>;
  private readonly clock: () => Date;

  constructor(private readonly options: JwtAuthenticatorOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.byIssuer = new Map(
      options.clients.map((client) => [
        client.iss,
        {
          client,
          getKey: client.jwks
            ? (createLocalJWKSet({ keys: client.jwks }) as JWTVerifyGetKey)
            : new RemoteJwks(client.jwksUrl!, {
                timeoutMs: options.jwksTimeoutMs,
                cacheMs: options.jwksCacheSeconds * 1000,
                logger: options.logger,
              }).getKey,
          identity: { iss: client.iss, ...(client.tenant ? { tenant: client.tenant } : {}), fhirServers: client.fhirServers },
        },
      ]),
    );
  }

  get issuers(): string[] {
    return [...this.byIssuer.keys()];
  }

  async authenticate(req: Request, audience: string): Promise<AuthenticatedClient> {
    try {
      return await this.verify(req.get('authorization'), audience);
    } catch (error) {
      if (error instanceof Refusal) {
        this.options.metrics?.authFailures.inc({ reason: error.code });
        throw new UnauthorizedError(error.reason);
      }
      throw error;
    }
  }

  private async verify(authorization: string | undefined, audience: string): Promise<AuthenticatedClient> {
    const token = /^Bearer +([A-Za-z0-9_\-.]+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new Refusal('no-token', authorization ? 'the Authorization header is not "Bearer <JWT>"' : 'no Authorization header');

    let header: ProtectedHeaderParameters;
    let iss: unknown;
    try {
      header = decodeProtectedHeader(token);
      iss = decodeJwt(token).iss;
    } catch {
      throw new Refusal('malformed', 'the bearer token is not a signed JWT');
    }
    if (!isAsymmetricAlgorithm(header.alg)) throw new Refusal('algorithm', `alg ${clip(header.alg)} is refused (asymmetric algorithms only; never none or HMAC)`);
    if (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT') throw new Refusal('typ', `typ ${clip(header.typ)} is not "JWT"`);
    if (typeof header.kid !== 'string' || header.kid === '') throw new Refusal('kid', 'the JWT header has no kid');

    const entry = typeof iss === 'string' ? this.byIssuer.get(iss) : undefined;
    if (!entry) throw new Refusal('issuer', `iss ${clip(iss)} is not a trusted CDS client`);
    const { client } = entry;
    if (!client.algorithms.includes(header.alg)) throw new Refusal('algorithm', `alg ${header.alg} is not accepted from ${client.iss}`);
    if (header.jku !== undefined && header.jku !== client.jwksUrl) {
      throw new Refusal('jku', `jku ${clip(header.jku)} is not the JWK Set URL listed for ${client.iss}`);
    }

    const now = this.clock();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, entry.getKey, {
        issuer: client.iss,
        audience,
        algorithms: client.algorithms,
        typ: 'JWT',
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
        maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
        clockTolerance: this.options.clockSkewSeconds,
        currentDate: now,
      }));
    } catch (error) {
      throw refusalFor(error, client.iss, header.kid);
    }

    if (client.tenant !== undefined && payload.tenant !== client.tenant) {
      throw new Refusal('tenant', `tenant ${clip(payload.tenant)} is not the tenant listed for ${client.iss}`);
    }
    const exp = payload.exp!;
    const iat = payload.iat!;
    if (exp - iat > MAX_TOKEN_LIFETIME_SECONDS) throw new Refusal('lifetime', `the token from ${client.iss} lives ${exp - iat} s; at most ${MAX_TOKEN_LIFETIME_SECONDS} s is accepted`);
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new Refusal('jti', `the token from ${client.iss} has no usable jti`);

    // Kept until the token can no longer pass the exp check, so a replay is caught for as long as it matters.
    const keepUntil = new Date((exp + this.options.clockSkewSeconds) * 1000);
    let first: boolean;
    try {
      first = await this.options.store.claimJti(client.iss, jti, keepUntil);
    } catch (error) {
      this.options.logger.error({ err: { message: (error as Error).message } }, 'JWT replay cache unavailable');
      throw new ServiceUnavailableError('Client authentication is unavailable; retry shortly');
    }
    if (!first) throw new Refusal('replay', `jti already used by ${client.iss} (a replayed token)`);
    return entry.identity;
  }
}

/**
 * A sentence for the log from a verification failure; jose messages name the claim, never carry the token.
 * Anything unexpected still refuses (fail closed) rather than answering 500.
 */
function refusalFor(error: unknown, iss: string, kid: string): Refusal {
  if (error instanceof JwksUnavailableError) return new Refusal('keys-unavailable', `keys of ${iss} unavailable: ${error.message}`);
  if (error instanceof errors.JWKSNoMatchingKey) return new Refusal('kid', `no key with kid ${clip(kid)} for ${iss}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return new Refusal('signature', `signature of the token from ${iss} does not verify`);
  if (error instanceof errors.JWTExpired) return new Refusal(error.claim === 'iat' ? 'iat' : 'expired', `token from ${iss}: ${error.message}`);
  if (error instanceof errors.JWTClaimValidationFailed) {
    const code = error.claim === 'aud' ? 'audience' : error.claim === 'iat' ? 'iat' : 'claims';
    return new Refusal(code, `token from ${iss}: ${error.message}`);
  }
  if (error instanceof errors.JOSEError) return new Refusal('invalid', `token from ${iss} refused: ${error.code}`);
  return new Refusal('invalid', `token from ${iss} could not be verified (${(error as Error)?.name ?? 'error'})`);
}

/** An attacker-chosen header or claim value, quoted and cut short for the log. */
function clip(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
