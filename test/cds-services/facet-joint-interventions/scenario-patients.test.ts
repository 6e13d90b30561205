import fs from 'node:fs';
import path from 'node:path';
import type { ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import { inScopeOrders } from '../../../src/cds/relevance';
import { decideChart } from '../../../src/decision/decide-chart';
import { loadServices } from '../../../src/declarations/load';
import type { Runtime } from '../../../src/runtime';
import { ScenarioLibrary, type Scenario } from '../../../src/scenarios/catalog';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import { renderScenarios, SCENARIO_DIR } from '../../../scripts/generate-scenarios';
import { SERVICE_PATH, fullPrefetch, hookRequest } from '../../helpers/builders';
import { decisionCardAbout, expectValidCdsResponse, suggestionLabelsAbout } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { dataStatus } from './paths/scenario';

/**
 * The scenario patients shipped with the declaration (one per pathway and outcome): each decided as a pure
 * function, and again through the HTTP interface with the chart in prefetch.
 */
const library = ScenarioLibrary.forService('facet-joint-interventions')!;
const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
const cases = library.scenarios.map((s) => [s.id, s] as const);

function criteriaByStatus(results: Array<{ id: string; status: string }>, status: string): string[] {
  return results.filter((r) => r.status === status).map((r) => r.id).sort();
}

describe('scenario patients (cds-services/facet-joint-interventions/scenarios)', () => {
  it('ship at least 12 patients covering every outcome and pathway', () => {
    expect(library.scenarios.length).toBeGreaterThanOrEqual(12);
    const outcomes = new Set(library.scenarios.flatMap((s) => s.expected.map((e) => e.outcome)));
    expect([...outcomes].sort()).toEqual(['conditional', 'covered', 'not-covered']);
    const codes = new Set(library.scenarios.flatMap((s) => s.orders.flatMap((o) => o.code?.coding?.map((c) => c.code) ?? [])));
    for (const code of ['64490', '64493', '64494', '64495', '64635', '64636', '0216T', '64999']) expect(codes).toContain(code);
  });

  it('are exactly what scripts/generate-scenarios.ts writes (regenerate with npm run scenarios:generate)', () => {
    for (const [file, content] of renderScenarios()) {
      expect({ file, content: fs.readFileSync(path.join(SCENARIO_DIR, file), 'utf8') }).toEqual({ file, content });
    }
  });

  it.each(cases)('%s: each patient bundle is a valid transaction of resources about that patient', (_id, scenario) => {
    const bundle = library.patientBundle(scenario);
    expect(bundle.type).toBe('transaction');
    for (const entry of bundle.entry ?? []) {
      expect(entry.request).toEqual({ method: 'PUT', url: `${entry.resource!.resourceType}/${entry.resource!.id}` });
      const subject = (entry.resource as { subject?: { reference: string }; patient?: { reference: string }; beneficiary?: { reference: string } });
      const ref = subject.subject?.reference ?? subject.patient?.reference ?? subject.beneficiary?.reference;
      if (entry.resource!.resourceType !== 'Patient') expect(ref).toBe(`Patient/${scenario.patientId}`);
    }
  });

  describe('decided without HTTP', () => {
    it.each(cases)('%s', (_id, scenario) => {
      const orders = library.orders(scenario);
      const draftOrders = { resourceType: 'Bundle' as const, type: 'collection' as const, entry: orders.map((resource) => ({ resource })) };
      const { decision } = decideChart({
        service,
        orders: inScopeOrders(draftOrders, service),
        draftOrders: orders,
        resources: library.patientResources(scenario),
        patientId: scenario.patientId,
        today: library.catalog.referenceDate,
        data: dataStatus(),
      });
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
        const info = action.resource.extension.find((e: { url: string }) => e.url === COVERAGE_INFORMATION_URL);
        expect({ order: expected.order, covered: info.extension.find((e: { url: string }) => e.url === 'covered').valueCode }).toEqual({ order: expected.order, covered: expected.outcome });
        const card = decisionCardAbout(res.body, `ServiceRequest/${expected.order}`);
        // CRD resp-12: an order the coverage information records as covered gets no card repeating it.
        if (expected.outcome === 'covered') expect(card).toBeUndefined();
        else expect(card!.indicator).toBe(expected.outcome === 'not-covered' ? 'warning' : 'info');
        if (expected.suggestion) expect(suggestionLabelsAbout(res.body, `ServiceRequest/${expected.order}`).join('\n')).toContain(expected.suggestion);
      }
    });
  });
});
