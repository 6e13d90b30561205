import axios from 'axios';
import express from 'express';
import type { Condition, Patient } from 'fhir/r4';
import { main } from '../../scripts/load-patients';
import { startEmbeddedFhirServer, type EmbeddedFhirServer } from '../../scripts/lib/embedded-fhir-server';
import { scenarioLibrary } from '../../scripts/lib/scenarios';
import { memoryOutput } from '../../scripts/lib/terminal';
import { listen } from '../helpers/listen';

const library = scenarioLibrary();
const ANSI = /\u001b\[/;

/** A stand-in FHIR server that answers every call with one fixed response, recording what it was sent. */
async function fixedServer(status: number, body: unknown) {
  const seen: Array<{ method: string; path: string; authorization?: string }> = [];
  const app = express();
  app.all('/{*rest}', (req, res) => {
    seen.push({ method: req.method, path: req.path, authorization: req.get('authorization') });
    res.status(status).type('application/fhir+json').send(JSON.stringify(body));
  });
  const server = await listen(app);
  return { ...server, seen };
}

describe('npm run load-patients (scripts/load-patients.ts)', () => {
  let fhir: EmbeddedFhirServer;
  beforeAll(async () => {
    fhir = await startEmbeddedFhirServer();
  }, 60_000);
  afterAll(() => fhir?.close());

  it('loads every scenario patient and reports, per patient, what it sent and what the server answered', async () => {
    const io = memoryOutput();
    const code = await main(['--fhir-server', `${fhir.baseUrl}/`], io);
    const text = io.text();
    expect({ code, err: io.errText() }).toEqual({ code: 0, err: '' });
    for (const scenario of library.scenarios) {
      const bundle = library.patientBundle(scenario);
      expect(text).toContain(`✓ ${scenario.id}  Patient/${scenario.patientId}`);
      expect(text).toContain(`sent ${bundle.entry!.length} resources: Patient 1, Coverage 1`);
    }
    expect(text).toMatch(/server: HTTP 200 transaction-response, 19 entries: 19 stored \(200\)/);
    expect(text).toContain(`Loaded ${library.scenarios.length} of ${library.scenarios.length} patients`);
    expect(text).toContain('Server: facet-cds embedded FHIR server');
    expect(text).not.toMatch(ANSI); // not a terminal: no colour codes
  });

  it('moves dates to the given day by default (birth dates stay), and keeps them as written with --reference-dates', async () => {
    const scenario = library.find('facet-05-ultrasound-guided')!;
    const entries = library.patientBundle(scenario).entry!.map((e) => e.resource!);
    const writtenPatient = entries.find((r) => r.resourceType === 'Patient') as Patient;
    const writtenCondition = entries.find((r) => r.resourceType === 'Condition') as Condition;
    const read = async () => ({
      patient: (await axios.get(`${fhir.baseUrl}/Patient/${scenario.patientId}`)).data as Patient,
      condition: (await axios.get(`${fhir.baseUrl}/Condition/${writtenCondition.id}`)).data as Condition,
    });

    expect(await main(['--fhir-server', fhir.baseUrl, '--scenario', scenario.id, '--today', '2027-01-05'], memoryOutput())).toBe(0);
    const moved = await read();
    const shift = (Date.parse('2027-01-05') - Date.parse(library.catalog.referenceDate)) / 86_400_000;
    expect(Date.parse(moved.condition.onsetDateTime!) - Date.parse(writtenCondition.onsetDateTime!)).toBe(shift * 86_400_000);
    expect(moved.patient.birthDate).toBe(writtenPatient.birthDate);

    const io = memoryOutput();
    expect(await main(['--fhir-server', fhir.baseUrl, '--scenario', scenario.patientId, '--reference-dates'], io)).toBe(0);
    expect(io.text()).toContain(`Dates as written (reference date ${library.catalog.referenceDate})`);
    expect((await read()).condition.onsetDateTime).toBe(writtenCondition.onsetDateTime);
  });

  it('says when the server cannot be reached, and exits non-zero', async () => {
    const closed = await listen(express());
    await closed.close(); // a port nothing listens on any more
    const io = memoryOutput();
    expect(await main(['--fhir-server', `${closed.baseUrl}/fhir`], io)).toBe(1);
    expect(io.errText()).toMatch(/could not connect to 127\.0\.0\.1:\d+ \(connection refused\): is the FHIR server running/);
  });

  it('reports a refused transaction with the OperationOutcome text, tries the other patients, and exits non-zero', async () => {
    const refusing = await fixedServer(422, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'processing', diagnostics: 'Client-assigned ids are not allowed', expression: ['Bundle.entry[0]'] }],
    });
    try {
      const io = memoryOutput();
      const code = await main(['--fhir-server', refusing.baseUrl, '--scenario', 'facet-01', '--scenario', 'facet-02'], io);
      expect(code).toBe(1);
      expect(io.text()).toContain(
        'the server refused the transaction with HTTP 422: error processing at Bundle.entry[0]: Client-assigned ids are not allowed',
      );
      expect(io.text()).toContain('the server must allow client-assigned ids');
      expect(refusing.seen.filter((s) => s.method === 'POST')).toHaveLength(2);
      expect(io.text()).toContain('Loaded 0 of 2 patients (0 resources); failed: facet-01-first-block-covered, facet-02-conservative-therapy-undocumented.');
    } finally {
      await refusing.close();
    }
  });

  it('sends --token as a bearer token, never prints it, and stops at the first 401 with a hint', async () => {
    const locked = await fixedServer(401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'token expired' }] });
    try {
      const io = memoryOutput();
      expect(await main(['--fhir-server', locked.baseUrl, '--token', 'secret-token-123'], io)).toBe(1);
      expect(locked.seen[0]!.authorization).toBe('Bearer secret-token-123');
      expect(io.text() + io.errText()).not.toContain('secret-token-123');
      expect(io.errText()).toContain('HTTP 401 (the server wants authorization: pass a bearer token with --token): error login: token expired');
      expect(locked.seen.filter((s) => s.method === 'POST')).toHaveLength(0); // stopped at the metadata probe
    } finally {
      await locked.close();
    }
  });

  it('stops after the first patient when the URL is not a FHIR base (404), naming the likely cause', async () => {
    const notFhir = await fixedServer(404, { error: 'not found' });
    try {
      const io = memoryOutput();
      expect(await main(['--fhir-server', notFhir.baseUrl], io)).toBe(1);
      expect(io.text()).toContain('did not answer with a CapabilityStatement (HTTP 404); is this the FHIR base URL?');
      expect(io.text()).toContain('is --fhir-server the FHIR base URL?');
      expect(io.text()).toContain(`not tried: ${library.scenarios.length - 1}`);
    } finally {
      await notFhir.close();
    }
  });

  it.each([
    [[], '--fhir-server is required'],
    [['--fhir-server', 'localhost:8080'], '--fhir-server must be an http(s) URL'],
    [['--fhir-server', 'http://u:p@localhost/fhir'], 'must not carry credentials'],
    [['--fhir-server', 'http://localhost/fhir', '--today', '2026-02-30'], '--today must be a date such as 2026-11-26'],
    [['--fhir-server', 'http://localhost/fhir', '--scenario', 'facet-99'], 'No scenario "facet-99"'],
    [['--fhir-server', 'http://localhost/fhir', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with a usage error (exit 2)', async (argv, message) => {
    const io = memoryOutput();
    expect(await main(argv as string[], io)).toBe(2);
    expect(io.errText()).toContain(message);
  });
});
