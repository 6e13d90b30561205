import type { ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import { COVERAGE_INFORMATION_URL } from '../../../src/cards/coverage-information';
import type { Runtime } from '../../../src/runtime';
import { SERVICE_PATH, fullPrefetch, hookRequest } from '../../helpers/builders';
import { REFERENCE_DATE } from '../../helpers/chart';
import { decisionCardAbout, expectValidCdsResponse } from '../../helpers/cds-response';
import { testRuntime } from '../../helpers/runtime';
import { buildChart } from '../facet-joint-interventions/paths/scenario';
import type { LcdPathScenario } from './paths/indications.paths';
import { pathTables } from './paths/run';

/** A decision card as these tests read it. */
type LinkedCard = { detail?: string; links?: Array<{ url: string }>; extension?: Record<string, unknown>; source?: { label: string; url?: string } };

/**
 * The LCD paths through the service's HTTP interface, the chart in prefetch: the member's coverage chooses the
 * policy, the coverage information records its outcome and names it, and the card cites it.
 */
describe('LCD L38841 paths over HTTP', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime({ clock: () => new Date(`${REFERENCE_DATE}T15:00:00Z`) });
  });
  afterAll(() => runtime.close());

  describe.each(pathTables)('%s', (_title, scenarios) => {
    it.each(scenarios.map((s) => [s.name, s as LcdPathScenario] as const))('%s', async (_name, scenario) => {
      const { builder, orders } = buildChart(scenario);
      const body = hookRequest({ orders, prefetch: fullPrefetch(builder.resources), extension: { 'davinci-crd.configuration': { 'meets-policy': true } } });
      const res = await request(runtime.app).post(SERVICE_PATH).send(body);
      expect(res.status).toBe(200);
      expectValidCdsResponse(res.body);
      const lcd = (scenario.policy ?? 'lcd-l38841-facet-joint-interventions') !== 'facet-joint-interventions';
      for (const [orderId, expected] of Object.entries(scenario.expect)) {
        const action = (res.body.systemActions ?? []).find((a: { resource: ServiceRequest }) => a.resource.id === orderId);
        const info = action.resource.extension.find((e: { url: string }) => e.url === COVERAGE_INFORMATION_URL).extension as Array<Record<string, any>>;
        expect({ orderId, covered: info.find((e) => e.url === 'covered')!.valueCode }).toEqual({ orderId, covered: expected.outcome });
        const reason = info.find((e) => e.url === 'reason')!.valueCodeableConcept.text as string;
        expect(reason.startsWith(lcd ? 'LCD L38841 Facet Joint Interventions for Pain Management' : 'CP.MP.171 Facet Joint Interventions')).toBe(true);
        const link = info.find((e) => e.url === 'detail')?.extension.find((e: { url: string }) => e.url === 'value').valueUrl;
        expect(link).toBe(lcd ? 'https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=38841' : 'https://www.centene.com/content/dam/centene/policies/clinical-policies/CP.MP.171.pdf');
        const card = decisionCardAbout<LinkedCard>(res.body, `ServiceRequest/${orderId}`)!;
        expect(card.detail).toMatch(lcd ? /^\*\*[^*]+\*\* [^\n]*Decided under LCD L38841 Facet Joint Interventions for Pain Management \(rev\. 07\/14\/2024\)\. Medicare member/ : /^\*\*[^*]+\*\* [^\n]*Decided under CP\.MP\.171 Facet Joint Interventions \(rev\. 05\/26\)\.\n/);
        // The source names the policy applied when it is not the service's own, and links that policy's document.
        expect(card.source).toMatchObject(lcd ? { label: 'Centene Health Plan · LCD L38841', url: 'https://www.cms.gov/medicare-coverage-database/view/lcd.aspx?lcdid=38841' } : { label: 'Centene Health Plan', url: 'https://www.centene.com/content/dam/centene/policies/clinical-policies/CP.MP.171.pdf' });
        // The data profile linked is the one of the policy applied.
        if (expected.outcome === 'conditional') expect((card.links ?? []).map((l) => new URL(l.url).pathname)).toContain(lcd ? '/docs/lcd-l38841-data-profile' : '/docs/data-profile');
      }
    });
  });
});
