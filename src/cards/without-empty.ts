/**
 * Resources we send back (the order with coverage information, a suggested replacement order) start
 * from what the client sent, but FHIR JSON and CDS Hooks allow no null, empty string, empty array or
 * empty object: a sloppy draft order must not make our answer invalid. Returns undefined when nothing is left.
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
