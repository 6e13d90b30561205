import type { ServiceRequest } from 'fhir/r4';
import type { CriterionStatus } from '../../../src/decision/types';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { decideScenario, pathTables, service } from './paths/run';

/**
 * The policy, path by path, as a pure function of (record, orders, today, declaration): no HTTP.
 * (policy-paths-http.test.ts runs the same scenarios through the service's HTTP interface.)
 */
const observed = new Map<string, Set<CriterionStatus>>();

describe.each(pathTables)('%s', (_title, scenarios) => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const { decision, response } = decideScenario(scenario);
    expectValidCdsResponse(response);
    for (const [orderId, expected] of Object.entries(scenario.expect)) {
      const unit = decision.units.find((u) => u.unit.orders.some((o) => o.id === orderId));
      if (!unit) throw new Error(`order ${orderId} was not decided`);
      const statuses = Object.fromEntries(unit.results.map((r) => [r.id, r.status]));
      for (const r of unit.results) {
        if (!observed.has(r.id)) observed.set(r.id, new Set());
        observed.get(r.id)!.add(r.status);
      }
      expect({ order: orderId, outcome: unit.outcome }).toEqual({ order: orderId, outcome: expected.outcome });
      if (expected.criteria) expect(statuses).toMatchObject(expected.criteria);
      for (const id of expected.notApplicable ?? []) expect(statuses[id]).toBeUndefined();
      const labels = unit.suggestions.map((s) => s.label);
      for (const pattern of expected.suggestions ?? []) expect(labels).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
      if (expected.noSuggestions) expect(labels).toEqual([]);
      if (expected.firstEligibleDate) expect(unit.results.map((r) => r.firstEligibleDate)).toContain(expected.firstEligibleDate);
      for (const [id, lines] of Object.entries(expected.evidence ?? {})) {
        const result = unit.results.find((r) => r.id === id);
        if (!result) throw new Error(`criterion ${id} was not decided for ${orderId}`);
        const counted = result.evidence.filter((e) => !e.setAside).map((e) => e.text);
        const setAside = result.evidence.filter((e) => e.setAside).map((e) => e.text);
        for (const pattern of lines.counted ?? []) expect({ id, counted }).toEqual({ id, counted: expect.arrayContaining([expect.stringMatching(pattern)]) });
        for (const pattern of lines.setAside ?? []) expect({ id, setAside }).toEqual({ id, setAside: expect.arrayContaining([expect.stringMatching(pattern)]) });
        if (lines.notCounted) expect({ id, quoted: counted.filter((text) => lines.notCounted!.test(text)) }).toEqual({ id, quoted: [] });
      }
      for (const [id, pattern] of Object.entries(expected.references ?? {})) {
        const refs = unit.results.find((r) => r.id === id)?.evidence.map((e) => e.reference ?? '') ?? [];
        expect({ id, refs }).toEqual({ id, refs: expect.arrayContaining([expect.stringMatching(pattern)]) });
      }
      for (const r of unit.results) {
        expect(r.summary.length).toBeGreaterThan(0);
        if (r.status === 'not-documented') expect(r.missing).toEqual(expect.any(String));
      }
      const coverageActions = (response.systemActions ?? []).filter((a) => a.resource?.id === orderId);
      if (decision.coverage) {
        expect(coverageActions).toHaveLength(1);
        const resource = coverageActions[0]!.resource as ServiceRequest;
        const covered = resource.extension!.at(-1)!.extension!.find((e) => e.url === 'covered')!.valueCode;
        expect(covered).toBe(expected.outcome);
      } else {
        expect(coverageActions).toHaveLength(0);
      }
    }
    const notices = decision.notices.map((n) => n.id);
    if (!decision.coverage && decision.units.length > 0) notices.push('no-active-coverage');
    expect(notices.sort()).toEqual([...(scenario.notices ?? [])].sort());
  });
});

/** Statuses a criterion cannot take: categorical checks are read from the order itself; some criteria only ask for documentation. */
const IMPOSSIBLE: Record<string, CriterionStatus[]> = {
  'facet-joint-target': ['not-documented'],
  'one-procedure-per-visit': ['not-documented'],
  'image-guidance': ['not-documented'],
  'pulsed-radiofrequency': ['not-documented'],
  'conventional-radiofrequency': ['not-documented'],
  'diagnostic-block-limit': ['not-documented'],
  'no-radiculopathy-or-myelopathy': ['not-documented'],
  'levels-diagnostic': ['not-documented'],
  'levels-initial-rf': ['not-documented'],
  'levels-repeat-rf': ['not-documented'],
  'levels-therapeutic': ['not-documented'],
  'second-block-interval': ['not-documented'],
  'repeat-rf-interval': ['not-documented'],
  'not-rf-candidate': ['not-met'],
};

describe('coverage of the policy by these scenarios', () => {
  it.each(service.definition.policy.criteria.map((c) => [`${c.section} ${c.id}`, c.id] as const))(
    '%s is seen met, not met and not documented (where possible)',
    (_label, id) => {
      const wanted = (['met', 'not-met', 'not-documented'] as CriterionStatus[]).filter((s) => !(IMPOSSIBLE[id] ?? []).includes(s));
      expect([...(observed.get(id) ?? [])].filter((s) => s !== 'indeterminate').sort()).toEqual(expect.arrayContaining(wanted));
    },
  );
});
