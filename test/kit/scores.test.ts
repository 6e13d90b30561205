import { RequestMemo, type Chart, type ChartObservation } from '../../src/kit';
import { functionalScores, painScores, scoresIn } from '../../src/kit';
import { loadServices } from '../../src/declarations/load';
import { LOINC } from '../helpers/builders';

const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
const vs = service.valueSets;
const scales = (service.definition.thresholds as { functionalScales: Parameters<typeof functionalScores>[1] }).functionalScales;

function obs(ref: string, code: string, value: number | undefined, effective: string): ChartObservation {
  return { ref, codings: [{ system: LOINC, code }], status: 'final', effective, date: effective.slice(0, 10), value, interpretation: [], partOf: [] } as unknown as ChartObservation;
}

function chart(observations: ChartObservation[]): Chart {
  return { observations, conditions: [], procedures: [], medications: [], allergies: [], devices: [], imaging: [], plannedOrders: [], coverages: [], conditionsByRef: new Map(), today: '2026-11-26', later: { conditions: [], procedures: [], observations: [], medications: [], imaging: [] }, memo: new RequestMemo() };
}

describe('score lists', () => {
  const c = chart([
    obs('late', '72514-3', 3, '2026-11-20T15:00:00Z'),
    obs('date-only', '72514-3', 6, '2026-11-20'),
    obs('early', '72514-3', 8, '2026-11-20T08:00:00Z'),
    obs('out-of-range', '72514-3', 12, '2026-11-19T08:00:00Z'),
    obs('no-value', '72514-3', undefined, '2026-11-18T08:00:00Z'),
    obs('same-time-first', '72514-3', 5, '2026-11-10T09:00:00Z'),
    obs('same-time-second', '72514-3', 4, '2026-11-10T09:00:00Z'),
    obs('oswestry', '97909-6', 38, '2026-11-01'),
    obs('heart-rate', '8867-4', 70, '2026-11-01'),
  ]);

  it('sorts pain scores by time (a bare date at midnight UTC), keeping charted order on ties, 0-10 only', () => {
    expect(painScores(c, vs).map((o) => o.ref)).toEqual(['same-time-first', 'same-time-second', 'date-only', 'early', 'late']);
    expect(scoresIn(c, vs, 'painScores').map((o) => o.ref)).toContain('out-of-range');
  });

  it('finds functional-scale scores with their scale', () => {
    expect(functionalScores(c, scales, vs).map((s) => [s.obs.ref, s.scale.valueSet])).toEqual([['oswestry', 'oswestry']]);
  });

  it('derives each list once per chart', () => {
    expect(painScores(c, vs)).toBe(painScores(c, vs));
    expect(functionalScores(c, scales, vs)).toBe(functionalScores(c, scales, vs));
    expect(painScores(chart([...c.observations]), vs)).not.toBe(painScores(c, vs));
  });
});
