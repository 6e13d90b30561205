import type { Appointment, BodyStructure, CodeableConcept, Extension, FhirResource, Reference, ServiceRequest } from 'fhir/r4';
import { BadRequestError } from '../../errors';
import { isAboutPatient } from '../../fhir/patient-compartment';
import { normalizeReference } from '../../fhir/references';
import { bundle, fhirId, optionalFhirId, userId } from './context-fields';
import type { CoverageTarget, HookDefinition, HookOrder, ReferenceResolver } from './types';

/** FHIR R4 core extension for a body site where an element has none: a Reference to a BodyStructure. */
export const BODY_SITE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/bodySite';

/**
 * appointment-book: the procedure is being booked. Each proposed Appointment names its procedure by
 * `basedOn` → ServiceRequest (CRD Appointment with Order), found in the appointments Bundle, the
 * Appointment's contained resources, the prefetch or on the FHIR server; without one, by its own
 * service codes (CRD Appointment without Order). The procedure is decided as order-sign would, on the
 * appointment's date, and coverage information goes on the Appointment (CRD primary hook, §hook-26).
 */
export const appointmentBook: HookDefinition = {
  name: 'appointment-book',
  ordersAt: 'context.appointments',
  batchVerb: 'Book',
  primary: true,
  // Booking acts on an appointment, not on proposed orders: CRD's Alternate Request and Additional Orders do not apply.
  suggestions: false,
  usage: 'appointment-book: an Appointment names its procedure by basedOn a ServiceRequest (in the Bundle, the prefetch or on fhirServer), else by CPT codes in serviceType.',
  tokenFields: ['userId', 'patientId', 'encounterId'],
  validateContext(context) {
    return {
      ...context,
      userId: userId(context.userId),
      patientId: fhirId(context.patientId, 'context.patientId'),
      encounterId: optionalFhirId(context.encounterId, 'context.encounterId'),
      appointments: bundle(context.appointments, 'context.appointments'),
    };
  },
  orderReferences(context) {
    // Every basedOn of every Appointment: each may be looked up in the Bundle, the prefetch or on the FHIR server.
    const named = new Set<string>();
    (context.appointments!.entry ?? []).forEach((e, i) => {
      const resource = e.resource as FhirResource;
      if (resource.resourceType !== 'Appointment' || !Array.isArray(resource.basedOn)) return;
      resource.basedOn.forEach((r) => {
        const reference = typeof r?.reference === 'string' ? r.reference : undefined;
        if (reference) named.add(reference.startsWith('#') ? `${i}${reference}` : reference);
      });
    });
    return { at: 'context.appointments', count: named.size, what: 'the basedOn of its Appointments' };
  },
  async orders(request, references, resourceTypes) {
    const { patientId } = request.context;
    const entries = (request.context.appointments!.entry ?? []).map((e) => e.resource as FhirResource);
    // The Bundle's resources by "Type/id", indexed once (the first of a duplicated id wins): a lookup per basedOn, not a search.
    const inBundle = new Map<string, FhirResource>();
    for (const r of entries) if (!inBundle.has(`${r.resourceType}/${r.id}`)) inBundle.set(`${r.resourceType}/${r.id}`, r);
    const byOrder = new Map<string, HookOrder>();
    const notChart = new Set<string>();
    await Promise.all(
      entries.map(async (resource, i) => {
        if (resource.resourceType !== 'Appointment') return; // supporting resources (e.g. the ServiceRequests booked) are looked up, not decided
        const appointment = resource as Appointment;
        const at = `context.appointments.entry[${i}]`;
        const target: CoverageTarget = { resource: appointment, reference: `Appointment/${appointment.id}`, at: `${at}.resource` };
        const inside = containedById(appointment);
        const all = Array.isArray(appointment.basedOn) ? appointment.basedOn : [];
        all.forEach((r, j) => {
          // A reference the service cannot follow is the client's mistake; a logical one (identifier only) is just not followed.
          if (typeof r?.reference === 'string' && !contained(r) && !normalizeReference(r.reference)) {
            throw new BadRequestError(`${at}.resource.basedOn[${j}] must reference the order as "ServiceRequest/123" (or "#id" for a contained one)`, `${at}.resource.basedOn[${j}]`, 'value');
          }
        });
        // Each with its index in basedOn, for messages.
        const basedOn = all.flatMap((ref, index) => (resourceTypes.includes(orderType(ref, inside) ?? '') ? [{ ref, index }] : []));
        if (basedOn.length === 0) {
          const order = orderFromAppointment(appointment, patientId);
          add(byOrder, `Appointment/${appointment.id ?? `#${i}`}`, { order, at, idAt: `${at}.resource.id`, targets: [target], standsFor: target.reference });
          return;
        }
        await Promise.all(
          basedOn.map(async ({ ref, index }, j) => {
            const refAt = `${at}.resource.basedOn[${index}]`;
            const found = await bookedOrder(ref, inside, inBundle, references, refAt);
            if (!isAboutPatient(found, patientId)) throw new BadRequestError(`${refAt} "${ref.reference}" is not an order for Patient/${patientId}`, refAt, 'value');
            const order = onAppointmentDate(found as ServiceRequest, appointment);
            const key = contained(ref) ? `${at}#${j}` : `${found.resourceType}/${found.id}`;
            if (!contained(ref)) notChart.add(key);
            add(byOrder, key, { order, at: refAt, idAt: `${refAt}.reference`, targets: [target] });
          }),
        );
      }),
    );
    const candidates = [...byOrder.values()];
    return { candidates, session: candidates.map((c) => c.order), notChart };
  },
};

/** The same order booked by several Appointments is decided once and recorded on each of them. */
function add(byOrder: Map<string, HookOrder>, key: string, order: HookOrder): void {
  const known = byOrder.get(key);
  if (known) known.targets.push(...order.targets);
  else byOrder.set(key, order);
}

function contained(ref: Reference): boolean {
  return typeof ref.reference === 'string' && ref.reference.startsWith('#');
}

/** An Appointment's contained resources by "#id", indexed once (the first of a duplicated id wins). */
function containedById(appointment: Appointment): Map<string, FhirResource> {
  const byId = new Map<string, FhirResource>();
  for (const c of Array.isArray(appointment.contained) ? appointment.contained : []) {
    if (c && typeof c === 'object' && !byId.has(`#${c.id}`)) byId.set(`#${c.id}`, c as FhirResource);
  }
  return byId;
}

/** The resource type a basedOn reference points to ("#id" looks inside the Appointment). */
function orderType(ref: Reference, inside: Map<string, FhirResource>): string | undefined {
  if (contained(ref)) return inside.get(ref.reference!)?.resourceType;
  return normalizeReference(ref.reference)?.split('/')[0] ?? (typeof ref.type === 'string' ? ref.type : undefined);
}

/** The order an Appointment is based on: contained, in the appointments Bundle, in the prefetch, or on the FHIR server. */
async function bookedOrder(ref: Reference, inside: Map<string, FhirResource>, inBundle: Map<string, FhirResource>, references: ReferenceResolver, at: string): Promise<FhirResource> {
  if (contained(ref)) return inside.get(ref.reference!)!;
  const reference = normalizeReference(ref.reference);
  if (!reference) throw new BadRequestError(`${at} must reference the order as "ServiceRequest/123" (or "#id" for a contained one)`, at, 'value');
  const found = inBundle.get(reference) ?? (await references.resolve(reference, at));
  if (!found) throw new BadRequestError(`${at} "${reference}" was not found in the request, the prefetch or on the FHIR server`, at, 'not-found');
  return found;
}

/** The procedure happens when it is booked: the Appointment's start is the order's date for the decision. */
function onAppointmentDate(order: ServiceRequest, appointment: Appointment): ServiceRequest {
  if (typeof appointment.start !== 'string' || appointment.start === '') return order;
  const { occurrencePeriod: _period, occurrenceTiming: _timing, ...rest } = order;
  return { ...rest, occurrenceDateTime: appointment.start } as ServiceRequest;
}

/**
 * An Appointment without an order names its procedure itself (CRD Appointment without Order): CPT codes
 * in serviceType, levels in the core bodySite extension (a BodyStructure, usually contained), the
 * diagnosis in reasonCode / reasonReference, words in description and comment. Read as the order it books.
 */
export function orderFromAppointment(appointment: Appointment, patientId: string): ServiceRequest {
  const serviceTypes = Array.isArray(appointment.serviceType) ? appointment.serviceType : [];
  const coding = serviceTypes.flatMap((t) => (Array.isArray(t?.coding) ? t.coding : []));
  const codeExtensions = serviceTypes.flatMap((t) => (Array.isArray(t?.extension) ? t.extension : []));
  const text = serviceTypes.map((t) => t?.text).find((t) => typeof t === 'string' && t !== '');
  const requester = (appointment.participant ?? [])
    .map((p) => p?.actor)
    .find((a) => /^(Practitioner|PractitionerRole)\//.test(normalizeReference(a?.reference) ?? ''));
  const bodySite = bodySites(appointment);
  const notes = [appointment.description, appointment.comment].filter((t): t is string => typeof t === 'string' && t !== '');
  return {
    resourceType: 'ServiceRequest',
    ...(appointment.id ? { id: appointment.id } : {}),
    status: 'draft',
    intent: 'order',
    code: { ...(coding.length > 0 ? { coding } : {}), ...(codeExtensions.length > 0 ? { extension: codeExtensions } : {}), ...(text ? { text } : {}) },
    subject: { reference: `Patient/${patientId}` },
    ...(requester ? { requester } : {}),
    ...(typeof appointment.created === 'string' ? { authoredOn: appointment.created } : {}),
    ...(typeof appointment.start === 'string' ? { occurrenceDateTime: appointment.start } : {}),
    ...(bodySite.length > 0 ? { bodySite } : {}),
    ...(Array.isArray(appointment.reasonCode) ? { reasonCode: appointment.reasonCode } : {}),
    ...(Array.isArray(appointment.reasonReference) ? { reasonReference: appointment.reasonReference } : {}),
    ...(notes.length > 0 ? { note: notes.map((t) => ({ text: t })) } : {}),
  };
}

/** Body sites from the core bodySite extension: a contained BodyStructure's location and description (a CodeableConcept value is read too). */
function bodySites(appointment: Appointment): CodeableConcept[] {
  const extensions = (Array.isArray(appointment.extension) ? appointment.extension : []).filter((e: Extension) => e?.url === BODY_SITE_EXTENSION);
  if (extensions.length === 0) return [];
  const inside = containedById(appointment);
  return extensions.flatMap((e): CodeableConcept[] => {
    const concept = (e as { valueCodeableConcept?: CodeableConcept }).valueCodeableConcept;
    if (concept && typeof concept === 'object') return [concept];
    const ref = e.valueReference?.reference;
    const found = typeof ref === 'string' ? inside.get(ref) : undefined;
    if (found?.resourceType !== 'BodyStructure') return [];
    const structure = found as BodyStructure;
    const site: CodeableConcept = {
      ...(Array.isArray(structure.location?.coding) ? { coding: structure.location!.coding } : {}),
      ...(typeof structure.description === 'string' ? { text: structure.description } : typeof structure.location?.text === 'string' ? { text: structure.location.text } : {}),
    };
    return site.coding || site.text ? [site] : [];
  });
}
