import type { FhirResource, ServiceRequest, Task } from 'fhir/r4';
import { BadRequestError } from '../../errors';
import { isAboutPatient } from '../../fhir/patient-compartment';
import { normalizeReference } from '../../fhir/references';
import type { HookContext } from '../types';
import { fhirId, localReference, object, present, referenceList, resource } from './context-fields';
import type { HookDefinition, HookOrder } from './types';

/**
 * order-dispatch: a signed order is sent to a performer (the pain clinic). The context names the orders
 * by reference; the service finds them in the prefetch (the `serviceRequests` key returns them) or reads
 * them from the FHIR server, decides them as order-sign would, and records coverage information on each
 * (CRD primary hook, §hook-33). Hook version 1.1 sends `dispatchedOrders` and `fulfillmentTasks`; 1.0, which
 * CRD 2.0.1 cites, sent one `order` and one `task`: both are read.
 */
export const orderDispatch: HookDefinition = {
  name: 'order-dispatch',
  ordersAt: 'context.dispatchedOrders',
  batchVerb: 'Dispatch',
  primary: true,
  // The orders are signed already: CRD's Alternate Request and Additional Orders act on proposed orders.
  suggestions: false,
  usage: 'order-dispatch: the dispatched ServiceRequests are read from the prefetch (serviceRequests) or, by reference, from fhirServer.',
  tokenFields: ['patientId', 'performer'],
  validateContext(context) {
    const patientId = fhirId(context.patientId, 'context.patientId');
    const dispatched = dispatchedOrders(context);
    // REQUIRED in the hook's table, 0..1 in its logical model (and CRD's): checked when sent, never demanded.
    const performer = present(context.performer) ? localReference(context.performer, 'context.performer', 'Organization/123') : undefined;
    const fulfillmentTasks = tasks(context, dispatched.map((d) => d.reference));
    const validated = {
      ...context,
      patientId,
      dispatchedOrders: dispatched.map((d) => d.reference),
      ...(performer ? { performer } : {}),
      ...(fulfillmentTasks.length > 0 ? { fulfillmentTasks } : {}),
    } as HookContext;
    sentAt.set(validated, dispatched.map((d) => d.at));
    return validated;
  },
  orderReferences(context) {
    return { at: 'context.dispatchedOrders', count: context.dispatchedOrders!.length, what: 'dispatched orders' };
  },
  async orders(request, references, resourceTypes) {
    const { patientId } = request.context;
    const candidates: HookOrder[] = [];
    const session: FhirResource[] = [];
    const notChart = new Set<string>();
    const dispatched = request.context.dispatchedOrders!;
    const taskFor = tasksByFocus(request.context.fulfillmentTasks ?? []);
    await Promise.all(
      dispatched.map(async (reference, i) => {
        const at = sentAt.get(request.context)?.[i] ?? `context.dispatchedOrders[${i}]`;
        if (!resourceTypes.includes(reference.split('/')[0]!)) return; // not an order type this service decides: not fetched
        const found = await references.resolve(reference, at);
        if (!found) throw new BadRequestError(`${at} "${reference}" was not found in the prefetch or on the FHIR server`, at, 'not-found');
        if (`${found.resourceType}/${found.id}` !== reference) throw new BadRequestError(`${at} "${reference}" resolved to ${found.resourceType}/${found.id}`, at, 'value');
        if (!isAboutPatient(found, patientId)) throw new BadRequestError(`${at} "${reference}" is not an order for Patient/${patientId}`, at, 'value');
        const order = found as ServiceRequest;
        const decided = withTaskTiming(order, taskFor.get(reference));
        candidates[i] = { order: decided, at, idAt: at, targets: [{ resource: order, reference }] };
        session[i] = decided;
        notChart.add(reference);
      }),
    );
    return { candidates: candidates.filter(Boolean), session: session.filter(Boolean), notChart };
  },
};

