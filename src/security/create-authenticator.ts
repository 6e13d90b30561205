import { importJWK, type JWK } from 'jose';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { StartupError } from '../errors';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/types';
import type { AsymmetricAlgorithm } from './algorithms';
import { OpenModeAuthenticator, type Authenticator } from './authenticator';
import { loadClientsFile, type TrustedClient } from './clients-file';
import { JwtAuthenticator } from './jwt-authenticator';

export interface AuthenticatorDeps {
  store: Store;
  logger: Logger;
  metrics?: Metrics;
  clock?: () => Date;
}

/**
 * The mode follows the configuration: CDS_CLIENTS_FILE → JWT client authentication (needs PUBLIC_BASE_URL,
 * the base of every expected `aud`); no file → open mode, refused when NODE_ENV=production. No client is
 * trusted by default: only what the file lists.
 */
export async function createAuthenticator(config: AppConfig, deps: AuthenticatorDeps): Promise<Authenticator> {
  if (!config.clientsFile) {
    if (config.env === 'production') {
      throw new StartupError('NODE_ENV=production requires CDS_CLIENTS_FILE: the service will not run in production without authenticating its callers');
    }
    return new OpenModeAuthenticator();
  }
  if (!config.publicBaseUrl) {
    throw new StartupError('CDS_CLIENTS_FILE is set, so PUBLIC_BASE_URL is required: each JWT aud must equal the exact URL called, built from it');
  }
  const clients = loadClientsFile(config.clientsFile, config.env === 'production');
  for (const client of clients) await checkInlineKeys(client, config.clientsFile);
  return new JwtAuthenticator({
    clients,
    store: deps.store,
    logger: deps.logger,
    metrics: deps.metrics,
    clock: deps.clock,
    clockSkewSeconds: config.jwtClockSkewSeconds,
    jwksCacheSeconds: config.jwksCacheSeconds,
    jwksTimeoutMs: config.jwksTimeoutMs,
  });
}

/** Imports every inline key once at start-up, so a broken key stops start-up instead of refusing every call. */
async function checkInlineKeys(client: TrustedClient, file: string): Promise<void> {
  for (const jwk of client.jwks ?? []) {
    const where = `CDS_CLIENTS_FILE ${file}: iss "${client.iss}" key "${jwk.kid}"`;
    const alg = jwk.alg ?? defaultAlgorithm(jwk, client.algorithms);
    if (!alg) throw new StartupError(`${where}: no accepted algorithm fits a ${jwk.kty} key (algorithms: ${client.algorithms.join(', ')})`);
    if (!(client.algorithms as string[]).includes(alg)) throw new StartupError(`${where}: its alg ${alg} is not among the client's algorithms`);
    try {
      await importJWK(jwk, alg);
    } catch (error) {
      throw new StartupError(`${where} cannot be used with ${alg} (${(error as Error).message})`);
    }
  }
}

function defaultAlgorithm(jwk: JWK, accepted: AsymmetricAlgorithm[]): string | undefined {
  const byCurve: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', Ed25519: 'EdDSA' };
  if (jwk.kty === 'EC' || jwk.kty === 'OKP') {
    const alg = byCurve[jwk.crv ?? ''];
    return alg && (accepted as string[]).includes(alg) ? alg : accepted.find((a) => a === 'Ed25519' && jwk.crv === 'Ed25519');
  }
  return accepted.find((a) => a.startsWith('RS') || a.startsWith('PS'));
}
