import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../scripts/evaluate';
import { orderSignRequest } from '../../scripts/lib/order-sign';
import { scenarioLibrary } from '../../scripts/lib/scenarios';
import { memoryOutput } from '../../scripts/lib/terminal';
import { fullPrefetch } from '../helpers/builders';

const ROOT = path.resolve(__dirname, '../..');
const library = scenarioLibrary();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-evaluate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A captured request as an EHR would send it: the scenario's orders and its whole chart as prefetch, dated as written. */
function capturedRequest(id: string): string {
  const scenario = library.find(id)!;
  const body = orderSignRequest({ patientId: scenario.patientId, orders: library.orders(scenario), prefetch: fullPrefetch(library.patientResources(scenario)) });
  const file = path.join(dir, `${id}.json`);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

const AS_WRITTEN = ['--today', library.catalog.referenceDate];

describe('npm run evaluate (scripts/evaluate.ts)', () => {
  it('prints a readable summary: outcome per order, the card, its unmet criterion, suggestion with actions, links', async () => {
    const io = memoryOutput();
    expect(await main([capturedRequest('facet-05-ultrasound-guided'), ...AS_WRITTEN], io)).toBe(0);
    const text = io.text();
    expect(text).toContain(`facet-joint-interventions: order-sign for Patient/facet-05, 1 draft order, 13 prefetch keys, decided as of ${library.catalog.referenceDate}`);
    expect(text).toContain('ServiceRequest/facet-05-sr-1  CPT 0216T  not-covered');
    expect(text).toContain('Card 1 [warning] Not covered: ultrasound guidance. Order the same injection under fluoroscopic or CT guidance (CPT 64493)');
    // The policy that decided, as the card names it.
    expect(text).toContain('policy: CP.MP.171 Facet Joint Interventions (rev. 05/26)');
    expect(text).toContain('source: Centene Health Plan · topic: Off guideline · about ServiceRequest/facet-05-sr-1');
    expect(text).toMatch(/✗ not met {2}.*Ultrasound guidance/);
    expect(text).toContain('update: Order ServiceRequest/facet-05-sr-1 with fluoroscopic or CT guidance (CPT 64493)');
    expect(text).toContain('link: CP.MP.171 Facet Joint Interventions (policy) <https://');
    // The decision card, then the alternative on its own card (CRD Alternate Request).
    expect(text).toContain('Card 2 [info] Alternatives that meet policy for this lumbar facet joint injection (ultrasound-guided)');
    expect(text).toContain('2 cards, 1 system action. The full response: add --json.');
  });

  it('shows documentation gaps with what to chart, and notice cards', async () => {
    const io = memoryOutput();
    expect(await main([capturedRequest('facet-02-conservative-therapy-undocumented'), ...AS_WRITTEN], io)).toBe(0);
    expect(io.text()).toContain('CPT 64493  conditional');
    // The clinician's words from the card, then the integrator's: how to chart it in FHIR (the data profile's).
    expect(io.text()).toMatch(/! not documented {2}At least 4 weeks of physical therapy .*\(I\.A\.1\.b\.i\).*\n\s+to document: 4\+ weeks of physical therapy .*\n\s+to chart \(FHIR\): Record the physical therapy as completed Procedures/);

    // A Medicare member (issue 16): decided under the LCD, covered; the coverage information says so (no card,
    // CRD resp-12), and no informational "Medicare member" card any more.
    const medicare = memoryOutput();
    expect(await main([capturedRequest('lcd-01-medicare-cervical-block'), ...AS_WRITTEN], medicare)).toBe(0);
    expect(medicare.text()).toContain('CPT 64490  covered  (no-auth)');
    expect(medicare.text()).not.toMatch(/Medicare member/);

    // Decided under the LCD with documentation missing: the card names the LCD, and its howToDocument is the FHIR view.
    const lcd = memoryOutput();
    expect(await main([capturedRequest('lcd-11-no-conservative-care'), ...AS_WRITTEN], lcd)).toBe(0);
    expect(lcd.text()).toContain('source: Centene Health Plan · LCD L38841');
    expect(lcd.text()).toContain('policy: LCD L38841 Facet Joint Interventions for Pain Management (rev. 07/14/2024)');
    expect(lcd.text()).toMatch(/to chart \(FHIR\): Record the conservative care tried for this pain/);
  });

  it('prints the full response with --json', async () => {
    const io = memoryOutput();
    expect(await main([capturedRequest('facet-01-first-block-covered'), '--json', ...AS_WRITTEN], io)).toBe(0);
    const response = JSON.parse(io.text());
    expect(response.cards).toEqual([]);
    expect(response.systemActions).toHaveLength(2);
  });

  it('reads the request from standard input with -', async () => {
    const io = memoryOutput();
    const text = fs.readFileSync(capturedRequest('facet-06-thoracic-injection'), 'utf8');
    expect(await main(['-', ...AS_WRITTEN], io, process.env, () => text)).toBe(0);
    expect(io.text()).toContain('CPT 64490  not-covered');
  });

  it('reports the service refusing the request with its OperationOutcome (exit 1)', async () => {
    const file = path.join(dir, 'bad-hook.json');
    fs.writeFileSync(file, JSON.stringify({ hook: 'order-select', hookInstance: 'x', context: {} }));
    const io = memoryOutput();
    expect(await main([file, '--service', 'facet-joint-interventions'], io)).toBe(1);
    expect(io.errText()).toContain('The service refused the request: HTTP 400');
    expect(io.errText()).toContain('hook must be "order-sign" for this service, got "order-select"');

    // Without --service, the service for the request's own hook answers: here its context is incomplete.
    const own = memoryOutput();
    expect(await main([file], own)).toBe(1);
    expect(own.errText()).toContain('context.userId is required');

    const json = memoryOutput();
    expect(await main([file, '--json'], json)).toBe(1);
    expect(JSON.parse(json.text()).resourceType).toBe('OperationOutcome');
  });

  it('lets the service name what is wrong with a request whose hook it does not serve or that names none (exit 1)', async () => {
    for (const [body, diagnostics] of [
      [{}, 'hook is required'],
      [{ hook: 'patient-view', hookInstance: 'x', context: {} }, 'hook must be "order-sign" for this service, got "patient-view"'],
    ] as const) {
      const file = path.join(dir, 'no-hook.json');
      fs.writeFileSync(file, JSON.stringify(body));
      const io = memoryOutput();
      expect(await main([file], io)).toBe(1);
      expect(io.errText()).toContain(diagnostics);
    }
  });

  describe('--scenario and --print-request', () => {
    it('evaluates a shipped scenario patient without a request file: its orders, its chart as prefetch', async () => {
      const io = memoryOutput();
      expect(await main(['--scenario', 'facet-05-ultrasound-guided', ...AS_WRITTEN], io)).toBe(0);
      expect(io.text()).toContain(`facet-joint-interventions: order-sign for Patient/facet-05, 1 draft order, 13 prefetch keys, decided as of ${library.catalog.referenceDate}`);
      expect(io.text()).toContain('ServiceRequest/facet-05-sr-1  CPT 0216T  not-covered');

      const byPatient = memoryOutput();
      expect(await main(['--scenario', 'facet-01', '--json', ...AS_WRITTEN], byPatient)).toBe(0);
      expect(JSON.parse(byPatient.text()).systemActions.map((a: { description: string }) => a.description)).toEqual([expect.stringMatching(/: covered$/), expect.stringMatching(/: covered$/)]);
    });

    it('finds a Medicare scenario (one of the LCD the service applies) without --service, decided under the LCD', async () => {
      const io = memoryOutput();
      expect(await main(['--scenario', 'lcd-03-thoracic-covered', ...AS_WRITTEN], io)).toBe(0);
      expect(io.text()).toContain('facet-joint-interventions: order-sign for Patient/lcd-03');
      expect(io.text()).toContain('CPT 64490  covered');
    });

    it('prints the request, dates moved to --today, a file that evaluates to the documented outcome', async () => {
      const io = memoryOutput();
      expect(await main(['--scenario', 'facet-05-ultrasound-guided', '--print-request', '--today', '2027-03-10'], io)).toBe(0);
      const request = JSON.parse(io.text());
      expect(request).toMatchObject({ hook: 'order-sign', context: { patientId: 'facet-05', userId: expect.stringMatching(/^Practitioner/) } });
      expect(request.context.draftOrders.entry).toHaveLength(1);
      expect(Object.keys(request.prefetch)).toHaveLength(13);
      expect(request.prefetch.patient).toMatchObject({ resourceType: 'Patient', id: 'facet-05' });
      expect(request.fhirServer).toBeUndefined();
      expect(io.errText()).toBe('');

      const file = path.join(dir, 'printed.json');
      fs.writeFileSync(file, io.text());
      const evaluated = memoryOutput();
      expect(await main([file, '--today', '2027-03-10'], evaluated)).toBe(0);
      expect(evaluated.text()).toContain('ServiceRequest/facet-05-sr-1  CPT 0216T  not-covered');
    });

    it('--out FILE writes the request to the file, not to standard output, where npm run prints its banner', async () => {
      const file = path.join(dir, 'out-request.json');
      const io = memoryOutput();
      expect(await main(['--scenario', 'facet-05-ultrasound-guided', '--print-request', '--out', file, ...AS_WRITTEN], io)).toBe(0);
      expect(io.text()).toBe('');
      expect(io.errText()).toMatch(/^Wrote .*out-request\.json \(\d+ bytes\)\n$/);
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ hook: 'order-sign', context: { patientId: 'facet-05' } });

      // A bad command line writes nothing.
      const bad = memoryOutput();
      expect(await main(['--scenario', 'facet-05-ultrasound-guided', '--out', dir], bad)).toBe(2);
      expect(bad.errText()).toContain('is a directory');
    });

    it('README\'s commands under npm run: --print-request --out request.json, then evaluate request.json', () => {
      const file = path.join(dir, 'npm-request.json');
      const env = { ...process.env, NO_COLOR: '1', npm_config_loglevel: '' };
      const printed = spawnSync('npm', ['run', 'evaluate', '--', '--scenario', 'facet-05-ultrasound-guided', '--print-request', '--out', file], { cwd: ROOT, env, encoding: 'utf8' });
      expect(printed.status).toBe(0);
      // npm's banner goes to standard output; the file holds the request alone.
      expect(printed.stdout).toContain('> facet-cds@');
      expect(JSON.parse(fs.readFileSync(file, 'utf8')).hook).toBe('order-sign');
      const evaluated = spawnSync('npm', ['run', 'evaluate', '--', file], { cwd: ROOT, env, encoding: 'utf8' });
      expect(evaluated.stderr).toBe('');
      expect(evaluated.status).toBe(0);
      expect(evaluated.stdout).toContain('ServiceRequest/facet-05-sr-1  CPT 0216T  not-covered');
    }, 120_000);

    it.each([
      ['order-select', 'facet-joint-interventions-order-select: order-select for Patient/facet-05', /Card 1 \[warning\] Not covered: /],
      ['order-dispatch', 'facet-joint-interventions-order-dispatch: order-dispatch for Patient/facet-05', /ServiceRequest\/facet-05-sr-1 {2}CPT 0216T {2}not-covered/],
      ['appointment-book', 'facet-joint-interventions-appointment-book: appointment-book for Patient/facet-05, 1 appointment', /Appointment\/appt-facet-05-1 {2}CPT 0216T {2}not-covered/],
    ])('--hook %s asks with that hook, at its own service, and gets the decision order-sign gives', async (hook, header, outcome) => {
      const io = memoryOutput();
      expect(await main(['--scenario', 'facet-05-ultrasound-guided', '--hook', hook, ...AS_WRITTEN], io)).toBe(0);
      expect(io.text()).toContain(header);
      expect(io.text()).toMatch(outcome);
      expect(io.text()).toMatch(/✗ not met {2}.*Ultrasound guidance/);

      const printed = memoryOutput();
      expect(await main(['--scenario', 'facet-05-ultrasound-guided', '--hook', hook, '--print-request', ...AS_WRITTEN], printed)).toBe(0);
      const request = JSON.parse(printed.text());
      expect(request.hook).toBe(hook);
      const file = path.join(dir, `printed-${hook}.json`);
      fs.writeFileSync(file, printed.text());
      const replayed = memoryOutput();
      expect(await main([file, ...AS_WRITTEN], replayed)).toBe(0);
      expect(replayed.text()).toContain(header);
    });

    it('moves the dates to today by default, so the printed request decides as documented on any day', async () => {
      const io = memoryOutput();
      expect(await main(['--scenario', 'facet-02-conservative-therapy-undocumented'], io)).toBe(0);
      expect(io.text()).toContain('CPT 64493  conditional');
    });

    it.each([
      [['--scenario', 'facet-99'], 'No scenario "facet-99". Known: facet-01'],
      [['x.json', '--scenario', 'facet-05'], 'give a request file or --scenario, not both'],
      [['--scenario', 'facet-05', '--service', 'nope'], 'no service "nope"; known: facet-joint-interventions'],
      [['--scenario', 'facet-05', '--hook', 'patient-view'], '--hook must be one of order-sign, order-select, order-dispatch, appointment-book, got "patient-view"'],
      [['x.json', '--hook', 'order-select'], '--hook chooses the hook of a --scenario request; a request file names its own hook'],
    ])('refuses %j with a clear message (exit 2)', async (argv, message) => {
      const io = memoryOutput();
      expect(await main(argv, io)).toBe(2);
      expect(io.errText()).toContain(message);
    });

    it('documents the options in --help', async () => {
      const io = memoryOutput();
      expect(await main(['--help'], io)).toBe(0);
      for (const option of ['--scenario ID', '--hook HOOK', '--print-request', '--service ID', '--today YYYY-MM-DD', '--json']) expect(io.text()).toContain(option);
    });
  });

  it.each([
    [[], 'give the request file to evaluate'],
    [['missing.json'], 'missing.json: no such file'],
    [['DIR'], 'is a directory, not a request file'],
    [['EMPTY'], 'is empty'],
    [['BROKEN'], 'is not valid JSON'],
    [['a.json', 'b.json'], 'one request file at a time'],
    [['x.json', '--today', 'tomorrow'], '--today must be a date'],
  ])('refuses %j with a clear message (exit 2)', async (argv, message) => {
    const empty = path.join(dir, 'empty.json');
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(empty, '  \n');
    fs.writeFileSync(broken, '{"hook": "order-sign",');
    const args = (argv as string[]).map((a) => ({ DIR: dir, EMPTY: empty, BROKEN: broken })[a] ?? a);
    const io = memoryOutput();
    expect(await main(args, io)).toBe(2);
    expect(io.errText()).toContain(message);
  });
});
