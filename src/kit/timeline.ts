import type { Evidence } from '../decision/types';
import type { ChartObservation } from './chart/model';
import { instantOf, minDate } from './dates';

/** When a procedure happened: its date and, when charted, its start with a time of day. */
export interface ProcedureTime {
  date: string;
  start?: string;
}

/**
 * The patient's timeline as the policy reads it: evidence must have happened by the decision date (records
 * dated later are set aside when the chart is built), and a baseline comes strictly before the procedure.
 */

/** The last day evidence may come from: the decision date, or the order's date when that is earlier (a backdated order). */
export function evidenceCutoff(today: string, orderDate: string): string {
  return minDate(today, orderDate)!;
}

/**
 * Strictly before the procedure started: by the clock when both carry a time of day, else on an earlier
 * day. A same-day score is never a baseline unless both times are charted, even when linked by partOf.
 */
export function beforeProcedure(o: ChartObservation, session: ProcedureTime): boolean {
  const start = instantOf(session.start);
  const time = instantOf(o.effective);
  if (start !== undefined && time !== undefined) return time < start;
  return o.date !== undefined && o.date < session.date;
}

/** Strictly after the procedure started: by the clock when both carry a time of day, else on a later day. */
export function afterProcedure(o: ChartObservation, session: ProcedureTime): boolean {
  const start = instantOf(session.start);
  const time = instantOf(o.effective);
  if (start !== undefined && time !== undefined) return time > start;
  return o.date !== undefined && o.date > session.date;
}

/** Brief lines for records dated after the decision date: found, not counted. */
export function laterEvidence(items: Array<{ ref: string; text: string; date?: string }>, today: string): Evidence[] {
  return items.map((item) => ({
    text: `set aside, dated ${item.date ?? '?'} (after today, ${today}): ${item.text}`,
    reference: item.ref,
    setAside: 'dated after today',
  }));
}
