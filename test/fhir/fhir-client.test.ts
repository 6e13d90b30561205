import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nock from 'nock';
import { FhirClient, FhirFetchError, sameServer } from '../../src/fhir/fhir-client';
import { guardOutboundCalls } from './outbound-calls';

/** The EHR FHIR client (src/fhir/fhir-client.ts): reads, searches with paging, deadline, keep-alive, concurrency. */
const ORIGIN = 'https://ehr.example.test';
const access = { baseUrl: `${ORIGIN}/fhir`, accessToken: 'tok-1' };
const never = () => new AbortController().signal;

function client(options: Partial<ConstructorParameters<typeof FhirClient>[0]> = {}): FhirClient {
  return new FhirClient({ maxPages: 10, maxConcurrency: 8, ...options });
}

const bundle = (ids: string[], next?: string) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: ids.map((id) => ({ resource: { resourceType: 'Condition', id } })),
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
});

describe('FhirClient', () => {
  guardOutboundCalls();

  describe('read', () => {
    it('returns the resource, sending the token as Bearer and asking for FHIR JSON', async () => {
      nock(ORIGIN, { reqheaders: { authorization: 'Bearer tok-1', accept: /application\/fhir\+json/ } })
        .get('/fhir/Patient/p1')
        .reply(200, { resourceType: 'Patient', id: 'p1' });
      await expect(client().read(access, 'Patient/p1', never())).resolves.toEqual({ resourceType: 'Patient', id: 'p1' });
    });

    it.each([404, 410])('returns null when the server answers %i (no such resource)', async (status) => {
      nock(ORIGIN).get('/fhir/Patient/p1').reply(status);
      await expect(client().read(access, 'Patient/p1', never())).resolves.toBeNull();
    });

    it.each([
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [429, 'rate-limited'],
      [500, 'server-error'],
      [302, 'bad-response'],
    ])('turns a %i into a FhirFetchError "%s" and follows no redirect', async (status, failure) => {
      nock(ORIGIN).get('/fhir/Patient/p1').reply(status, '', status === 302 ? { Location: 'https://attacker.example/steal' } : {});
      await expect(client().read(access, 'Patient/p1', never())).rejects.toMatchObject({ name: 'FhirFetchError', failure, status });
    });

    it('refuses a body that is not JSON', async () => {
      nock(ORIGIN).get('/fhir/Patient/p1').reply(200, '<html>login</html>');
      await expect(client().read(access, 'Patient/p1', never())).rejects.toMatchObject({ failure: 'bad-response' });
    });

    it('gives up with "timeout" once the deadline signal has fired', async () => {
      nock(ORIGIN).get('/fhir/Patient/p1').reply(200, { resourceType: 'Patient', id: 'p1' });
      const error = await client()
        .read(access, 'Patient/p1', AbortSignal.abort())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FhirFetchError);
      expect(error).toMatchObject({ failure: 'timeout', message: 'the FHIR server did not answer before the deadline' });
    });
  });

  describe('search', () => {
    it('follows next links and returns every page', async () => {
      nock(ORIGIN).get('/fhir/Condition?patient=p1').reply(200, bundle(['c1'], `${ORIGIN}/fhir/Condition?page=2`));
      nock(ORIGIN, { reqheaders: { authorization: 'Bearer tok-1' } }).get('/fhir/Condition?page=2').reply(200, bundle(['c2']));
      const pages = await client().search(access, 'Condition?patient=p1', never());
      expect(pages.flatMap((p) => p.entry!.map((e) => e.resource!.id))).toEqual(['c1', 'c2']);
    });

    it('reads up to maxPages pages, and fails a search that has more rather than pass it off as complete', async () => {
      for (let i = 1; i <= 3; i++) nock(ORIGIN).get(`/fhir/Condition?page=${i}`).reply(200, bundle([`c${i}`], i < 3 ? `${ORIGIN}/fhir/Condition?page=${i + 1}` : undefined));
      expect(await client({ maxPages: 3 }).search(access, 'Condition?page=1', never())).toHaveLength(3);
      for (let i = 1; i <= 3; i++) nock(ORIGIN).get(`/fhir/Condition?page=${i}`).reply(200, bundle([`c${i}`], `${ORIGIN}/fhir/Condition?page=${i + 1}`));
      await expect(client({ maxPages: 3 }).search(access, 'Condition?page=1', never())).rejects.toMatchObject({ failure: 'paging-limit' });
    });

    it('refuses a next link that loops', async () => {
      nock(ORIGIN).get('/fhir/Condition?page=1').reply(200, bundle(['c1'], `${ORIGIN}/fhir/Condition?page=2`));
      nock(ORIGIN).get('/fhir/Condition?page=2').reply(200, bundle(['c2'], `${ORIGIN}/fhir/Condition?page=1`));
      await expect(client().search(access, 'Condition?page=1', never())).rejects.toMatchObject({ failure: 'paging-loop' });
    });

    it.each([
      ['another server', 'https://other.example.test/fhir/Condition?page=2'],
      ['another path on the same origin', `${ORIGIN}/fhir-other/Condition?page=2`],
    ])('does not take the token to a next link on %s', async (_what, next) => {
      nock(ORIGIN).get('/fhir/Condition?patient=p1').reply(200, bundle(['c1'], next));
      await expect(client().search(access, 'Condition?patient=p1', never())).rejects.toMatchObject({
        failure: 'bad-response',
        message: 'the FHIR server returned a next link to another server',
      });
    });

    it('refuses a search that answers something other than a Bundle', async () => {
      nock(ORIGIN).get('/fhir/Condition?patient=p1').reply(200, { resourceType: 'Condition', id: 'c1' });
      await expect(client().search(access, 'Condition?patient=p1', never())).rejects.toMatchObject({ failure: 'bad-response' });
    });
  });

  describe('sameServer', () => {
    it.each([
      ['https://ehr.example.test/fhir/Condition?page=2', 'https://ehr.example.test/fhir', true],
      ['https://ehr.example.test/fhir', 'https://ehr.example.test/fhir/', true],
      ['https://ehr.example.test/Condition?page=2', 'https://ehr.example.test', true],
      ['https://ehr.example.test/fhirx/Condition', 'https://ehr.example.test/fhir', false],
      ['https://ehr.example.test/other/Condition', 'https://ehr.example.test/fhir', false],
      ['http://ehr.example.test/fhir/Condition', 'https://ehr.example.test/fhir', false],
      ['https://ehr.example.test:8443/fhir/Condition', 'https://ehr.example.test/fhir', false],
      ['/fhir/Condition?page=2', 'https://ehr.example.test/fhir', false],
    ])('%s under %s: %s', (url, base, expected) => {
      expect(sameServer(url, base)).toBe(expected);
    });
  });

  describe('connections', () => {
    it('keeps connections alive: four sequential reads use one TCP connection', () => {
      const probe = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'keep-alive.probe.ts')], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
      expect(probe.stderr).toBe('');
      expect(JSON.parse(probe.stdout)).toEqual({ ids: ['a', 'b', 'c', 'd'], connections: 1 });
    });

    it('never has more requests in flight than maxConcurrency', async () => {
      let received = 0;
      let inFlight = 0;
      let maxInFlight = 0;
      const held: Array<() => void> = [];
      let twoArrived!: () => void;
      const arrivedTwo = new Promise<void>((resolve) => (twoArrived = resolve));
      const server = http.createServer((req, res) => {
        received++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        if (received === 2) twoArrived();
        const answer = () => {
          inFlight--;
          res.setHeader('Content-Type', 'application/fhir+json');
          res.end(JSON.stringify({ resourceType: 'Patient', id: req.url!.split('/').pop() }));
        };
        if (received <= 2) held.push(answer);
        else answer();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
        const c = client({ maxConcurrency: 2 });
        const reads = Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => c.read({ baseUrl }, `Patient/${id}`, never())));
        await arrivedTwo;
        // With both slots held, the other four wait in the client; let a few turns of the event loop pass to be sure.
        for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
        expect(received).toBe(2);
        held.forEach((answer) => answer());
        expect((await reads).map((r) => r?.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
        expect(maxInFlight).toBe(2);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
