import type { Chart } from '../chart/model';
import { blockRelief, type ReliefSettings } from '../relief';
import type { ValueSets } from '../types';
import type { Intent } from './orders';
import type { PriorSession } from './sessions';

/** A region's facet procedures on record, sorted as a reviewer counts them. */
export interface SpineHistory {
  /** Diagnostic blocks, in date order, with the relief read after each. */
  diagnostic: PriorSession[];
  /** Therapeutic injections, in date order. */
  therapeutic: PriorSession[];
  /** Conventional (thermal) radiofrequency neurotomies, in date order. */
  radiofrequency: PriorSession[];
}

export interface SortSessionsOptions {
  /**
   * What an injection not marked diagnostic or therapeutic was, given how many diagnostic blocks with the
   * threshold relief came before it. Default: diagnostic until two gave it, therapeutic after.
   */
  unmarked?: (session: PriorSession, positiveBefore: number) => Intent;
  /** Whether a neurotomy starts the count of positive diagnostic blocks again (blocks are repeated before another). */
  restartAfterNeurotomy?: boolean;
}

/**
 * Sorts a region's sessions (in date order, already chosen for the order: region, before its date) into
 * diagnostic blocks, therapeutic injections and conventional neurotomies. Each session is copied, its intent
 * set (marked, or as `unmarked` says) and, for a diagnostic block, the relief after it read. Pulsed and other
 * non-conventional denervations and unlisted procedures are not counted.
 */
export function sortSessions(
  sessions: PriorSession[],
  ctx: { chart: Chart; vs: ValueSets; t: ReliefSettings & { diagnosticReliefPercent: number } },
  options: SortSessionsOptions = {},
): SpineHistory {
  const unmarked = options.unmarked ?? ((_s: PriorSession, positive: number): Intent => (positive >= 2 ? 'therapeutic' : 'diagnostic'));
  const history: SpineHistory = { diagnostic: [], therapeutic: [], radiofrequency: [] };
  let positive = 0;
  for (const original of sessions) {
    const s = { ...original };
    if (s.kind === 'radiofrequency' && s.modality === 'conventional') {
      history.radiofrequency.push(s);
      if (options.restartAfterNeurotomy) positive = 0;
      continue;
    }
    if (s.kind !== 'injection') continue;
    s.intent ??= unmarked(s, positive);
    if (s.intent === 'therapeutic') {
      history.therapeutic.push(s);
      continue;
    }
    s.relief = blockRelief(s, ctx.chart, ctx.vs, ctx.t);
    if ((s.relief.percent ?? -1) >= ctx.t.diagnosticReliefPercent) positive++;
    history.diagnostic.push(s);
  }
  return history;
}
