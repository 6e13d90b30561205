import { addDays, addMonths, daysBetween, maxDate, minDate } from './dates';

/**
 * Counting days and sessions over a calendar: days of therapy, days of supply, and sessions in a rolling
 * window. Dates are FHIR dates (YYYY-MM-DD); every interval is inclusive of both ends.
 */

export type Interval = [start: string, end: string];

/** Days covered by the union of intervals, clipped to [from, to]: overlapping courses count once. */
export function coveredDays(intervals: Interval[], from: string, to: string): number {
  const clipped = intervals
    .map(([s, e]): Interval => [s < from ? from : s, e > to ? to : e])
    .filter(([s, e]) => s <= e)
    .sort((a, b) => a[0].localeCompare(b[0]));
  let total = 0;
  let current: Interval | undefined;
  for (const [s, e] of clipped) {
    if (current && s <= addDays(current[1], 1)) {
      if (e > current[1]) current[1] = e;
      continue;
    }
    if (current) total += daysBetween(current[0], current[1]) + 1;
    current = [s, e];
  }
  if (current) total += daysBetween(current[0], current[1]) + 1;
  return total;
}

/** A therapy session or course: the day it started and, for a performed period, the day it ended. */
export interface TherapySession {
  date: string;
  /** performedPeriod.end (date or dateTime), when charted. */
  end?: string;
}

/**
 * Days of therapy in [from, to]: a session counts for the week it starts (a weekly visit is a week of
 * therapy), a performed period for its days up to `until` (days after the decision date have not happened
 * yet); overlaps count once. Four weekly visits make 28 days.
 */
export function therapyDays(sessions: TherapySession[], from: string, to: string, until: string): { days: number; first: string; last: string } {
  const intervals = sessions.map((s): Interval => [s.date, therapyEnd(s, until)]);
  return { days: coveredDays(intervals, from, to), first: minDate(...intervals.map((i) => i[0]))!, last: maxDate(...intervals.map((i) => i[1]))! };
}

/** The last day a session or course counts for: its period's end (up to `until`), else the end of its week. */
export function therapyEnd(session: TherapySession, until: string): string {
  const periodEnd = session.end?.slice(0, 10);
  return periodEnd && periodEnd > session.date ? minDate(periodEnd, until)! : addDays(session.date, 6);
}

/** A FHIR Duration (expectedSupplyDuration, daysSupply). */
export interface Duration {
  value?: number;
  unit?: string;
  code?: string;
}

const DAYS_PER_UNIT: Record<string, number> = { d: 1, day: 1, days: 1, wk: 7, week: 7, weeks: 7, mo: 30, month: 30, months: 30 };
/** A course longer than ten years is a charting error, not therapy: its duration counts as not charted. */
const MAX_COURSE_DAYS = 3660;

/** A number of days of a course, rounded, or undefined when it cannot be a course (negative, over ten years). */
export function plausibleDays(days: number): number | undefined {
  return Number.isFinite(days) && days >= 0 && days <= MAX_COURSE_DAYS ? Math.round(days) : undefined;
}

/** Days of supply a Duration stands for (d, wk, mo; UCUM code or unit), or undefined. */
export function supplyDays(duration: Duration | undefined): number | undefined {
  if (!duration || typeof duration.value !== 'number') return undefined;
  const unit = [duration.code, duration.unit].find((u): u is string => typeof u === 'string') ?? 'd';
  const factor = DAYS_PER_UNIT[unit.toLowerCase()];
  return factor === undefined ? undefined : plausibleDays(duration.value * factor);
}

/** Days from one date to another, both counted (a validity period's length), or undefined when implausible. */
export function inclusiveDays(start: string, end: string): number | undefined {
  return plausibleDays(Math.max(1, daysBetween(start, end) + 1));
}

/** A medication course as charted: its start, and an end, a number of days, or "still taking it". */
export interface Course {
  start?: string;
  end?: string;
  days?: number;
  ongoing: boolean;
}

/** The last day of a course: its end, its start plus its days, or `until` while it is ongoing; undefined when not charted. */
export function courseEnd(course: Course, until: string): string | undefined {
  if (course.end) return course.end;
  if (course.days !== undefined && course.start) return addDays(course.start, Math.max(1, course.days) - 1);
  if (course.ongoing) return until;
  return undefined;
}

/** What a cap of sessions per rolling window says about a new session on `date`. */
export interface RollingCount {
  /** The sessions inside the window that ends on `date` (the window opens `months` earlier, exclusive). */
  within: string[];
  /** The window's first day. */
  windowStart: string;
  /** With `cap` sessions or more in the window: the first day a new session fits under the cap. */
  firstEligibleDate?: string;
}

/**
 * Sessions (their dates) in the rolling window of `months` months that ends on `date`: the window holds the
 * days after `date` minus `months` up to `date`. When they reach `cap`, the first eligible date is the day
 * the oldest session that must leave the window (so that cap - 1 remain) has left it.
 */
export function rollingCount(dates: string[], date: string, months: number, cap: number): RollingCount {
  const windowStart = addDays(addMonths(date, -months), 1);
  const within = dates.filter((d) => d >= windowStart && d <= date).sort();
  if (within.length < cap) return { within, windowStart };
  // The session that must drop out: with cap - 1 kept, the (within.length - cap + 1)-th oldest.
  const leaving = within[within.length - cap]!;
  return { within, windowStart, firstEligibleDate: addMonths(leaving, months) };
}