/** Where each dispatched order was named in the request, for messages (the validated context lists them all as dispatchedOrders). */
const sentAt = new WeakMap<HookContext, string[]>();

/** dispatchedOrders (1.1), else order (1.0); both may come, each order is taken once. */
function dispatchedOrders(context: Record<string, unknown>): Array<{ reference: string; at: string }> {
  const list: Array<{ reference: string; at: string }> = [];
  if (present(context.dispatchedOrders)) {
    // Each reference once, where it was first sent (an index built in one pass: no search per reference).
    referenceList(context.dispatchedOrders, 'context.dispatchedOrders').forEach(({ reference, index }) => list.push({ reference, at: `context.dispatchedOrders[${index}]` }));
  }
  if (present(context.order)) {
    const single = localReference(context.order, 'context.order');
    if (!list.some((d) => d.reference === single)) list.push({ reference: single, at: 'context.order' });
  }
  if (list.length === 0) throw new BadRequestError('context.dispatchedOrders is required (or, in order-dispatch 1.0, context.order)', 'context.dispatchedOrders', 'required');
  return list;
}

/**
 * fulfillmentTasks (1.1): Tasks, each for one of the dispatched orders (the hook's SHALL, checked). The 1.0
 * `task` carried no such rule (the CRD test kit's own 1.0 request focuses it on another order): it is read
 * when it is for a dispatched order, and otherwise left aside.
 */
function tasks(context: Record<string, unknown>, dispatchedList: string[]): Task[] {
  const dispatched = new Set(dispatchedList);
  const found: Task[] = [];
  if (present(context.fulfillmentTasks)) {
    if (!Array.isArray(context.fulfillmentTasks)) throw new BadRequestError('context.fulfillmentTasks must be an array of Task resources', 'context.fulfillmentTasks', 'structure');
    context.fulfillmentTasks.forEach((t: unknown, i: number) => {
      const at = `context.fulfillmentTasks[${i}]`;
      const fulfillment = task(t, at);
      const focus = normalizeReference(fulfillment.focus?.reference);
      if (!focus || !dispatched.has(focus)) {
        throw new BadRequestError(`${at}.focus must reference one of the dispatched orders (${listed(dispatchedList)})`, `${at}.focus`, 'value');
      }
      found.push(fulfillment);
    });
  }
  if (present(context.task)) {
    const legacy = task(context.task, 'context.task');
    const focus = normalizeReference(legacy.focus?.reference);
    if (focus && dispatched.has(focus)) found.push(legacy);
  }
  return found;
}

/** The first Task for each dispatched order, by the order's reference. */
function tasksByFocus(fulfillmentTasks: Task[]): Map<string, Task> {
  const byFocus = new Map<string, Task>();
  for (const t of fulfillmentTasks) {
    const focus = normalizeReference(t.focus?.reference);
    if (focus && !byFocus.has(focus)) byFocus.set(focus, t);
  }
  return byFocus;
}

/** The dispatched orders for a message: the first few, not all of them. */
function listed(references: string[]): string {
  return references.length <= 5 ? references.join(', ') : `${references.slice(0, 5).join(', ')} and ${references.length - 5} more`;
}

function task(value: unknown, at: string): Task {
  const r = resource(value, at);
  if (r.resourceType !== 'Task') throw new BadRequestError(`${at} must be a Task`, `${at}.resourceType`, 'value');
  if (present(r.focus)) object(r.focus, `${at}.focus`);
  return r as unknown as Task;
}

/** The performer is asked to act in the Task's period: for the decision, that is when the procedure happens. */
function withTaskTiming(order: ServiceRequest, fulfillment: Task | undefined): ServiceRequest {
  const start = fulfillment?.restriction?.period?.start ?? fulfillment?.executionPeriod?.start;
  if (typeof start !== 'string' || start === '') return order;
  const { occurrencePeriod: _period, occurrenceTiming: _timing, ...rest } = order;
  return { ...rest, occurrenceDateTime: start } as ServiceRequest;
}
