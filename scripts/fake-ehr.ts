import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FhirResource } from 'fhir/r4';
import { realisticChart } from './realistic-chart';

/**
 * A loopback FHIR server answering the facet service's prefetch queries from realistic charts: a read of
 * Patient/{id} and `{Type}?patient={id}...` searches, one chart per patient id `soak-<variant>`. It checks
 * the bearer token it was given, like an EHR would. For the soak script; never listens beyond 127.0.0.1.
 */
export interface FakeEhr {
  baseUrl: string;
  /** Requests served, by HTTP status. */
  served: Record<number, number>;
  close(): Promise<void>;
}

export async function startFakeEhr(options: { today: string; accessToken: string }): Promise<FakeEhr> {
  const charts = new Map<string, FhirResource[]>();
  const chartFor = (patientId: string) => {
    let chart = charts.get(patientId);
    if (!chart) {
      const variant = Number(/^soak-(\d+)$/.exec(patientId)?.[1] ?? '0');
      chart = realisticChart({ patientId, today: options.today, variant });
      charts.set(patientId, chart);
    }
    return chart;
  };
  const served: Record<number, number> = {};
  const server = http.createServer((req, res) => {
    const answer = (status: number, body: unknown) => {
      served[status] = (served[status] ?? 0) + 1;
      res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${options.accessToken}`) return answer(401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const read = /^\/fhir\/Patient\/([A-Za-z0-9.-]+)$/.exec(url.pathname);
    if (read) return answer(200, chartFor(read[1]!)[0]);
    const search = /^\/fhir\/([A-Z][A-Za-z]+)$/.exec(url.pathname);
    const patientId = url.searchParams.get('patient');
    if (!search || !patientId) return answer(404, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-supported' }] });
    const type = search[1]!;
    const matches = chartFor(patientId).filter((r) => r.resourceType === type);
    return answer(200, { resourceType: 'Bundle', type: 'searchset', total: matches.length, entry: matches.map((resource) => ({ resource })) });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
