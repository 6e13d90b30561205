/**
 * JWS algorithms a CDS client may sign with. CDS Hooks 2.0.1: "JWTs SHALL NOT be signed using the `none`
 * algorithm" nor "any symmetric algorithm" (HMAC); ES384 and RS384 are RECOMMENDED. Only asymmetric
 * algorithms are listed here, so `none` and HS* can never be accepted, whatever a clients file says.
 */
export const ASYMMETRIC_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'] as const;

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** What a client may use when its entry does not narrow it with `algorithms`. */
export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = ASYMMETRIC_ALGORITHMS;

export function isAsymmetricAlgorithm(value: unknown): value is AsymmetricAlgorithm {
  return typeof value === 'string' && (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(value);
}
