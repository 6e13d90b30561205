import type { FhirResource } from 'fhir/r4';
import { BadRequestError } from '../../errors';
import { draftOrderCandidates } from '../relevance';
import { referenceList } from './context-fields';
import { orderContext } from './order-sign';
import type { HookDefinition } from './types';

/**
 * order-select: the clinician has just picked orders (`selections`) among the draft orders. Only the
 * selected orders are decided (CRD §hook-34); the other draft orders are read as the session's context.
 * A secondary CRD hook: cards, and coverage information only when the client asks for it.
 */
export const orderSelect: HookDefinition = {
  name: 'order-select',
  ordersAt: 'context.selections',
  batchVerb: 'Select',
  primary: false,
  suggestions: true,
  usage: 'order-select: only the selected orders are decided; coverage information only with davinci-crd.configuration coverage-info true.',
  tokenFields: ['userId', 'patientId', 'encounterId'],
  validateContext(context) {
    const validated = orderContext(context);
    const selections = referenceList(context.selections, 'context.selections');
    const drafted = new Set((validated.draftOrders!.entry ?? []).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`));
    selections.forEach(({ reference, index }) => {
      if (!drafted.has(reference)) {
        throw new BadRequestError(`context.selections[${index}] "${reference}" is not an order in context.draftOrders`, `context.selections[${index}]`, 'value');
      }
    });
    return { ...validated, selections: selections.map((s) => s.reference) };
  },
  async orders(request) {
    const draftOrders = request.context.draftOrders!;
    const selected = new Set(request.context.selections);
    return {
      candidates: draftOrderCandidates(draftOrders).filter((c) => selected.has(`${c.order.resourceType}/${c.order.id}`)),
      session: (draftOrders.entry ?? []).map((e) => e.resource as FhirResource),
      notChart: new Set(),
    };
  },
};
