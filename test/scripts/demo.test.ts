import { main } from '../../scripts/demo';
import { freePort } from '../../scripts/lib/free-port';
import { compareWithExpectation } from '../../scripts/lib/scenario-run';
import type { ResponseSummary } from '../../scripts/lib/response-summary';
import { scenarioLibrary } from '../../scripts/lib/scenarios';
import { memoryOutput } from '../../scripts/lib/terminal';

const library = scenarioLibrary();

describe('npm run demo (scripts/demo.ts)', () => {
  it('runs every scenario end to end, prints each outcome and exits 0 when all are as documented', async () => {
    const io = memoryOutput();
    const code = await main([], io);
    const text = io.text();
    expect({ code, err: io.errText() }).toEqual({ code: 0, err: '' });
    const n = library.scenarios.length;
    library.scenarios.forEach((scenario, i) => {
      expect(text).toContain(`[${String(i + 1).padStart(String(n).length)}/${n}] ${scenario.id}: ${scenario.title}`);
      for (const order of scenario.orders) expect(text).toMatch(new RegExp(`ServiceRequest/${order.id}  CPT \\S+  (covered|not-covered|conditional)`));
    });
    expect(text.match(/✓ as documented/g)).toHaveLength(n);
    expect(text).toContain(`${n} scenarios in`);
    expect(text).toContain(`all ${n} as documented`);
    expect(text).toContain('Loading the patients into it');
    expect(text).not.toMatch(/\u001b\[/);
    // 27 scenarios and the documentation step, over real HTTP: room for a loaded machine (not a speed check).
  }, 120_000);

  it('shows a conditional order documented in place (DTR): the questionnaire asks what the chart lacks, the attested answers are saved, and the order signs as covered', async () => {
    const io = memoryOutput();
    expect(await main(['--scenario', 'facet-02-conservative-therapy-undocumented'], io)).toBe(0);
    const text = io.text();
    expect(text).toContain('ServiceRequest/facet-02-sr-1  CPT 64493  conditional');
    expect(text).toContain('Documentation in place (DTR): facet-02-conservative-therapy-undocumented');
    expect(text).toContain('asked: physical-therapy, nsaid-trial');
    expect(text).toMatch(/Attested and saved to the FHIR server as QuestionnaireResponse\/\S+/);
    expect(text).toContain('Signed again: ServiceRequest/facet-02-sr-1 covered ✓ conditional → covered');
  });

  it('shows the unmet criterion and the suggestion of a not-covered order', async () => {
    const io = memoryOutput();
    expect(await main(['--scenario', 'facet-05-ultrasound-guided'], io)).toBe(0);
    const text = io.text();
    expect(text).toContain('ServiceRequest/facet-05-sr-1  CPT 0216T  not-covered');
    expect(text).toMatch(/✗ not met {2}Fluoroscopic or CT guidance \(Imaging Guidance; Table 2\): Ultrasound guidance/);
    expect(text).toContain('★ Order the same injection under fluoroscopic or CT guidance (CPT 64493) (recommended)');
    expect(text).toContain('facet-cds demo: 1 scenario patient, signed end to end');
    expect(text).toMatch(/done \(1 patient, \d+ resources;/);
    expect(text).toContain('1 scenario in');
  });

  it('--port chooses the port its service listens on (issue 13); a bad one is a usage error', async () => {
    const port = await freePort();
    const io = memoryOutput();
    expect(await main(['--scenario', 'facet-01-first-block-covered', '--port', String(port)], io)).toBe(0);
    expect(io.text()).toContain(`http://127.0.0.1:${port}/cds-services, open mode`);

    for (const bad of ['http', '70000', '1.5']) {
      const refused = memoryOutput();
      expect(await main(['--port', bad], refused)).toBe(2);
      expect(refused.errText()).toContain('--port must be a port number (0-65535)');
    }
  });

  it('refuses an unknown scenario with a usage error (exit 2)', async () => {
    const io = memoryOutput();
    expect(await main(['--scenario', 'nope'], io)).toBe(2);
    expect(io.errText()).toContain('No scenario "nope"');
  });

  describe('comparison with the documented outcome', () => {
    const scenario = library.find('facet-05-ultrasound-guided')!;
    const summary = (outcome: string, suggestion: string): ResponseSummary => ({
      orders: [{ order: 'ServiceRequest/facet-05-sr-1', codes: ['0216T'], outcome }],
      cards: [
        {
          indicator: 'warning',
          summary: 'Not covered',
          source: 'plan',
          orders: ['ServiceRequest/facet-05-sr-1'],
          criteria: [],
          suggestions: [{ label: suggestion, recommended: true, actions: [] }],
          links: [],
          overrideReasons: [],
        },
      ],
    });

    it('finds nothing to report when outcome and suggestion match', () => {
      expect(compareWithExpectation(scenario, summary('not-covered', 'Order it with fluoroscopic or CT guidance (CPT 64493) instead'))).toEqual([]);
    });

    it('names a different outcome and a missing suggestion', () => {
      expect(compareWithExpectation(scenario, summary('covered', 'Something else'))).toEqual([
        'ServiceRequest/facet-05-sr-1: expected not-covered, got covered',
        'ServiceRequest/facet-05-sr-1: expected a suggestion containing "fluoroscopic or CT guidance (CPT 64493)"',
      ]);
      expect(compareWithExpectation(scenario, { orders: [], cards: [] })[0]).toBe(
        'ServiceRequest/facet-05-sr-1: no coverage information in the response (expected not-covered)',
      );
    });
  });
});
