import { MEETS_POLICY, fullPrefetch, hookRequest } from '../test/helpers/builders';
import { daysBefore, order } from '../test/helpers/chart';
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
  check(response: { cards: Array<{ summary: string; detail?: string }>; systemActions?: unknown[] }): string | undefined;
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

/** Characters of the large order text: the issue 12 request (~300 KB, one word repeated) that took 22 s. */
export const LARGE_ORDER_TEXT_CHARS = 300_000;
/** In-scope orders in the many-orders row: the declared maximum (limits.maxInScopeOrders). */
export const MANY_ORDERS = 50;

/** The rows: two no-facet requests (the early exit), the facet order on each chart size, and two bounded-work rows (issue 12). */
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
    ...boundedWorkCases(request),
  ];
}

/**
 * Issue 12's hostile requests, at their bounds: the facet order with a ~300 KB note (read up to the
 * declared characters per field, the rest said on the card), and the most in-scope orders a request may
 * carry (each a level of one procedure: every criterion's evidence cites every order), on the 50-resource chart.
 */
function boundedWorkCases(request: (orders: unknown[], prefetch?: Record<string, unknown>) => string): BenchCase[] {
  const small = chartOf(50);
  const [first, second] = small.orders;
  const note = 'facet '.repeat(Math.ceil(LARGE_ORDER_TEXT_CHARS / 6)).slice(0, LARGE_ORDER_TEXT_CHARS);
  const longText = [{ ...first!, note: [...(first!.note ?? []), { text: note }] }, second!];
  const many = Array.from({ length: MANY_ORDERS }, (_, i) => order(`bench-many-${i}`, i === 0 ? '64493' : '64494', { patientId: BENCH_PATIENT, levels: ['L4-L5'], date: daysBefore(-7) }));
  return [
    {
      id: 'order-text',
      label: `facet order with a ${Math.round(LARGE_ORDER_TEXT_CHARS / 1000)} KB note, ${small.resources.length} in prefetch`,
      resources: small.resources.length,
      body: request(longText, fullPrefetch(small.resources)),
      check: (response) => expectCovered(response) ?? (response.cards[0]?.detail?.includes('Text not read') ? undefined : 'expected the card to say the note was not read past the bound'),
    },
    {
      id: 'orders-50',
      label: `${MANY_ORDERS} in-scope orders (the maximum), ${small.resources.length} in prefetch`,
      resources: small.resources.length,
      body: request(many, fullPrefetch(small.resources)),
      check: (response) => (response.systemActions?.length === MANY_ORDERS ? undefined : `expected ${MANY_ORDERS} coverage-information actions, got ${response.systemActions?.length ?? 0}`),
    },
  ];
}

/** The fallback request: the facet order, no prefetch, the FHIR server to fetch everything from. */
export function fallbackBody(fhirServer: string): string {
  const chart = chartOf(50);
  return JSON.stringify(hookRequest({ orders: chart.orders, patientId: BENCH_PATIENT, fhirServer, accessToken: 'bench-token', extension: MEETS_POLICY }));
}
