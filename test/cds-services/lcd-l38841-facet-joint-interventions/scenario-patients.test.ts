import fs from 'node:fs';
import path from 'node:path';
import type { ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import { resolveMemberCoverage } from '../../../src/cds/member-coverage';
import { policyForCall } from '../../../src/cds/policy-for-call';
import { inScopeOrders } from '../../../src/cds/relevance';
import { decideChart } from '../../../src/decision/decide-chart';
import type { Runtime } from '../../../src/runtime';
import { ScenarioLibrary, type Scenario } from '../../../src/scenarios/catalog';
import { SCENARIO_SETS, renderScenarioSet, scenarioDirOf } from '../../../scripts/generate-scenarios';
import { SERVICE_PATH, fullPrefetch, hookRequest } from '../../helpers/builders';
import { decisionCardAbout, expectValidCdsResponse, suggestionLabelsAbout } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { dataStatus } from '../facet-joint-interventions/paths/scenario';
import { service } from './paths/run';

/** A decision card as these tests read it. */
type LinkedCard = { detail?: string; links?: Array<{ url: string }>; extension?: Record<string, unknown> };

/**
 * The Medicare scenario patients (cds-services/lcd-l38841-facet-joint-interventions/scenarios): each decided
 * as the service decides it (the member's coverage choosing LCD L38841), as a pure function and over HTTP.
 */
const LCD = 'lcd-l38841-facet-joint-interventions';
const library = ScenarioLibrary.forService(LCD)!;
const cases = library.scenarios.map((s) => [s.id, s] as const);

function criteriaByStatus(results: Array<{ id: string; status: string }>, status: string): string[] {
  return results.filter((r) => r.status === status).map((r) => r.id).sort();
}

describe('Medicare scenario patients (LCD L38841)', () => {
  it('ship at least six Medicare members, showing the LCD\'s differences from CP.MP.171 both ways', () => {
    expect(library.scenarios.length).toBeGreaterThanOrEqual(6);
    const outcomes = new Set(library.scenarios.flatMap((s) => s.expected.map((e) => e.outcome)));
    expect([...outcomes].sort()).toEqual(['conditional', 'covered', 'not-covered']);
    const unmet = new Set(library.scenarios.flatMap((s) => s.expected.flatMap((e) => e.notMet ?? [])));
    for (const rule of ['s3-two-levels-per-injection-session', 'r1-two-positive-medial-branch-blocks', 'r4-rfa-sessions-per-year', 't5-therapeutic-sessions-per-year', 'r3-repeat-diagnostics-after-two-years']) expect(unmet).toContain(rule);
  });

  it('are exactly what scripts/generate-scenarios.ts writes (regenerate with npm run scenarios:generate)', () => {
    const set = SCENARIO_SETS.find((s) => s.declaration === LCD)!;
    for (const [file, content] of renderScenarioSet(set)) {
      expect({ file, content: fs.readFileSync(path.join(scenarioDirOf(LCD), file), 'utf8') }).toEqual({ file, content });
    }
    expect(fs.readdirSync(path.join(scenarioDirOf(LCD), 'patients')).sort()).toEqual(library.scenarios.map((s) => `${s.id}.json`).sort());
  });

  it('come with the service\'s own scenarios when the service is tried (sandbox, demo, load-patients)', () => {
    const all = ScenarioLibrary.forServiceAndPolicies(service)!;
    expect(all.scenarios.filter((s) => s.policy === LCD).map((s) => s.id)).toEqual(library.scenarios.map((s) => s.id));
    expect(all.scenarios.filter((s) => s.policy === 'facet-joint-interventions').length).toBeGreaterThanOrEqual(12);
  });

  describe('decided without HTTP', () => {
    it.each(cases)('%s', (_id, scenario) => {
      const orders = library.orders(scenario);
      const resources = library.patientResources(scenario);
      const today = library.catalog.referenceDate;
      const data = dataStatus();
      const memberCoverage = resolveMemberCoverage(resources, today, data, service.hooks[0]!.prefetch);
      const choice = policyForCall(service, { memberCoverage, resources, today });
      expect(choice.policy.id).toBe(LCD);
      const draftOrders = { resourceType: 'Bundle' as const, type: 'collection' as const, entry: orders.map((resource) => ({ resource })) };
      const { decision } = decideChart({ service, policy: choice.policy, orders: inScopeOrders(draftOrders, service), draftOrders: orders, resources, patientId: scenario.patientId, today, data });
      for (const expected of scenario.expected) {
        const unit = decision.units.find((u) => u.unit.orders.some((o) => o.id === expected.order))!;
        expect({ order: expected.order, outcome: unit.outcome }).toEqual({ order: expected.order, outcome: expected.outcome });
        expect(criteriaByStatus(unit.results, 'not-met')).toEqual([...(expected.notMet ?? [])].sort());
        expect(criteriaByStatus(unit.results, 'not-documented')).toEqual([...(expected.notDocumented ?? [])].sort());
        if (expected.suggestion) expect(unit.suggestions.map((s) => s.label).join('\n')).toContain(expected.suggestion);
      }
      expect(decision.notices.map((n) => n.id).sort()).toEqual([...scenario.notices].sort());
    });
  });

  describe('decided through HTTP, the chart in prefetch', () => {
    let runtime: Runtime;
    beforeAll(async () => {
      runtime = await testRuntime({ clock: () => new Date(`${library.catalog.referenceDate}T15:00:00Z`) });
    });
    afterAll(() => runtime.close());

    it.each(cases)('%s', async (_id, scenario: Scenario) => {
      const orders = library.orders(scenario);
      const body = hookRequest({ orders, prefetch: fullPrefetch(library.patientResources(scenario)), patientId: scenario.patientId });
      const res = await request(runtime.app).post(SERVICE_PATH).send(body);
      expect(res.status).toBe(200);
      expectValidCdsResponse(res.body);
      for (const expected of scenario.expected) {
        const action = res.body.systemActions.find((a: { resource: ServiceRequest }) => a.resource.id === expected.order);
        const info = action.resource.extension.find((e: { url: string }) => e.url === COVERAGE_INFORMATION_URL).extension as Array<Record<string, any>>;
        expect({ order: expected.order, covered: info.find((e) => e.url === 'covered')!.valueCode }).toEqual({ order: expected.order, covered: expected.outcome });
        expect(info.find((e) => e.url === 'reason')!.valueCodeableConcept.text).toMatch(/^LCD L38841 Facet Joint Interventions for Pain Management/);
        const card = decisionCardAbout<LinkedCard>(res.body, `ServiceRequest/${expected.order}`);
        if (expected.outcome === 'covered') expect(card).toBeUndefined();
        else expect(card!.detail).toMatch(/ under LCD L38841 /);
        if (expected.suggestion) expect(suggestionLabelsAbout(res.body, `ServiceRequest/${expected.order}`).join('\n')).toContain(expected.suggestion);
      }
    });
  });
});
