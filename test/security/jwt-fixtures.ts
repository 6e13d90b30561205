import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { Runtime } from '../../src/runtime';
import { TEST_NOW, testRuntime, type TestRuntimeOptions } from '../helpers/runtime';

/** The URL this service is reached at in JWT tests: every expected `aud` starts with it. */
export const PUBLIC_BASE = 'https://cds.example.org';
export const EHR_ISS = 'https://ehr.example.com';
export const EHR_FHIR = 'https://fhir.ehr.example.com/r4';
export const NOW_SECONDS = Math.floor(TEST_NOW.getTime() / 1000);

export interface SigningKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(alg = 'ES384', kid = `${alg.toLowerCase()}-key`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

export interface TokenOptions {
  header?: Record<string, unknown>;
  claims?: JWTPayload;
  /** Claims to leave out entirely. */
  omit?: string[];
}

/** A CDS Hooks client JWT as the spec describes it: valid now (TEST_NOW) for five minutes. */
export async function clientToken(key: SigningKey, aud: string | string[], options: TokenOptions = {}): Promise<string> {
  const claims: JWTPayload = { iss: EHR_ISS, aud, iat: NOW_SECONDS, exp: NOW_SECONDS + 300, jti: randomUUID(), ...options.claims };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: key.kid, ...options.header }).sign(key.privateKey);
}

/** A token with a hand-made header and payload and any signature bytes (for `none` and forged tokens). */
export function rawToken(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

export function validClaims(aud: string): Record<string, unknown> {
  return { iss: EHR_ISS, aud, iat: NOW_SECONDS, exp: NOW_SECONDS + 300, jti: randomUUID() };
}

/** Writes a clients file in a fresh temp folder and returns its path. */
export function writeClientsFile(clients: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-clients-'));
  const file = path.join(dir, 'cds-clients.json');
  fs.writeFileSync(file, JSON.stringify(clients, null, 2));
  return file;
}

export function ehrClient(key: SigningKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: EHR_ISS, jwks: { keys: [key.publicJwk] }, fhirServers: [EHR_FHIR], ...extra };
}

/** A runtime in JWT mode trusting exactly `clients`. */
export async function jwtRuntime(clients: unknown, options: TestRuntimeOptions = {}): Promise<Runtime> {
  return testRuntime({
    ...options,
    env: { CDS_CLIENTS_FILE: writeClientsFile(clients), PUBLIC_BASE_URL: PUBLIC_BASE, ...options.env },
  });
}
