/**
 * Resources the service creates (a suggested new order) copy parts of what the client sent, but FHIR JSON
 * and CDS Hooks allow no null, empty string, empty array or empty object: a sloppy draft order must not make
 * a resource we build invalid. Returns undefined when nothing is left. Never used on the client's own orders
 * (coverage information, suggested updates): those go back as sent, since dropping a `null` placeholder of
 * a primitive array would move its `_element` extensions to another value.
 */
export function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(withoutEmpty).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).flatMap(([k, v]) => {
      const kept = withoutEmpty(v);
      return kept === undefined ? [] : [[k, kept] as const];
    });
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value === null || value === '' ? undefined : value;
}
