import type { CodeableConcept, Coding, ServiceRequest } from 'fhir/r4';
import { conceptText } from './code-systems';

export const BILLING_OPTIONS_URL = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options';

/** A coding as the EHR should send it: an object (null, strings and arrays inside `coding` are skipped). */
function isCoding(value: unknown): value is Coding {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * An order's codings, cleaned: `code.coding` plus CRD `ext-billing-options` codes on `code`, objects only.
 * Every reader of an order's codes (scope, cards, coverage information, the decision record) goes through here.
 */
export function orderCodings(order: ServiceRequest): Coding[] {
  const code = order.code as CodeableConcept | undefined;
  const codings: Coding[] = Array.isArray(code?.coding) ? code!.coding.filter(isCoding) : [];
  for (const ext of Array.isArray(code?.extension) ? code!.extension : []) {
    if (ext?.url === BILLING_OPTIONS_URL && Array.isArray(ext.valueCodeableConcept?.coding)) for (const c of ext.valueCodeableConcept.coding) if (isCoding(c)) codings.push(c);
  }
  return codings;
}

/**
 * Everything an order says in words: code text and displays, details, notes, instructions, reasons. Each
 * part is cut to `maxCharsPerField` characters (a service's limits.maxTextCharsPerField).
 */
export function orderText(order: ServiceRequest, maxCharsPerField = Infinity): string {
  const parts: string[] = [conceptText(order.code)];
  for (const c of orderCodings(order)) if (typeof c.display === 'string') parts.push(c.display);
  for (const detail of Array.isArray(order.orderDetail) ? order.orderDetail : []) parts.push(conceptText(detail));
  for (const reason of Array.isArray(order.reasonCode) ? order.reasonCode : []) parts.push(conceptText(reason));
  for (const note of Array.isArray(order.note) ? order.note : []) if (typeof note?.text === 'string') parts.push(note.text);
  if (typeof order.patientInstruction === 'string') parts.push(order.patientInstruction);
  return parts
    .filter((p) => p)
    .map((p) => (p.length > maxCharsPerField ? p.slice(0, maxCharsPerField) : p))
    .join(' \n ');
}
