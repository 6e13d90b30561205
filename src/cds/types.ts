import type { Bundle, Coding, FhirResource, Task } from 'fhir/r4';
import type { HookName } from './hooks/types';

/** The parts of a CDS Hooks 2.0.1 request this service reads (unknown members are ignored). */
export interface HookRequest {
  hook: HookName;
  hookInstance: string;
  fhirServer?: string;
  fhirAuthorization?: FhirAuthorization;
  context: HookContext;
  prefetch?: Record<string, unknown>;
  extension?: Record<string, unknown>;
}

export interface FhirAuthorization {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  subject?: string;
  patient?: string;
}

/**
 * A hook's context, validated by its hook definition (src/cds/hooks). patientId is in every hook this
 * service serves; the rest depends on the hook (order-dispatch has no userId). Unknown members are kept
 * as sent and ignored.
 */
export interface HookContext {
  patientId: string;
  userId?: string;
  encounterId?: string;
  /** order-sign, order-select */
  draftOrders?: Bundle;
  /** order-select: the orders the clinician just selected ("Type/id"). */
  selections?: string[];
  /** order-dispatch: the orders sought to be fulfilled ("Type/id"; hook version 1.0 sent one as `order`). */
  dispatchedOrders?: string[];
  /** order-dispatch: who is asked to perform them. */
  performer?: string;
  /** order-dispatch: one Task per dispatched order, with timing and constraints (1.0: `task`). */
  fulfillmentTasks?: Task[];
  /** appointment-book: a Bundle of proposed Appointments. */
  appointments?: Bundle;
  [key: string]: unknown;
}

export interface Link {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface Action {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: FhirResource;
  resourceId?: string;
}

export interface Suggestion {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions?: Action[];
}

export interface Card {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; icon?: string; topic?: Coding };
  suggestions?: Suggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Coding[];
  links?: Link[];
  extension?: Record<string, unknown>;
}

export interface HookResponse {
  cards: Card[];
  systemActions?: Action[];
}
