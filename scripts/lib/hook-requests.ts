import type { FhirResource } from 'fhir/r4';

/**
 * Requests for each hook the service answers, built the way the order-entry test page builds them
 * (public/sandbox/hook-requests.js, shared so that the page, `npm run evaluate --hook` and the tests agree).
 */
export interface HookRequestOptions {
  hookInstance: string;
  patientId: string;
  userId: string;
  orders: FhirResource[];
  prefetch?: Record<string, unknown>;
  /** YYYY-MM-DD: the day of an Appointment for orders without a date. */
  today: string;
  extension?: Record<string, unknown>;
}

interface SharedBuilders {
  HOOKS: string[];
  build(hook: string, options: HookRequestOptions): Record<string, unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const shared = require('../../public/sandbox/hook-requests.js') as SharedBuilders;

/** The hooks a request can be built for, order-sign first. */
export const REQUEST_HOOKS: readonly string[] = shared.HOOKS;

export function buildHookRequest(hook: string, options: HookRequestOptions): Record<string, unknown> {
  return shared.build(hook, options);
}
