import type { Evidence, Finding } from '../../../../src/decision/types';
import { met, notMet, rollingCount, sessionText, type PriorSession } from '../../../../src/kit';
import type { LcdContext } from '../types';

/**
 * D4, T5, R4: sessions per rolling 12 months in the order's CPT region (counted per region: a secondary-source
 * reading, open question Q6). A session is one date; the window is the 12 months that end on the order's date.
 * At the cap, the first eligible date is the day the oldest session that must leave the window has left it.
 */
export function sessionsPerYear(ctx: LcdContext, sessions: PriorSession[], max: number, what: string): Finding {
  const { unit, t } = ctx;
  const dates = [...new Set(sessions.map((s) => s.date))];
  const { within, windowStart, firstEligibleDate } = rollingCount(dates, unit.date, t.rollingWindowMonths, max);
  const evidence: Evidence[] = sessions.filter((s) => within.includes(s.date)).map((s) => ({ text: sessionText(s), reference: s.refs[0] }));
  const region = unit.cptRegion ?? 'this';
  if (firstEligibleDate) {
    return notMet(`${within.length} ${what} sessions in the ${region} region from ${windowStart} to ${unit.date} (rolling ${t.rollingWindowMonths} months); at most ${max}`, evidence, firstEligibleDate);
  }
  return met(`${what[0]!.toUpperCase()}${what.slice(1)} session ${within.length + 1} of at most ${max} in the ${region} region in the ${t.rollingWindowMonths} months to ${unit.date}`, evidence);
}
