import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FhirResource } from 'fhir/r4';

export interface FhirStub {
  /** Base URL, e.g. http://127.0.0.1:40123/fhir */
  baseUrl: string;
  /** Requests answered so far, and the most that were ever in flight at once. */
  stats(): { requests: number; maxInFlight: number };
  resetStats(): void;
  close(): Promise<void>;
}

/**
 * A FHIR server that answers every read and search after a fixed delay, on loopback: the stand-in for an
 * EHR's FHIR API when the hook has no prefetch. A read returns the resource; a search `Type?patient=...`
 * returns a searchset of the chart's resources of that type (search parameters other than the type are
 * not applied: the stub serves what the matching prefetch key would hold). Bodies are serialised once, so
 * the stub's own cost is the delay and nothing else. It counts how many requests overlap in time: with
 * one hook call at a time, that is how many FHIR queries the hook runs in parallel.
 */
export async function startFhirStub(resources: FhirResource[], delayMs: number): Promise<FhirStub> {
  const bodies = new Map<string, string>();
  const byType = new Map<string, FhirResource[]>();
  for (const r of resources) {
    bodies.set(`${r.resourceType}/${r.id}`, JSON.stringify(r));
    byType.set(r.resourceType, [...(byType.get(r.resourceType) ?? []), r]);
  }
  const searchBody = (type: string) => {
    const found = byType.get(type) ?? [];
    return JSON.stringify({ resourceType: 'Bundle', type: 'searchset', total: found.length, entry: found.map((resource) => ({ resource })) });
  };
  const searches = new Map<string, string>();

  let requests = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    requests++;
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    const url = new URL(req.url ?? '/', 'http://stub');
    const match = /^\/fhir\/([A-Za-z]+)(?:\/([A-Za-z0-9\-.]+))?$/.exec(url.pathname);
    let status = 404;
    let body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] });
    if (match && match[2]) {
      const found = bodies.get(`${match[1]}/${match[2]}`);
      if (found) [status, body] = [200, found];
    } else if (match) {
      if (!searches.has(match[1]!)) searches.set(match[1]!, searchBody(match[1]!));
      [status, body] = [200, searches.get(match[1]!)!];
    }
    setTimeout(() => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'application/fhir+json' });
      res.end(body);
    }, delayMs);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/fhir`,
    stats: () => ({ requests, maxInFlight }),
    resetStats: () => {
      requests = 0;
      maxInFlight = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
