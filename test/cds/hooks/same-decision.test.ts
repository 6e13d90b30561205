import type { Extension, FhirResource, ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import { readOrders } from '../../../src/audit/record-reading';
import { loadServices } from '../../../src/declarations/load';
import type { Runtime } from '../../../src/runtime';
import type { DecisionRecord } from '../../../src/store/types';
import { ScenarioLibrary } from '../../../src/scenarios/catalog';
import { scenarioHookRequest } from '../../../scripts/lib/scenarios';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';

/**
 * Issue 17, done when: an order-select, an order-dispatch and an appointment-book request for a facet
 * procedure each get the decision order-sign gives for the same procedure and chart. Each scenario
 * patient's orders and chart are sent through every hook, as the test page's hook selector sends them;
 * the decision record of each call is compared with order-sign's, order by order: outcome, and every
 * criterion with its status. The CRD primary hooks also record it as coverage information.
 */
const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
/** Its scenario patients and the Medicare members it decides under the LCD (issue 16). */
const library = ScenarioLibrary.forServiceAndPolicies(service)!;
const today = library.catalog.referenceDate;
const HOOK_PATHS: Record<string, string> = Object.fromEntries(service.hooks.map((h) => [h.hook.name, `/cds-services/${h.id}`]));

/** Every scenario patient whose orders the three other hooks can carry (all of them). */
const cases = library.scenarios.map((s) => [s.id, s] as const);

interface OrderDecision {
  order: string;
  outcome: string;
  criteria: Record<string, string>;
}

describe('every hook decides as order-sign does, for the same procedure and chart', () => {
  let runtime: Runtime;
  const recorded: DecisionRecord[] = [];
  beforeAll(async () => {
    runtime = await testRuntime({ clock: () => new Date(`${today}T15:00:00Z`) });
    const record = runtime.deps.decisionLog.record.bind(runtime.deps.decisionLog);
    jest.spyOn(runtime.deps.decisionLog, 'record').mockImplementation((r) => {
      recorded.push(r);
      return record(r);
    });
  });
  afterAll(() => runtime.close());

  async function decide(hook: string, scenarioId: string): Promise<{ body: any; decisions: OrderDecision[] }> {
    const scenario = library.find(scenarioId)!;
    const body = scenarioHookRequest(hook, service, library, scenario, today);
    const res = await request(runtime.app).post(HOOK_PATHS[hook]!).send(body);
    expect({ hook, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ hook, status: 200, body: undefined });
    expectValidCdsResponse(res.body);
    const record = recorded.find((r) => r.hookInstance === body.hookInstance)!;
    expect(record.hook).toBe(hook);
    const decisions = readOrders(record)
      .map(({ order: o, criteria }) => ({ order: o.orderRef, outcome: o.outcome, criteria: Object.fromEntries(criteria.map((c) => [c.id, c.status])) }))
      .sort((a, b) => a.order.localeCompare(b.order));
    return { body: res.body, decisions };
  }

  it.each(cases)('%s', async (id, scenario) => {
    const sign = await decide('order-sign', id);
    expect(sign.decisions.map((d) => d.outcome).sort()).toEqual(scenario.expected.map((e) => e.outcome).sort());
    for (const hook of ['order-select', 'order-dispatch', 'appointment-book']) {
      const other = await decide(hook, id);
      expect({ hook, decisions: other.decisions }).toEqual({ hook, decisions: sign.decisions });
      const recorded = coverageByOrder(other.body.systemActions ?? [], library.orders(scenario, today));
      if (hook === 'order-select') {
        // A secondary hook: cards only, unless the client asks for coverage information.
        expect(other.body.systemActions).toBeUndefined();
        continue;
      }
      for (const d of other.decisions) expect({ hook, order: d.order, covered: recorded[d.order] }).toEqual({ hook, order: d.order, covered: d.outcome });
    }
  });
});

/**
 * The covered code recorded per order: on the order itself, or on the Appointment booked on it (basedOn),
 * in the repetition whose billing codes are the order's.
 */
function coverageByOrder(actions: Array<{ resource: FhirResource & { extension?: Extension[]; basedOn?: Array<{ reference: string }> } }>, orders: ServiceRequest[]): Record<string, string> {
  const byOrder: Record<string, string> = {};
  const covered = (e: Extension) => e.extension!.find((x) => x.url === 'covered')!.valueCode!;
  const billed = (e: Extension) => e.extension!.filter((x) => x.url === 'billingCode').map((x) => x.valueCoding!.code!);
  for (const { resource } of actions) {
    const info = (resource.extension ?? []).filter((e) => e.url === COVERAGE_INFORMATION_URL);
    if (resource.resourceType === 'ServiceRequest') byOrder[`ServiceRequest/${resource.id}`] = covered(info[0]!);
    for (const ref of resource.resourceType === 'Appointment' ? (resource.basedOn ?? []) : []) {
      const codes = orders.find((o) => `ServiceRequest/${o.id}` === ref.reference)?.code?.coding?.map((c) => c.code!) ?? [];
      const repetition = info.find((e) => billed(e).some((c) => codes.includes(c)));
      if (repetition) byOrder[ref.reference] = covered(repetition);
    }
  }
  return byOrder;
}
