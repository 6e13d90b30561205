const DATE_OR_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Whole days from `from` to `to` (YYYY-MM-DD). */
export function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * A deep copy with every FHIR date and dateTime moved by `days` (times of day kept), so a chart written
 * against one reference date reads the same on another day. Ids, codes and text are left alone.
 */
export function shiftDates<T>(value: T, days: number): T {
  if (days === 0) return structuredClone(value);
  return shift(value, days) as T;
}

/**
 * Elements left alone: never dates even when their text looks like one (an id "2026-01-01", a code, a
 * reference), and birth dates, which stay as charted (ages move by days at most).
 */
const NOT_DATES = new Set(['id', 'code', 'system', 'url', 'reference', 'display', 'text', 'div', 'value', 'fullUrl', 'version', 'birthDate']);

function shift(value: unknown, days: number, key?: string): unknown {
  if (key !== undefined && NOT_DATES.has(key)) return value;
  if (typeof value === 'string') {
    const match = DATE_OR_DATETIME.exec(value);
    if (!match) return value;
    const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days));
    return `${date.toISOString().slice(0, 10)}${match[4] ?? ''}`;
  }
  if (Array.isArray(value)) return value.map((v) => shift(v, days, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shift(v, days, k)]));
  }
  return value;
}
