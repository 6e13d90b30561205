import type { DecisionUnit, PolicyInput } from '../../../src/decision/types';
import { CHART_SECTIONS, ChartModel, atOtherSites, atSameSite, readSpinalRequest, siteMatch, unitLabel, unitReadAs, type ProcedureUnit } from '../../../src/kit';
import { positiveBlocks, regionHistory } from './history';
import type { FacetCoding, FacetContext, Pathway, RegionHistory, Thresholds, UnitInfo } from './types';

type Input = PolicyInput<Thresholds, FacetCoding>;

/** CP.MP.171's coding tables: fluoroscopic or CT codes in Table 1, ultrasound-guided ones in Table 2. */
const GUIDANCE_CITED = { fluoroscopy: 'policy Table 1', ultrasound: 'policy Table 2' };

/** The chart CP.MP.171 reads: every kind of record; radiofrequency planned or ordered from `plannedRadiofrequency`. */
export const chartModel = new ChartModel({ sections: CHART_SECTIONS, factNames: { plannedOrders: 'plannedRadiofrequency' } });

/**
 * Groups the in-scope orders into procedures (same date, kind and region: 64493 + 64494 are one
 * procedure) and derives each one's context: levels, laterality, intent, pathway and history.
 */
export function prepareUnits(input: Input): Array<DecisionUnit<FacetContext>> {
  const { today, policy } = input;
  const { valueSets: vs, thresholds: t, coding } = policy;
  // The chart is built once per request and shared by every unit and criterion.
  const { chart, orders, sessions, procedures } = readSpinalRequest(input, chartModel, { guidanceCited: GUIDANCE_CITED });
  return procedures.map(({ key, unit: procedure, regions }) => {
    const history = regionHistory(sessions, regions, procedure.date, { chart, vs, t }, procedure.orders.map((o) => o.ref));
    const { pathway, evidence } = pathwayOf(procedure, history, t);
    const unit: UnitInfo = { ...procedure, pathway, pathwayEvidence: evidence };
    const context: FacetContext = { today, unit, chart, history, sessionOrders: orders, t, vs, coding };
    return {
      id: key,
      label: unitLabel(unit),
      orders: unit.orders.map((o) => o.order),
      context,
      readAs: unit.nonFacetJoint ? unitReadAs(unit) : [...unitReadAs(unit), `Pathway: ${unit.pathwayEvidence}`],
      levels: unit.levelCount,
      summary: { pathway: unit.pathway, region: unit.region ?? 'unknown', levels: unit.levelCount, kind: unit.kind },
    };
  });
}

function pathwayOf(info: ProcedureUnit, history: RegionHistory, t: Thresholds): { pathway: Pathway; evidence: string } {
  if (info.kind !== 'injection') {
    // A repeat neurotomy repeats "the previous treatment": one at the same joint levels (I.B.2).
    const last = atSameSite(history.radiofrequency, info.levelNames).at(-1);
    if (last) {
      const uncharted = siteMatch(last.levels, info.levelNames) === 'uncharted' ? ' (levels not charted on both: compared by region)' : '';
      return { pathway: 'repeat-radiofrequency', evidence: `repeat neurotomy: ${last.label}${uncharted}` };
    }
    const elsewhere = atOtherSites(history.radiofrequency, info.levelNames);
    return {
      pathway: 'initial-radiofrequency',
      evidence:
        elsewhere.length > 0
          ? `initial neurotomy at ${info.levelNames.join(', ')}: the earlier neurotomy in this region (${elsewhere.at(-1)!.label}, ${elsewhere.at(-1)!.levels.join(', ')}) was at other levels`
          : 'initial neurotomy: no earlier conventional radiofrequency neurotomy in this region on record',
    };
  }
  if (info.intent) return { pathway: info.intent, evidence: `${info.intent} (${info.intentEvidence ?? 'marked on the order'})` };
  const positive = positiveBlocks(history, t).length;
  if (positive >= 2) {
    return { pathway: 'therapeutic', evidence: `therapeutic (inferred: ${positive} diagnostic blocks with ≥ ${t.diagnosticReliefPercent}% relief on record in this region)` };
  }
  const blocks = history.diagnosticBlocks.length;
  return {
    pathway: 'diagnostic',
    evidence: `diagnostic block ${blocks + 1} (inferred: ${blocks} diagnostic block${blocks === 1 ? '' : 's'} on record in this region, ${positive} with ≥ ${t.diagnosticReliefPercent}% relief)`,
  };
}
