import { MEETS_POLICY, fullPrefetch, hookRequest } from '../test/helpers/builders';
import { BENCH_PATIENT, benchChart, nonFacetOrder, type BenchChart } from './chart';

export const SERVICE_ID = 'facet-joint-interventions';
export const HOOK_PATH = `/cds-services/${SERVICE_ID}`;
export const BASELINE_PATH = `/bench/baseline/${SERVICE_ID}`;

/** One row of the table: a request body, sent both to the hook and to the baseline. */
export interface BenchCase {
  id: string;
  label: string;
  /** Resources in the prefetch. */
  resources: number;
  body: string;
  /** Checks the hook's answer once before the load, so the benchmark measures the real decision. */
  check(response: { cards: Array<{ summary: string }> }): string | undefined;
}

export const CHART_SIZES = [50, 500, 5000] as const;

const charts = new Map<number, BenchChart>();
export function chartOf(size: number): BenchChart {
  let chart = charts.get(size);
  if (!chart) charts.set(size, (chart = benchChart(size)));
  return chart;
}

/** The decision every facet chart must give: the second block is covered (the story is the same at every size). */
function expectCovered(response: { cards: Array<{ summary: string }> }): string | undefined {
  const summary = response.cards[0]?.summary ?? '(no card)';
  return summary.startsWith('Meets policy') ? undefined : `expected "Meets policy…", got "${summary}"`;
}

function expectNoCards(response: { cards: unknown[] }): string | undefined {
  return response.cards.length === 0 ? undefined : `expected no cards, got ${response.cards.length}`;
}

/** The rows: two no-facet requests (the early exit) and the facet order on each chart size. */
export function benchCases(): BenchCase[] {
  const mid = chartOf(500);
  // The EHR asks for the card on an order that meets the policy (meets-policy; off by default, CRD resp-12), so
  // the hook builds the card the baseline answers with, as it did before that option existed.
  const request = (orders: unknown[], prefetch?: Record<string, unknown>) =>
    JSON.stringify(hookRequest({ orders: orders as never, patientId: BENCH_PATIENT, ...(prefetch ? { prefetch } : {}), extension: MEETS_POLICY }));
  return [
    { id: 'no-facet', label: 'no facet order, no prefetch', resources: 0, body: request([nonFacetOrder()]), check: expectNoCards },
    {
      id: 'no-facet-500',
      label: `no facet order, ${mid.resources.length} in prefetch`,
      resources: mid.resources.length,
      body: request([nonFacetOrder()], fullPrefetch(mid.resources)),
      check: expectNoCards,
    },
    ...CHART_SIZES.map((size): BenchCase => {
      const chart = chartOf(size);
      return {
        id: `facet-${size}`,
        label: `facet order, ${chart.resources.length} in prefetch`,
        resources: chart.resources.length,
        body: request(chart.orders, fullPrefetch(chart.resources)),
        check: expectCovered,
      };
    }),
  ];
}

/** The fallback request: the facet order, no prefetch, the FHIR server to fetch everything from. */
export function fallbackBody(fhirServer: string): string {
  const chart = chartOf(50);
  return JSON.stringify(hookRequest({ orders: chart.orders, patientId: BENCH_PATIENT, fhirServer, accessToken: 'bench-token', extension: MEETS_POLICY }));
}
