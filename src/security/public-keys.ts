import type { JWK } from 'jose';

/** Key types that sign asymmetrically; `oct` (a shared secret) is never a CDS client's key. */
const SIGNING_KEY_TYPES = new Set(['EC', 'RSA', 'OKP']);
/** Members only a private JWK has: a JWK Set carrying them leaks a key, and we never want to hold one. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** A JWK Set is a handful of keys; more is a misconfiguration or an attempt to make us work. */
export const MAX_KEYS_PER_SET = 20;

export interface CheckedKeys {
  keys: JWK[];
  /** Why each refused key was refused (for the start-up error or the log); no key material. */
  problems: string[];
}

/**
 * The usable public signing keys of a JWK Set: asymmetric, public only, each with a `kid` unique in the
 * set (CDS Hooks: the JWT header's `kid` picks the key), not marked for encryption.
 */
export function publicSigningKeys(jwks: unknown): CheckedKeys {
  const problems: string[] = [];
  if (!jwks || typeof jwks !== 'object' || Array.isArray(jwks) || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    return { keys: [], problems: ['it is not a JWK Set (an object with a "keys" array)'] };
  }
  const all = (jwks as { keys: unknown[] }).keys;
  if (all.length > MAX_KEYS_PER_SET) return { keys: [], problems: [`it has ${all.length} keys; at most ${MAX_KEYS_PER_SET} are accepted`] };
  const keys: JWK[] = [];
  const kids = new Set<string>();
  all.forEach((key, i) => {
    const where = `keys[${i}]`;
    if (!key || typeof key !== 'object' || Array.isArray(key)) return void problems.push(`${where} is not an object`);
    const jwk = key as Record<string, unknown>;
    if (typeof jwk.kid !== 'string' || jwk.kid === '') return void problems.push(`${where} has no "kid"`);
    if (!SIGNING_KEY_TYPES.has(jwk.kty as string)) return void problems.push(`${where} (kid "${jwk.kid}") has kty "${String(jwk.kty)}"; only EC, RSA and OKP keys sign asymmetrically`);
    const secret = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (secret.length > 0) return void problems.push(`${where} (kid "${jwk.kid}") is a private key (has ${secret.join(', ')}); list public keys only`);
    if (jwk.use !== undefined && jwk.use !== 'sig') return void problems.push(`${where} (kid "${jwk.kid}") has use "${String(jwk.use)}", not "sig"`);
    if (kids.has(jwk.kid)) return void problems.push(`${where}: kid "${jwk.kid}" appears twice`);
    kids.add(jwk.kid);
    keys.push(jwk as JWK);
  });
  return { keys, problems };
}
