import { StartupError } from '../errors';
import type { ServiceJson } from './types';

/**
 * What one request may cost a service, declared in its service.json `limits` block (the defaults below
 * when absent): the in-scope orders decided per request (more: 400), the orders a request may name by
 * reference (order-dispatch's dispatchedOrders, appointment-book's basedOn; each may cost a FHIR read; more:
 * 400), and the characters of each text field the matchers read (the rest is noted on the card as not read).
 */
export interface ServiceLimits {
  maxInScopeOrders: number;
  maxOrderReferences: number;
  maxTextCharsPerField: number;
}

export const DEFAULT_LIMITS: ServiceLimits = { maxInScopeOrders: 50, maxOrderReferences: 100, maxTextCharsPerField: 10_000 };

const BOUNDS: Record<keyof ServiceLimits, [min: number, max: number]> = {
  maxInScopeOrders: [1, 1000],
  maxOrderReferences: [1, 10_000],
  maxTextCharsPerField: [100, 1_000_000],
};

/** The declared limits over the defaults; an unknown or out-of-range one stops start-up. */
export function resolveLimits(json: ServiceJson): ServiceLimits {
  const where = `service ${json.id}`;
  const declared = json.limits ?? {};
  if (typeof declared !== 'object' || Array.isArray(declared)) throw new StartupError(`${where}: limits must be an object`);
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(declared)) {
    if (!(name in BOUNDS)) throw new StartupError(`${where}: limits.${name} is not a known limit (${Object.keys(BOUNDS).join(', ')})`);
    const [min, max] = BOUNDS[name as keyof ServiceLimits];
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      throw new StartupError(`${where}: limits.${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    limits[name as keyof ServiceLimits] = value as number;
  }
  return limits;
}
