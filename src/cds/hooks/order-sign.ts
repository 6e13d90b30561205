import type { FhirResource } from 'fhir/r4';
import { draftOrderCandidates } from '../relevance';
import type { HookContext } from '../types';
import { bundle, optionalFhirId, fhirId, userId } from './context-fields';
import type { HookDefinition } from './types';

/** order-sign context (hook 1.x): userId, patientId, optional encounterId, and the draftOrders Bundle. */
export function orderContext(context: Record<string, unknown>): HookContext {
  return {
    ...context,
    userId: userId(context.userId),
    patientId: fhirId(context.patientId, 'context.patientId'),
    encounterId: optionalFhirId(context.encounterId, 'context.encounterId'),
    draftOrders: bundle(context.draftOrders, 'context.draftOrders'),
  };
}

/**
 * order-sign: the clinician signs the draft orders. Every in-scope draft order is decided and gets its
 * coverage information (CRD primary hook); cards may propose alternatives and companion orders.
 */
export const orderSign: HookDefinition = {
  name: 'order-sign',
  ordersAt: 'context.draftOrders',
  batchVerb: 'Sign',
  primary: true,
  suggestions: true,
  tokenFields: ['userId', 'patientId', 'encounterId'],
  validateContext: orderContext,
  async orders(request) {
    const draftOrders = request.context.draftOrders!;
    return {
      candidates: draftOrderCandidates(draftOrders),
      session: (draftOrders.entry ?? []).map((e) => e.resource as FhirResource),
      notChart: new Set(),
    };
  },
};
