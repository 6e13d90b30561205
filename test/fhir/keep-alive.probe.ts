/**
 * Run by fhir-client.test.ts in a child process (`node --import tsx`), away from nock, whose
 * interception in the jest process opens a new socket per request: four sequential reads through
 * one FhirClient against a local HTTP server; prints how many TCP connections the server accepted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FhirClient } from '../../src/fhir/fhir-client';

async function main(): Promise<void> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'application/fhir+json');
    res.end(JSON.stringify({ resourceType: 'Patient', id: req.url!.split('/').pop() }));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  const client = new FhirClient({ maxPages: 10, maxConcurrency: 8 });
  const ids: string[] = [];
  for (const id of ['a', 'b', 'c', 'd']) ids.push(((await client.read({ baseUrl }, `Patient/${id}`, new AbortController().signal)) as { id: string }).id);
  process.stdout.write(`${JSON.stringify({ ids, connections })}\n`);
  server.closeAllConnections();
  server.close();
}

void main();
