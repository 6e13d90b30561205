import { getMaxListeners } from 'node:events';
import request from 'supertest';
import { realisticHookRequest } from '../../scripts/realistic-chart';
import { loadServices } from '../../src/declarations/load';
import type { LoadedService } from '../../src/declarations/types';
import type { PolicyModule } from '../../src/decision/types';
import type { FhirClient } from '../../src/fhir/fhir-client';
import { gatherChart } from '../../src/fhir/gather';
import type { HookRequest } from '../../src/cds/types';
import { SERVICE_PATH } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { capturingLogger, testRuntime } from '../helpers/runtime';
import { PATIENT_ID, TODAY } from './arbitraries';
import { CallByteBudget, ProcessBytes } from '../../src/fhir/byte-budget';

/** Each bug the fuzz tests found in the engine, pinned by its smallest input. */

const realistic = (variant = 0) => realisticHookRequest({ patientId: PATIENT_ID, today: TODAY, hookInstance: `regression-${variant}`, variant });
type Body = { context: { draftOrders: { entry: Array<{ resource: Record<string, unknown> }> } }; prefetch: Record<string, any> };

describe('found by fuzzing', () => {
  it('a draft order with empty elements: returned as sent in its coverage information, left out of the orders the service builds', async () => {
    const runtime = await testRuntime();
    try {
      const body = realistic() as unknown as Body;
      Object.assign(body.context.draftOrders.entry[0]!.resource, { orderDetail: [], subject: {}, note: [{ text: '' }], reasonCode: [] });
      const res = await request(runtime.app).post(SERVICE_PATH).send(body);
      expect(res.status).toBe(200);
      expectValidCdsResponse(res.body);
      // CRD §resp-37: the order comes back as the client sent it, only coverage information added.
      const { extension, ...echoed } = res.body.systemActions[0].resource;
      expect(echoed).toEqual(body.context.draftOrders.entry[0]!.resource);
      expect(extension.map((e: { url: string }) => e.url)).toEqual(['http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information']);

      // counterexample: a suggestion's replacement order echoed reasonCode: []
      const suggested = realistic() as unknown as Body;
      suggested.context.draftOrders.entry = [{ resource: { resourceType: 'ServiceRequest', id: 'a', code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64490' }] }, reasonCode: [] } }];
      suggested.prefetch.procedures = null;
      const withSuggestions = await request(runtime.app).post(SERVICE_PATH).send(suggested);
      expect(withSuggestions.status).toBe(200);
      expect(withSuggestions.body.cards.some((c: { suggestions?: unknown[] }) => (c.suggestions?.length ?? 0) > 0)).toBe(true);
      expectValidCdsResponse(withSuggestions.body);
    } finally {
      await runtime.close();
    }
  });

  describe('a policy module that throws on odd data does not fail the order signing (200, "could not be checked")', () => {
    const facet = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
    // The service's own policy (the one a member without Medicare coverage is decided under), its module overridden.
    const withPolicy = (override: Partial<PolicyModule<unknown>>): LoadedService => {
      const policy = { ...facet.policy, module: { ...facet.policy.module, ...override } } as LoadedService['policy'];
      return { ...facet, policy, selection: { ...facet.selection, default: policy }, policies: [policy, ...facet.policies.slice(1)] };
    };
    const boom = () => {
      throw new TypeError('(duration.code ?? duration.unit ?? "d").toLowerCase is not a function');
    };

    it.each(['coverage', 'prepare'] as const)('when %s throws: one "could not be checked" card per order, no coverage information, logged loudly', async (step) => {
      const { logger, lines } = capturingLogger();
      const runtime = await testRuntime({ logger, services: [withPolicy({ [step]: boom })] });
      try {
        const res = await request(runtime.app).post(SERVICE_PATH).send(realistic());
        expect(res.status).toBe(200);
        expectValidCdsResponse(res.body);
        expect(res.body.cards).toHaveLength(1);
        expect(res.body.cards[0].summary).toBe('Could not be checked: part of the record could not be read. Check the policy directly');
        expect(res.body.cards[0].extension['davinci-crd.associated-resource']).toEqual([{ reference: 'ServiceRequest/order-0' }]);
        expect(res.body.systemActions).toBeUndefined();
        const failure = lines.map((l) => JSON.parse(l)).find((l) => l.msg.startsWith('policy module failed'));
        expect(failure).toMatchObject({ level: 50, step, err: { message: expect.stringContaining('toLowerCase is not a function') } });
        await runtime.deps.decisionLog.flush();
        const [record] = await runtime.deps.store.listDecisions(new Date(0), new Date('2100-01-01'));
        expect(record?.orders).toEqual([expect.objectContaining({ orderRef: 'ServiceRequest/order-0', outcome: 'indeterminate', unitId: 'undecided-0' })]);
        expect(record?.units).toEqual([expect.objectContaining({ id: 'undecided-0', outcome: 'indeterminate', criteria: [] })]);
      } finally {
        await runtime.close();
      }
    });

    it('when suggest or notices throw: the decision stands without them', async () => {
      const { logger, lines } = capturingLogger();
      const runtime = await testRuntime({ logger, services: [withPolicy({ suggest: boom, notices: boom })] });
      try {
        const res = await request(runtime.app).post(SERVICE_PATH).send({ ...realistic(), extension: { 'davinci-crd.configuration': { 'meets-policy': true } } });
        expect(res.status).toBe(200);
        expectValidCdsResponse(res.body);
        expect(res.body.cards[0].summary).toMatch(/^Meets policy/);
        const failed = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50).map((l) => l.msg);
        expect(failed).toEqual(expect.arrayContaining(['policy suggest failed; left out', 'policy notices failed; left out']));
      } finally {
        await runtime.close();
      }
    });

    it("when a criterion's appliesTo throws: it is shown as not evaluated", async () => {
      const criteria = facet!.definition.policy.criteria.map((c, i) => (i === 0 ? { ...c, appliesTo: boom } : c));
      const runtime = await testRuntime({ services: [withPolicy({ criteria })] });
      try {
        const res = await request(runtime.app).post(SERVICE_PATH).send(realistic());
        expect(res.status).toBe(200);
        expectValidCdsResponse(res.body);
        expect(res.body.cards[0].detail).toContain(`Could not be evaluated (internal error) — ${criteria[0]!.title}`);
        expect(res.body.cards[0].summary).toBe('Could not be checked: the record could not be evaluated'); // not "EHR data could not be retrieved": nothing failed to arrive
      } finally {
        await runtime.close();
      }
    });
  });

  it('the deadline signal shared by every fetch of a request allows as many listeners as there are fetches', async () => {
    const facet = loadServices().find((s) => s.id === 'facet-joint-interventions');
    const deadline = AbortSignal.timeout(5000);
    const seen: number[] = [];
    const client = {
      read: async (_a: unknown, _u: string, signal: AbortSignal) => (seen.push(getMaxListeners(signal)), null),
      search: async (_a: unknown, _u: string, signal: AbortSignal) => (seen.push(getMaxListeners(signal)), []),
      continueBundle: async () => [],
      callBudget: () => new CallByteBudget(1 << 30, new ProcessBytes(1 << 30)),
    } as unknown as FhirClient;
    const request = { hook: 'order-sign', hookInstance: 'h', context: { userId: 'Practitioner/1', patientId: PATIENT_ID, draftOrders: { resourceType: 'Bundle' } } } as unknown as HookRequest;
    await gatherChart({ request, service: facet!, client, access: { baseUrl: 'http://127.0.0.1/fhir' }, deadline });
    const keys = Object.keys(facet!.definition.service.prefetch).length;
    expect(seen).toHaveLength(keys);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(2 * keys); // a waiter on the concurrency limit and the request itself
  });
});
