import type { Evidence } from '../../decision/types';
import { sharedLevels } from './levels';

/** An earlier procedure as sites are compared: its levels ("L4-L5"; none when not charted), records and label. */
export interface SiteSession {
  levels: string[];
  refs: string[];
  label: string;
}

/**
 * "The same anatomic site" (I.D.2) and "the previous treatment" (I.B.2) are the same facet joint levels:
 * a procedure at a new level is not judged by the relief from one at another level. When the levels of
 * either side are not charted, the comparison falls back to the region (the history is already the
 * order's region) and the card says the levels could not be compared.
 */

export type SiteMatch = 'same' | 'other' | 'uncharted';

export function siteMatch(sessionLevels: string[], orderLevels: string[]): SiteMatch {
  if (sessionLevels.length === 0 || orderLevels.length === 0) return 'uncharted';
  return sharedLevels(sessionLevels, orderLevels).length > 0 ? 'same' : 'other';
}

/** Earlier procedures (date order) at the order's site: the same levels, or levels not charted. */
export function atSameSite<S extends SiteSession>(sessions: S[], orderLevels: string[]): S[] {
  return sessions.filter((s) => siteMatch(s.levels, orderLevels) !== 'other');
}

/** Earlier procedures in the region at other levels than the order's. */
export function atOtherSites<S extends SiteSession>(sessions: S[], orderLevels: string[]): S[] {
  return sessions.filter((s) => siteMatch(s.levels, orderLevels) === 'other');
}

/** The order's levels no earlier procedure treated (all of them when none did; none when levels are not charted). */
export function newLevels(sessions: SiteSession[], orderLevels: string[]): string[] {
  if (sessions.some((s) => s.levels.length === 0)) return [];
  const treated = new Set(sessions.flatMap((s) => s.levels));
  return orderLevels.filter((l) => !treated.has(l));
}

/** A line saying how a procedure's site was compared with the order's. */
export function siteEvidence(session: SiteSession, orderLevels: string[], label: string): Evidence {
  const match = siteMatch(session.levels, orderLevels);
  const how =
    match === 'uncharted'
      ? `levels not charted on ${session.levels.length === 0 ? 'it' : 'this order'}: compared by region only`
      : match === 'same'
        ? `same levels (${sharedLevels(session.levels, orderLevels).join(', ')})`
        : `another site (${session.levels.join(', ')}; this order ${orderLevels.join(', ')})`;
  return match === 'other'
    ? { text: `set aside, ${label}: ${session.label}, ${how}`, reference: session.refs[0], setAside: 'another level' }
    : { text: `${label}: ${session.label}, ${how}`, reference: session.refs[0] };
}
