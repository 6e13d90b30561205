import type { CodeableConcept, Coding, ServiceRequest } from 'fhir/r4';
import { conceptText } from './code-systems';

export const BILLING_OPTIONS_URL = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-billing-options';

/** An order's codings: `code.coding` plus CRD `ext-billing-options` codes on `code`. */
export function orderCodings(order: ServiceRequest): Coding[] {
  const code = order.code as CodeableConcept | undefined;
  const codings: Coding[] = Array.isArray(code?.coding) ? code!.coding.filter((c) => c && typeof c === 'object') : [];
  for (const ext of Array.isArray(code?.extension) ? code!.extension : []) {
    if (ext?.url === BILLING_OPTIONS_URL && Array.isArray(ext.valueCodeableConcept?.coding)) codings.push(...ext.valueCodeableConcept.coding);
  }
  return codings;
}

/** Everything an order says in words: code text and displays, details, notes, instructions, reasons. */
export function orderText(order: ServiceRequest): string {
  const parts: string[] = [conceptText(order.code)];
  for (const c of orderCodings(order)) if (typeof c.display === 'string') parts.push(c.display);
  for (const detail of Array.isArray(order.orderDetail) ? order.orderDetail : []) parts.push(conceptText(detail));
  for (const reason of Array.isArray(order.reasonCode) ? order.reasonCode : []) parts.push(conceptText(reason));
  for (const note of Array.isArray(order.note) ? order.note : []) if (typeof note?.text === 'string') parts.push(note.text);
  if (typeof order.patientInstruction === 'string') parts.push(order.patientInstruction);
  return parts.filter((p) => p).join(' \n ');
}
