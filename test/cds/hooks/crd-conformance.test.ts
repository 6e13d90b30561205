import type { FhirResource, ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import { loadServices } from '../../../src/declarations/load';
import type { Runtime } from '../../../src/runtime';
import { ScenarioLibrary } from '../../../src/scenarios/catalog';
import type { DecisionRecord } from '../../../src/store/types';
import { scenarioHookRequest } from '../../../scripts/lib/scenarios';
import { expectValidCdsResponse } from '../../helpers/cds-response';
import { coverageInformationOf, documentedMisfires, failedInvariants, structureProblems, topicSystem, type CrdLine } from '../../helpers/crd-coverage-information';
import { testRuntime } from '../../helpers/runtime';

/**
 * Da Vinci CRD conformance of what every hook answers, for every scenario patient, in each CRD version
 * (asked for in `davinci-crd.requestedVersion`, or not: the newest). The requirement ids are CRD 2.2.1's
 * (README "CRD versions", "Hooks"); the card rules of CDS Hooks 2.0.1 are checked on every answer
 * (expectValidCdsResponse).
 */
const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
/** Its scenario patients and the Medicare members it decides under the LCD (issue 16). */
const library = ScenarioLibrary.forServiceAndPolicies(service)!;
const today = library.catalog.referenceDate;
const PATHS: Record<string, string> = Object.fromEntries(service.hooks.map((h) => [h.hook.name, `/cds-services/${h.id}`]));
const PRIMARY = ['order-sign', 'order-dispatch', 'appointment-book'] as const;
const VERSIONS: Array<CrdLine | undefined> = ['2.0', '2.2', undefined];

const cases = library.scenarios.flatMap((s) => VERSIONS.map((v) => [s.id, v ?? 'none asked (→ 2.2)', v] as const));

/** What the checks met, so that a change that stops producing a shape does not pass unnoticed. */
const seen = { coverageInformation: 0, alternateRequest: 0, respar1: 0, additionalOrders: 0, versions: new Set<string>() };

interface Card {
  summary: string;
  source: { topic: { system: string; code: string } };
  selectionBehavior?: string;
  suggestions?: Array<{ label: string; actions?: Array<{ type: string; resource?: FhirResource; resourceId?: string[] }> }>;
  extension?: Record<string, unknown>;
}

describe('CRD conformance of every hook, in each CRD version', () => {
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

  async function call(hook: string, scenarioId: string, extension: Record<string, unknown>) {
    const scenario = library.find(scenarioId)!;
    const body = { ...scenarioHookRequest(hook, service, library, scenario, today), extension } as Record<string, any>;
    const res = await request(runtime.app).post(PATHS[hook]!).send(body);
    expect({ hook, status: res.status, body: res.status === 200 ? undefined : res.body }).toEqual({ hook, status: 200, body: undefined });
    expectValidCdsResponse(res.body);
    const record = recorded.find((r) => r.hookInstance === body.hookInstance && r.hook === hook)!;
    recorded.splice(recorded.indexOf(record), 1);
    return { request: body, body: res.body as { cards: Card[]; systemActions?: Array<{ type: string; resource: FhirResource }> }, record };
  }

  it.each(cases)('%s, CRD version %s', async (id, _label, requested) => {
    const answered: CrdLine = requested ?? '2.2';
    const versionAsked = requested ? { 'davinci-crd.requestedVersion': requested } : {};
    const scenario = library.find(id)!;
    const drafts = new Set(library.orders(scenario, today).map((o: ServiceRequest) => `ServiceRequest/${o.id}`));

    for (const hook of PRIMARY) {
      const { body, record } = await call(hook, id, versionAsked);
      const where = `${hook} ${id} ${answered}`;
      const info = coverageInformationOf(body);

      // hook-16 (hook-26 appointment-book, hook-33 order-dispatch, hook-39 order-sign): every decided order's
      // coverage information, on the order, or on the Appointment booking it; and on nothing else.
      const targets = new Set(record.orders.flatMap((o) => o.recordedOn ?? [o.orderRef]));
      expect({ where, on: [...new Set(info.map((i) => i.on))].sort() }).toEqual({ where, on: [...targets].sort() });
      // resp-37: a system action is an update of the client's resource, adding only coverage information.
      for (const action of body.systemActions ?? []) expect({ where, type: action.type }).toEqual({ where, type: 'update' });

      // The answered version's structure and invariants (crd-ci-q1…), evaluated on the IG's expressions.
      for (const { on, extension } of info) {
        seen.coverageInformation++;
        seen.versions.add(answered);
        expect({ where, on, problems: structureProblems(extension, answered) }).toEqual({ where, on, problems: [] });
        expect({ where, on, failed: failedInvariants(extension, answered) }).toEqual({ where, on, failed: documentedMisfires(extension, answered) });
      }

      // resp-5: card types in the answered version's code system.
      for (const card of body.cards) expect({ where, system: card.source.topic.system }).toEqual({ where, system: topicSystem(answered) });
      // resp-25: coverage information is never a card: cards carry no coverage-information extension.
      for (const card of body.cards) expect(JSON.stringify(card)).not.toContain(COVERAGE_INFORMATION_URL);
      // resp-12: an order its coverage information records as covered gets no card repeating it (meets-policy off).
      // An Appointment booking several lines is covered only when every line it books is (LCD S3 decides per line).
      const targetOutcomes = record.orders.flatMap((o) => (o.recordedOn ?? [o.orderRef]).map((on) => ({ on, covered: o.outcome === 'covered' })));
      const coveredTargets = [...new Set(targetOutcomes.map((t) => t.on))].filter((on) => targetOutcomes.every((t) => t.on !== on || t.covered));
      for (const card of body.cards) {
        const about = ((card.extension?.['davinci-crd.associated-resource'] as Array<{ reference: string }> | undefined) ?? []).map((r) => r.reference);
        expect({ where, card: card.summary, aboutCovered: about.filter((r) => coveredTargets.includes(r)) }).toEqual({ where, card: card.summary, aboutCovered: [] });
      }

      // Alternate Request and Additional Orders act on proposed orders: order-dispatch and appointment-book
      // (signed orders, booked appointments) get none; order-sign gets them in CRD's shapes.
      if (hook !== 'order-sign') expect({ where, suggestions: body.cards.filter((c) => c.suggestions) }).toEqual({ where, suggestions: [] });
      for (const card of body.cards) checkResponseType(card, drafts, where);
    }

    // order-select, a secondary hook, asked for coverage information: none asking for documentation (hook-19),
    // only on the selected orders (hook-34), in the answered version.
    const { request: select, body } = await call('order-select', id, { ...versionAsked, 'davinci-crd.configuration': { 'coverage-info': true } });
    const selected = new Set(select.context.selections as string[]);
    for (const { on, extension } of coverageInformationOf(body)) {
      expect(selected.has(on)).toBe(true);
      expect(extension.extension!.map((e) => e.url)).not.toContain('doc-needed');
      expect(structureProblems(extension, answered)).toEqual([]);
      expect(failedInvariants(extension, answered)).toEqual(documentedMisfires(extension, answered));
    }
  });

  it('met every shape it checks: coverage information in both versions, Alternate Requests (crd-respar-1 included) and Additional Orders', () => {
    expect(seen.coverageInformation).toBeGreaterThan(100);
    expect([...seen.versions].sort()).toEqual(['2.0', '2.2']);
    expect(seen.alternateRequest).toBeGreaterThan(0);
    expect(seen.respar1).toBeGreaterThan(0);
    expect(seen.additionalOrders).toBeGreaterThan(0);
  });
});

/**
 * Suggestions in CRD's response types (cards.md), each acting on the session's draft orders only:
 * - Propose Alternate Request (§resp-53): the proposed order revised (`update`s) or replaced (`delete`s and
 *   `create`s); for a procedure on one order line exactly crd-respar-1: one `update`, or one `delete` and
 *   one `create` (a procedure on several lines is revised or replaced line by line);
 * - Identify Additional Orders (§resp-57): `create`s only;
 * - anything else (cancelling an order) is a plain CDS Hooks suggestion.
 * A card holds suggestions of one type only: the decision card its plain ones, an alternatives card
 * Alternate Requests (choose at most one), a companion card Additional Orders.
 */
function checkResponseType(card: Card, drafts: Set<string>, where: string): void {
  const types = (card.suggestions ?? []).map((s) => {
    const actions = s.actions ?? [];
    const count = (type: string) => actions.filter((a) => a.type === type).length;
    const shape = { where, card: card.summary, suggestion: s.label };
    const touched = new Set([
      ...actions.filter((a) => a.type === 'update').map((a) => `ServiceRequest/${a.resource!.id}`),
      ...actions.filter((a) => a.type === 'delete').flatMap((a) => a.resourceId ?? []),
    ]);
    expect({ ...shape, notDrafts: [...touched].filter((r) => !drafts.has(r)) }).toEqual({ ...shape, notDrafts: [] });
    if (actions.length > 0 && count('create') === actions.length) {
      seen.additionalOrders++;
      return 'additional-orders';
    }
    const alternate = actions.length > 0 && (count('update') === actions.length || (count('update') === 0 && count('delete') > 0 && count('create') > 0));
    if (!alternate) return 'other';
    if (touched.size === 1) {
      const respar1 = (actions.length === 1 && count('update') === 1) || (actions.length === 2 && count('create') === 1 && count('delete') === 1);
      expect({ ...shape, respar1 }).toEqual({ ...shape, respar1: true });
      seen.respar1++;
    }
    seen.alternateRequest++;
    return 'alternate-request';
  });
  expect({ where, card: card.summary, types: [...new Set(types)].length <= 1 }).toEqual({ where, card: card.summary, types: true });
  if (types[0] === 'alternate-request') expect(card.selectionBehavior).toBe('at-most-one');
}
