import type { CriterionStatus } from '../../../src/decision/types';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import type { LcdPathScenario } from './paths/indications.paths';
import { decideScenario, lcd, pathTables } from './paths/run';

/**
 * LCD L38841 for Medicare members, path by path, as a pure function of (record, orders, today, declaration):
 * the member's coverage chooses the policy, which decides. policy-paths-http.test.ts runs the same over HTTP.
 */
const observed = new Map<string, Set<CriterionStatus>>();

describe.each(pathTables)('%s', (_title, scenarios) => {
  it.each(scenarios.map((s) => [s.name, s as LcdPathScenario] as const))('%s', (_name, scenario) => {
    const { decision, response } = decideScenario(scenario);
    expectValidCdsResponse(response);
    expect(decision.policy?.declaration).toBe(scenario.policy ?? 'lcd-l38841-facet-joint-interventions');
    for (const [orderId, expected] of Object.entries(scenario.expect)) {
      const unit = decision.units.find((u) => u.unit.orders.some((o) => o.id === orderId));
      if (!unit) throw new Error(`order ${orderId} was not decided`);
      const statuses = Object.fromEntries(unit.results.map((r) => [r.id, r.status]));
      for (const r of unit.results) {
        if (!observed.has(r.id)) observed.set(r.id, new Set());
        observed.get(r.id)!.add(r.status);
      }
      expect({ order: orderId, outcome: unit.outcome, statuses }).toEqual({ order: orderId, outcome: expected.outcome, statuses: expect.objectContaining(expected.criteria ?? {}) });
      for (const id of expected.notApplicable ?? []) expect({ id, status: statuses[id] }).toEqual({ id, status: undefined });
      const labels = unit.suggestions.map((s) => s.label);
      for (const pattern of expected.suggestions ?? []) expect(labels).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
      if (expected.firstEligibleDate) expect(unit.results.map((r) => r.firstEligibleDate)).toContain(expected.firstEligibleDate);
      for (const [id, lines] of Object.entries(expected.evidence ?? {})) {
        const result = unit.results.find((r) => r.id === id)!;
        const counted = result.evidence.filter((e) => !e.setAside).map((e) => e.text);
        const setAside = result.evidence.filter((e) => e.setAside).map((e) => e.text);
        for (const pattern of lines.counted ?? []) expect({ id, counted }).toEqual({ id, counted: expect.arrayContaining([expect.stringMatching(pattern)]) });
        for (const pattern of lines.setAside ?? []) expect({ id, setAside }).toEqual({ id, setAside: expect.arrayContaining([expect.stringMatching(pattern)]) });
      }
      for (const r of unit.results) {
        expect(r.summary.length).toBeGreaterThan(0);
        if (r.status === 'not-documented') expect(r.missing).toEqual(expect.any(String));
      }
    }
    expect(decision.notices.map((n) => n.id).sort()).toEqual([...(scenario.notices ?? [])].sort());
  });
});

/** Statuses a rule cannot take: categorical checks read from the order, informational rules, rules asking only for documentation. */
const IMPOSSIBLE: Record<string, CriterionStatus[]> = {
  'facet-joint-target': ['not-documented'],
  'c3-no-untreated-radiculopathy': ['not-documented'],
  'c4-no-other-pathology': ['not-documented'],
  'c5-image-guidance': ['not-documented'],
  'c2-conservative-care-failed': ['not-met'],
  'd3-diagnostic-interval': ['not-documented'],
  'd4-diagnostic-sessions-per-year': ['not-documented'],
  'd5-diagnostics-beyond-two': ['not-met'],
  'd6-no-block-at-successful-rfa-level': ['not-documented'],
  't4-not-rfa-candidate': ['not-met'],
  't5-therapeutic-sessions-per-year': ['not-documented'],
  'r4-rfa-sessions-per-year': ['not-documented'],
  'n2-no-prolotherapy': ['not-documented'],
  'n3-thermal-denervation-only': ['not-documented'],
  'n4-no-implant-or-after-alif': ['not-documented'],
  's1-one-region-per-session': ['not-documented'],
  's3-two-levels-per-injection-session': ['not-documented'],
  's4-rfa-levels': ['not-met', 'not-documented'],
  's5-regions-follow-cpt': ['not-met', 'not-documented'],
  'x1-other-blocks-same-day': ['not-met'],
  'doc1-same-scale-relief': ['not-met'],
  'doc2-disability-scale': ['not-met', 'not-documented'],
  'doc3-single-score': ['not-met'],
};

describe('every rule of the LCD seen both ways by these scenarios', () => {
  it.each(lcd.module.criteria.map((c) => [`${c.section} ${c.id}`, c.id] as const))('%s is seen met, not met and not documented (where possible)', (_label, id) => {
    const wanted = (['met', 'not-met', 'not-documented'] as CriterionStatus[]).filter((s) => !(IMPOSSIBLE[id] ?? []).includes(s));
    expect([...(observed.get(id) ?? [])].filter((s) => s !== 'indeterminate').sort()).toEqual(expect.arrayContaining(wanted));
  });
});
