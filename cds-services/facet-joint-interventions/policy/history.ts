import { sortSessions, type Chart, type PriorSession, type Region, type ValueSets } from '../../../src/kit';
import type { RegionHistory, Thresholds } from './types';

/**
 * The region's history under CP.MP.171: injections in date order are diagnostic until two diagnostic blocks
 * gave at least the threshold relief, and therapeutic after (unless marked otherwise); conventional
 * neurotomies apart. `regions` is the order's region, or every region its code allows when the region is
 * not charted. A cervical/thoracic procedure with no charted region is counted for the order's region, and
 * says so. A procedure completed on the order's own date counts too (a block this morning is an earlier
 * block), unless its basedOn names one of `ownOrders`: then it is the record of the order being signed.
 */
export function regionHistory(sessions: PriorSession[], regions: Region[], before: string, ctx: { chart: Chart; vs: ValueSets; t: Thresholds }, ownOrders: string[]): RegionHistory {
  const inRegion = sessions
    .filter((s) => s.date < before || (s.date === before && !s.basedOn.some((ref) => ownOrders.includes(ref))))
    .flatMap((s): PriorSession[] => {
      if (s.region !== undefined) return regions.includes(s.region) ? [{ ...s }] : [];
      return regions.some((r) => r !== 'lumbar') ? [{ ...s, regionAssumed: true }] : [];
    });
  const { diagnostic, therapeutic, radiofrequency } = sortSessions(inRegion, ctx);
  return { diagnosticBlocks: diagnostic, therapeuticInjections: therapeutic, radiofrequency };
}

export function positiveBlocks(history: RegionHistory, t: Thresholds): PriorSession[] {
  return history.diagnosticBlocks.filter((b) => (b.relief?.percent ?? -1) >= t.diagnosticReliefPercent);
}
