/** Calendar arithmetic on FHIR date strings (YYYY-MM-DD), in UTC so no time zone shifts a day. */

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

/** The calendar date of a FHIR date or dateTime; partial dates take their first day ("2025-06" is 2025-06-01). */
export function dateOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE.exec(value);
  if (!match) return undefined;
  const [, y, m = '01', d = '01'] = match;
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${m}-${d}`;
}

/** The last calendar day a FHIR date may mean: "2025-06" is 2025-06-30, "2025" is 2025-12-31; a full date is itself. */
export function lastDateOf(value: unknown): string | undefined {
  const first = dateOf(value);
  if (!first || typeof value !== 'string') return first;
  const match = DATE.exec(value)!;
  if (match[3] !== undefined) return first;
  const y = Number(match[1]);
  const m = match[2] !== undefined ? Number(match[2]) : 12;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${match[1]}-${String(m).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
}

/** Milliseconds since the epoch for a dateTime with a time of day; undefined for a bare date. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function toUtc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

/**
 * toUtc(date).getTime() without its arrays and Date: the criteria count days over hundreds of records.
 * Only for the plain YYYY-MM-DD the kit passes; anything else goes the long way, with its answer.
 */
function utcMs(date: string): number {
  if (date.length === 10 && date.charCodeAt(4) === 0x2d && date.charCodeAt(7) === 0x2d) {
    const y = digits(date, 0, 4);
    const m = digits(date, 5, 7);
    const d = digits(date, 8, 10);
    if (y >= 0 && m >= 0 && d >= 0) return Date.UTC(y, m - 1, d);
  }
  return toUtc(date).getTime();
}

/** The decimal number in date[from, to), or -1 unless every character there is a digit. */
function digits(date: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = date.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  // As setUTCDate(getUTCDate() + days) on toUtc(date): day overflow is carried into the month the same way.
  return fromUtc(new Date(utcMs(date) + days * 86_400_000));
}

/** Adds calendar months; the day is clamped to the month's end (Aug 31 + 6 months = Feb 28/29). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return fromUtc(target);
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcMs(b) - utcMs(a)) / 86_400_000);
}

export function maxDate(...dates: Array<string | undefined>): string | undefined {
  return dates.filter((d): d is string => d !== undefined).sort().at(-1);
}

export function minDate(...dates: Array<string | undefined>): string | undefined {
  return dates.filter((d): d is string => d !== undefined).sort()[0];
}
