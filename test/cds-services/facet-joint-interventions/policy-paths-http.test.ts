import type { ServiceRequest } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import type { Runtime } from '../../../src/runtime';
import { SERVICE_PATH, fullPrefetch, hookRequest } from '../../helpers/builders';
import { REFERENCE_DATE } from '../../helpers/chart';
import { decisionCardAbout, expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { pathTables } from './paths/run';
import { buildChart } from './paths/scenario';

/**
 * The same policy paths through the HTTP interface: the chart in prefetch; keys a scenario marks failed
 * are left out of prefetch and the EHR's FHIR server (nock) answers 500 for them.
 */
const FHIR = 'http://127.0.0.1:8089/fhir';

describe('policy paths over HTTP', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime({ clock: () => new Date(`${REFERENCE_DATE}T15:00:00Z`) });
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') && !host.endsWith(':8089')); // supertest yes, the fake EHR no
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
    await runtime.close();
  });

  describe.each(pathTables)('%s', (_title, scenarios) => {
    it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      const { builder, orders } = buildChart(scenario);
      const failed = scenario.failedKeys ?? [];
      const prefetch = fullPrefetch(builder.resources, { omit: failed });
      for (const key of failed) {
        const type = { observations: 'Observation', conditions: 'Condition', procedures: 'Procedure', serviceRequests: 'ServiceRequest' }[key]!;
        nock(FHIR).get(`/${type}`).query(true).reply(500, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] });
      }
      const body = hookRequest({ orders, prefetch, ...(failed.length > 0 ? { fhirServer: FHIR, accessToken: 'token-abc' } : {}) });
      const res = await request(runtime.app).post(SERVICE_PATH).send(body);
      expect(res.status).toBe(200);
      expectValidCdsResponse(res.body);
      for (const [orderId, expected] of Object.entries(scenario.expect)) {
        const action = (res.body.systemActions ?? []).find((a: { resource: ServiceRequest }) => a.resource.id === orderId);
        const card = decisionCardAbout(res.body, `ServiceRequest/${orderId}`);
        // A member without active coverage: CRD resp-45, not covered (no-active-coverage) whatever the policy says.
        const noCoverage = scenario.notices?.includes('no-active-coverage') === true;
        if (action) {
          const info = action.resource.extension.find((e: { url: string }) => e.url === COVERAGE_INFORMATION_URL);
          expect({ orderId, covered: info.extension.find((e: { url: string }) => e.url === 'covered').valueCode }).toEqual({ orderId, covered: noCoverage ? 'not-covered' : expected.outcome });
          // CRD resp-12: coverage information saying "covered" needs no card repeating it.
          expect({ orderId, card: card !== undefined }).toEqual({ orderId, card: noCoverage || expected.outcome !== 'covered' });
        } else {
          expect(scenario.notices).toContain('no-active-coverage');
          expect(card).toBeDefined();
        }
      }
      expect(nock.pendingMocks()).toEqual([]);
    });
  });
});
