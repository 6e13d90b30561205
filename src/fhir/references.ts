/**
 * The URL without its trailing slashes. A loop, not `replace(/\/+$/, '')`: that regex restarts at every
 * slash of a long run and backtracks over the rest of it (quadratic time on a hostile fhirServer).
 */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--;
  return end === url.length ? url : url.slice(0, end);
}

/** A FHIR R4 logical id: letters, digits, "-" and ".", at most 64 characters. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/**
 * Normalises a FHIR reference to "Type/id": strips a base URL and a _history suffix.
 * Returns undefined for contained ("#x"), logical-only or malformed references.
 */
export function normalizeReference(reference: unknown): string | undefined {
  if (typeof reference !== 'string' || reference.length === 0 || reference.startsWith('#')) return undefined;
  const withoutHistory = reference.replace(/\/_history\/[^/]+$/, '');
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(withoutHistory);
  return match ? `${match[1]}/${match[2]}` : undefined;
}
