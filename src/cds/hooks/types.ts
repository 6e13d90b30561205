import type { FhirResource, ServiceRequest } from 'fhir/r4';
import type { HookContext, HookRequest } from '../types';

/** The CDS Hooks this engine can serve (the ones Da Vinci CRD names for orders and appointments). */
export const HOOK_NAMES = ['order-sign', 'order-select', 'order-dispatch', 'appointment-book'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** The resource a decision is recorded on (CRD coverage information) and named by on cards. */
export interface CoverageTarget {
  /** The resource as the client sent it or the service fetched it: the update action returns it with coverage information added. */
  resource: FhirResource;
  /** "ServiceRequest/123", "Appointment/abc". */
  reference: string;
  /** Where it is in the request, for messages, when it is not the order itself: "context.appointments.entry[0].resource". */
  at?: string;
}

/** One order the hook asks about: what the policy decides, and where the decision is recorded. */
export interface HookOrder {
  /** The order the policy reads (for an Appointment without an order, one read from the Appointment). */
  order: ServiceRequest;
  /** Where the order came from in the request, for messages: "context.draftOrders.entry[0]". */
  at: string;
  /** The element a malformed id is reported at: "context.draftOrders.entry[0].resource.id". */
  idAt: string;
  /** Coverage information goes on these (the order itself; for appointment-book, its Appointments). */
  targets: CoverageTarget[];
  /**
   * The resource the order was read from when it is not itself an order ("Appointment/123" for an
   * Appointment without an order): evidence and the decision record name that, not a ServiceRequest
   * that does not exist.
   */
  standsFor?: string;
}

export interface HookOrders {
  /** Every order the hook may decide, in and out of the service's scope (relevance picks the decided ones). */
  candidates: HookOrder[];
  /** The orders of the session, for facts about the other orders (same visit, companion orders). */
  session: FhirResource[];
  /** "Type/id" of resources that are the orders being decided: not history, so left out of the chart. */
  notChart: Set<string>;
}

/** How many orders a hook's context names by reference, counted before any is looked up (limits.maxOrderReferences). */
export interface OrderReferences {
  /** The context member that lists them: "context.dispatchedOrders". */
  at: string;
  /** Distinct references named (one sent twice is read once). */
  count: number;
  /** What was counted, for the message: "basedOn of its Appointments". */
  what: string;
}

/** How a hook finds resources it is given by reference: in what the request carries, else from the FHIR server. */
export interface ReferenceResolver {
  /** The resource with this "Type/id" among the request's prefetch, or fetched from fhirServer; null if it does not exist. */
  resolve(reference: string, at: string): Promise<FhirResource | null>;
}

/**
 * One CDS hook: how its context is validated and where its orders come from. Everything after that
 * (scope, chart, criteria, cards, coverage information, audit, metrics) is the same pipeline for every hook.
 */
export interface HookDefinition {
  name: HookName;
  /** Da Vinci CRD primary hooks (order-sign, order-dispatch, appointment-book) carry coverage information by default (§hook-16, §resp-26). */
  primary: boolean;
  /** Suggestions act on proposed orders (CRD Alternate Request, Additional Orders): the hooks that still have draft orders. */
  suggestions: boolean;
  /** The context member listing what the hook decides, for messages about the orders as a whole: "context.draftOrders". */
  ordersAt: string;
  /** What the clinician does with the orders at this hook, for advice ("Sign them in batches of 50 or fewer"). */
  batchVerb: string;
  /** What a client must send for this hook beyond the service's own requirements (discovery usageRequirements). */
  usage?: string;
  /** Root context members with a primitive value: the only ones a CDS Hooks 2.0 prefetch template may name. */
  tokenFields: readonly string[];
  /** Checks the context as the hook definition gives it (400 naming the member); members it does not know are ignored (CRD §hook-23). */
  validateContext(context: Record<string, unknown>): HookContext;
  /** For hooks that name their orders by reference: how many the validated context names (checked against limits.maxOrderReferences before orders()). */
  orderReferences?(context: HookContext): OrderReferences;
  /**
   * The orders to decide, read from the context or fetched by reference. `resourceTypes` are the order
   * types the service decides: orders of other types are neither fetched nor read.
   */
  orders(request: HookRequest, references: ReferenceResolver, resourceTypes: readonly string[]): Promise<HookOrders>;
}
