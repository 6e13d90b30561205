import { BadRequestError } from '../errors';
import { HOOKS, isHookName } from './hooks';
import { object, present, quoted, string } from './hooks/context-fields';
import { withoutTrailingSlashes } from '../fhir/references';
import { isDeferred } from '../http/json-pieces';
import type { FhirAuthorization, HookRequest } from './types';

export const REQUESTED_VERSION = 'davinci-crd.requestedVersion';

/**
 * Checks a hook request against CDS Hooks 2.0.1 and the service's hook: the members every request has
 * here, the context through the hook's own definition (src/cds/hooks). Each failure is a 400 naming the
 * offending element. Unknown members are ignored (the spec's extensibility rule, CRD §hook-23).
 * `crdVersions` are the Da Vinci CRD versions the service declares (discovery `davinci-crd.version`):
 * a request asking for another one in `extension["davinci-crd.requestedVersion"]` gets 400.
 */
export function validateHookRequest(body: unknown, expectedHook: string, crdVersions: readonly string[]): HookRequest {
  const request = object(body, '(request body)', 'The request body must be a JSON object');
  const hook = string(request.hook, 'hook');
  if (hook !== expectedHook || !isHookName(hook)) throw new BadRequestError(`hook must be "${expectedHook}" for this service, got ${quoted(hook)}`, 'hook', 'value');
  const hookInstance = string(request.hookInstance, 'hookInstance');
  if (hookInstance.length > 128) throw new BadRequestError('hookInstance must be at most 128 characters', 'hookInstance', 'value');

  const fhirAuthorization = present(request.fhirAuthorization) ? authorization(request.fhirAuthorization) : undefined;
  let fhirServer: string | undefined;
  if (present(request.fhirServer)) fhirServer = absoluteUrl(request.fhirServer, 'fhirServer');
  if (fhirAuthorization && !fhirServer) {
    throw new BadRequestError('fhirServer is required when fhirAuthorization is present', 'fhirServer', 'required');
  }

  const context = HOOKS[hook].validateContext(object(request.context, 'context'));

  // A large prefetch the body reader left unparsed (json-body's defer) is an object, parsed when first read:
  // a call about no in-scope order never reads it (the hook route settles it before answering).
  const deferredPrefetch = isDeferred(request, 'prefetch');
  let prefetch: Record<string, unknown> | undefined;
  if (!deferredPrefetch && present(request.prefetch)) prefetch = object(request.prefetch, 'prefetch');
  let extension: Record<string, unknown> | undefined;
  if (present(request.extension)) extension = object(request.extension, 'extension');
  const asked = extension?.[REQUESTED_VERSION];
  if (present(asked)) requestedVersion(asked, crdVersions);

  const validated: HookRequest = { hook, hookInstance, fhirServer, fhirAuthorization, context, prefetch, extension };
  if (deferredPrefetch) {
    Object.defineProperty(validated, 'prefetch', {
      get: () => {
        const value = request.prefetch as Record<string, unknown>;
        Object.defineProperty(validated, 'prefetch', { value, writable: true, enumerable: true, configurable: true });
        return value;
      },
      enumerable: true,
      configurable: true,
    });
  }
  return validated;
}

/**
 * The CRD version to answer in: the one the request asks for (already checked to be declared), else the
 * newest the service declares (CRD §dev-3: a client that wants another one says so).
 */
export function answerVersion(request: HookRequest, crdVersions: readonly string[]): string {
  const asked = request.extension?.[REQUESTED_VERSION];
  if (typeof asked === 'string' && crdVersions.includes(asked)) return asked;
  return [...crdVersions].sort(compareVersions).at(-1)!;
}

function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am! - bm! || an! - bn!;
}

function absoluteUrl(value: unknown, path: string): string {
  const text = string(value, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadRequestError(`${path} must be an absolute URL`, path, 'value');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BadRequestError(`${path} must be an http(s) URL`, path, 'value');
  if (url.username || url.password) throw new BadRequestError(`${path} must not carry credentials`, path, 'value');
  // A FHIR base URL has none of these; dropping them quietly would call another URL than the EHR sent.
  if (url.search || url.hash || text.includes('?') || text.includes('#')) throw new BadRequestError(`${path} must be a FHIR base URL, without a query or fragment`, path, 'value');
  if (/\/\.{1,2}(\/|$)/.test(text.replace(/^[a-z]+:\/\//i, '/'))) throw new BadRequestError(`${path} must not contain "." or ".." path segments`, path, 'value');
  return withoutTrailingSlashes(text);
}

/**
 * CRD: a client may ask for one of the versions the service declares in discovery (each changes the
 * coverage-information codes and card topics the answer uses); a version it does not declare gets 400,
 * listing the ones it does.
 */
function requestedVersion(value: unknown, supported: readonly string[]): void {
  if (typeof value === 'string' && supported.includes(value)) return;
  const path = `extension.${REQUESTED_VERSION}`;
  const asked = (typeof value === 'string' ? `"${value}"` : JSON.stringify(value)).slice(0, 40);
  throw new BadRequestError(
    `${path} ${asked} is not a Da Vinci CRD version this service supports; supported: ${supported.map((v) => `"${v}"`).join(', ')}`,
    path,
    'not-supported',
  );
}

function authorization(value: unknown): FhirAuthorization {
  const auth = object(value, 'fhirAuthorization');
  const accessToken = string(auth.access_token, 'fhirAuthorization.access_token');
  const tokenType = string(auth.token_type, 'fhirAuthorization.token_type');
  if (tokenType.toLowerCase() !== 'bearer') {
    throw new BadRequestError('fhirAuthorization.token_type must be "Bearer"', 'fhirAuthorization.token_type', 'value');
  }
  if (present(auth.expires_in) && (typeof auth.expires_in !== 'number' || !Number.isFinite(auth.expires_in))) {
    throw new BadRequestError('fhirAuthorization.expires_in must be a number of seconds', 'fhirAuthorization.expires_in', 'value');
  }
  for (const field of ['scope', 'subject', 'patient'] as const) {
    if (present(auth[field]) && typeof auth[field] !== 'string') {
      throw new BadRequestError(`fhirAuthorization.${field} must be a string`, `fhirAuthorization.${field}`, 'value');
    }
  }
  const optional = <T>(value: unknown) => (present(value) ? (value as T) : undefined);
  return {
    access_token: accessToken,
    token_type: tokenType,
    expires_in: optional<number>(auth.expires_in),
    scope: optional<string>(auth.scope),
    subject: optional<string>(auth.subject),
    patient: optional<string>(auth.patient),
  };
}
