import type { Bundle } from 'fhir/r4';
import { BadRequestError } from '../errors';
import { FHIR_ID, withoutTrailingSlashes } from '../fhir/references';
import type { FhirAuthorization, HookRequest } from './types';

const USER_REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;

export const REQUESTED_VERSION = 'davinci-crd.requestedVersion';

/**
 * Checks a hook request against CDS Hooks 2.0.1 and the service's hook. Each failure is a 400 naming
 * the offending element. Unknown members are ignored (the spec's extensibility rule).
 * `crdVersions` are the Da Vinci CRD versions the service declares (discovery `davinci-crd.version`):
 * a request asking for another one in `extension["davinci-crd.requestedVersion"]` gets 400.
 */
export function validateHookRequest(body: unknown, expectedHook: string, crdVersions: readonly string[]): HookRequest {
  const request = object(body, '(request body)', 'The request body must be a JSON object');
  const hook = string(request.hook, 'hook');
  if (hook !== expectedHook) throw new BadRequestError(`hook must be "${expectedHook}" for this service, got ${quoted(hook)}`, 'hook', 'value');
  const hookInstance = string(request.hookInstance, 'hookInstance');
  if (hookInstance.length > 128) throw new BadRequestError('hookInstance must be at most 128 characters', 'hookInstance', 'value');

  const fhirAuthorization = present(request.fhirAuthorization) ? authorization(request.fhirAuthorization) : undefined;
  let fhirServer: string | undefined;
  if (present(request.fhirServer)) fhirServer = absoluteUrl(request.fhirServer, 'fhirServer');
  if (fhirAuthorization && !fhirServer) {
    throw new BadRequestError('fhirServer is required when fhirAuthorization is present', 'fhirServer', 'required');
  }

  const context = object(request.context, 'context');
  const userId = string(context.userId, 'context.userId');
  if (!USER_REFERENCE.test(userId)) {
    throw new BadRequestError('context.userId must be a reference such as "Practitioner/123"', 'context.userId', 'value');
  }
  const patientId = string(context.patientId, 'context.patientId');
  if (!FHIR_ID.test(patientId)) throw new BadRequestError('context.patientId must be a FHIR id', 'context.patientId', 'value');
  let encounterId: string | undefined;
  if (present(context.encounterId)) {
    encounterId = string(context.encounterId, 'context.encounterId');
    if (!FHIR_ID.test(encounterId)) throw new BadRequestError('context.encounterId must be a FHIR id', 'context.encounterId', 'value');
  }
  const draftOrders = bundle(context.draftOrders, 'context.draftOrders');

  let prefetch: Record<string, unknown> | undefined;
  if (present(request.prefetch)) prefetch = object(request.prefetch, 'prefetch');
  let extension: Record<string, unknown> | undefined;
  if (present(request.extension)) extension = object(request.extension, 'extension');
  const asked = extension?.[REQUESTED_VERSION];
  if (present(asked)) requestedVersion(asked, crdVersions);

  return {
    hook,
    hookInstance,
    fhirServer,
    fhirAuthorization,
    context: { ...context, userId, patientId, encounterId, draftOrders } as HookRequest['context'],
    prefetch,
    extension,
  };
}

/**
 * Optional members: JSON null is read as absent (some clients serialise unset members as null), so
 * `"encounterId": null` or `"fhirServer": null` is a request without them, not a 400 saying they are required.
 */
function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function object(value: unknown, path: string, message?: string): Record<string, unknown> {
  if (value === undefined || value === null) throw new BadRequestError(message ?? `${path} is required`, path, 'required');
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError(message ?? `${path} must be a JSON object`, path, 'structure');
  }
  return value as Record<string, unknown>;
}

function string(value: unknown, path: string): string {
  if (value === undefined || value === null) throw new BadRequestError(`${path} is required`, path, 'required');
  if (typeof value !== 'string' || value.trim() === '') throw new BadRequestError(`${path} must be a non-empty string`, path, 'value');
  return value;
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

/** A client's value in a message: quoted, and cut short so that a huge value is not echoed back or logged. */
function quoted(value: string): string {
  return value.length > 60 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
}

/**
 * CRD: a client may ask for one of the versions the service declares in discovery. The service answers
 * in one wire format only, so a version it does not declare cannot be honoured: 400, listing the ones it does.
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

function bundle(value: unknown, path: string): Bundle {
  const b = object(value, path);
  if (b.resourceType !== 'Bundle') throw new BadRequestError(`${path} must be a FHIR Bundle`, `${path}.resourceType`, 'value');
  if (b.entry === undefined) return b as unknown as Bundle;
  if (!Array.isArray(b.entry)) throw new BadRequestError(`${path}.entry must be an array`, `${path}.entry`, 'structure');
  b.entry.forEach((entry: unknown, i: number) => {
    const e = object(entry, `${path}.entry[${i}]`);
    const resource = object(e.resource, `${path}.entry[${i}].resource`);
    if (typeof resource.resourceType !== 'string' || !/^[A-Z][A-Za-z]+$/.test(resource.resourceType)) {
      throw new BadRequestError(`${path}.entry[${i}].resource must be a FHIR resource`, `${path}.entry[${i}].resource.resourceType`, 'value');
    }
    // The id's format is checked where an order is read (relevance.ts): orders this service does not
    // read may carry ids it would reject (the CDS Hooks 3.0 order-sign example's "draft‑rx‑1" has U+2011).
    if (resource.id !== undefined && typeof resource.id !== 'string') {
      throw new BadRequestError(`${path}.entry[${i}].resource.id must be a string`, `${path}.entry[${i}].resource.id`, 'value');
    }
  });
  return b as unknown as Bundle;
}
