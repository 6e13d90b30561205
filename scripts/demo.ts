import { localDate } from '../src/cds/hook-handler';
import type { Scenario, ScenarioLibrary } from '../src/scenarios/catalog';
import { UsageError, parseCommandLine } from './lib/args';
import { startEmbeddedFhirServer, type EmbeddedFhirServer } from './lib/embedded-fhir-server';
import { countByType, postTransaction } from './lib/fhir-loader';
import { forwardedSettings, startLocalService, type LocalService } from './lib/local-service';
import { orderLine } from './lib/order-sign';
import { formatSummary, outcomeStyle } from './lib/response-summary';
import { runScenario, type ScenarioRun } from './lib/scenario-run';
import { documentScenario } from './lib/documentation';
import { loadServices } from '../src/declarations/load';
import { SERVICE_ID, patientLine, scenarioLibrary, selectScenarios } from './lib/scenarios';
import { line, plural, styleFor, type Output, type Style } from './lib/terminal';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

const USAGE = `Runs every scenario patient through the service, end to end, with nothing to set up.

Usage: npm run demo [-- options]

  --scenario ID   run only this scenario (repeatable; id or patient id)
  --port PORT     the port the demo's service listens on, on 127.0.0.1 (default: a free port)
  --help          this text

Starts an in-memory FHIR server and the service on loopback ports, loads the scenario patients (dates
moved to today), signs each scenario's orders with an order-sign request that carries fhirServer and no
prefetch (so the service fetches the chart over HTTP), prints what the clinician would see, and compares
each outcome with the one the scenario documents. Exit code 0 when every outcome is as documented.`;

/** The demo, callable in-process (tests): returns the exit code. */
export async function main(argv: string[], io: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const style = styleFor(io.out, env);
  let ids: string[] | undefined;
  let port: number | undefined;
  try {
    const { values } = parseCommandLine(argv, { scenario: { type: 'string', multiple: true }, port: { type: 'string' }, help: { type: 'boolean' } });
    if (values.help) {
      line(io.out, USAGE);
      return 0;
    }
    ids = values.scenario;
    port = values.port === undefined ? undefined : portOption(values.port);
    selectScenarios(scenarioLibrary(), ids);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    line(io.err, styleFor(io.err, env).red(`demo: ${error.message}`));
    line(io.err);
    line(io.err, USAGE);
    return 2;
  }

  const library = scenarioLibrary();
  const scenarios = selectScenarios(library, ids);
  const today = localDate(new Date());
  const started = performance.now();
  let fhir: EmbeddedFhirServer | undefined;
  let service: LocalService | undefined;
  try {
    line(io.out, style.bold(`facet-cds demo: ${plural(scenarios.length, 'scenario patient')}, signed end to end (today is ${today})`));
    line(io.out);

    fhir = await step(io, style, 'Starting an in-memory FHIR server', async () => {
      const server = await startEmbeddedFhirServer();
      return { value: server, note: server.baseUrl };
    });
    const fhirBase = fhir.baseUrl;
    await step(io, style, `Loading the patients into it (dates moved from ${library.catalog.referenceDate} to ${today})`, async () => {
      let resources = 0;
      for (const scenario of scenarios) {
        const bundle = library.patientBundle(scenario, today);
        await postTransaction({ baseUrl: fhirBase }, bundle);
        resources += Object.values(countByType(bundle)).reduce((a, b) => a + b, 0);
      }
      return { value: undefined, note: `${plural(scenarios.length, 'patient')}, ${plural(resources, 'resource')}` };
    });
    service = await step(io, style, 'Starting the service', async () => {
      const local = await startLocalService({
        // The in-memory FHIR server answers searches in tens of milliseconds; give a loaded machine room.
        env: { FHIR_TIMEOUT_MS: '15000', PUBLIC_BASE_URL: `http://localhost:${port || (env.PORT ?? 3000)}`, ...forwardedSettings(env), FHIR_SERVER_ALLOWLIST: fhirBase },
        ...(port !== undefined ? { port } : {}),
      }).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EADDRINUSE' ? new UsageError(`--port ${port}: the port is in use; choose another, or leave --port out for a free one`) : error;
      });
      return { value: local, note: `${local.baseUrl}/cds-services, open mode` };
    });
    line(io.out);
    line(io.out, style.dim('Each scenario: order-sign with fhirServer and no prefetch, so the service fetches the chart from the FHIR server.'));
    line(io.out);

    const runs: ScenarioRun[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      const counter = `[${String(i + 1).padStart(String(scenarios.length).length)}/${scenarios.length}]`;
      line(io.out, `${style.bold(counter)} ${style.bold(scenario.id)}: ${scenario.title}`);
      const run = await runScenario(library, scenario, { serviceUrl: service.baseUrl, serviceId: SERVICE_ID, fhirServer: fhirBase, today });
      runs.push(run);
      printRun(io, style, library, run, today, ' '.repeat(counter.length + 1));
    }
    const documented = await documentationInPlace(io, style, library, scenarios, { serviceUrl: service.baseUrl, fhirServer: fhirBase, today });
    printTotals(io, style, runs, (performance.now() - started) / 1000);
    return runs.every((r) => r.differences.length === 0) && documented ? 0 : 1;
  } finally {
    await service?.close();
    await fhir?.close();
  }
}

function portOption(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got "${text}"`);
  return port;
}

/**
 * Documentation in place (DTR), on the first scenario whose order needs documentation: the package's
 * questionnaire asks what the chart lacks, the answers are attested and saved to the FHIR server as a
 * QuestionnaireResponse, and the same order signed again is covered. False when it is not.
 */
async function documentationInPlace(io: Output, style: Style, library: ScenarioLibrary, scenarios: Scenario[], target: { serviceUrl: string; fhirServer: string; today: string }): Promise<boolean> {
  const scenario = scenarios.find((s) => s.expected.some((e) => e.outcome === 'conditional' && (e.notDocumented?.length ?? 0) > 0));
  if (!scenario) return true;
  const service = loadServices().find((s) => s.id === SERVICE_ID)!;
  line(io.out, style.bold(`Documentation in place (DTR): ${scenario.id}`));
  const documented = await documentScenario(service, library, scenario, target);
  line(io.out, `  Questionnaire: ${documented.questionnaire}`);
  line(io.out, `  The chart answers ${plural(documented.fromRecord, 'criterion', 'criteria')} (prefilled, marked as from the chart); asked: ${documented.asked.join(', ')}`);
  for (const answer of documented.answered) line(io.out, `    answered: ${answer}`);
  line(io.out, `  Attested and saved to the FHIR server as ${documented.saved}`);
  const again = await runScenario(library, scenario, { serviceUrl: target.serviceUrl, serviceId: SERVICE_ID, fhirServer: target.fhirServer, today: target.today });
  const outcomes = again.summary?.orders.map((o) => `${o.order} ${o.outcome}`) ?? [again.error ?? 'no answer'];
  const covered = (again.summary?.orders ?? []).length > 0 && again.summary!.orders.every((o) => o.outcome === 'covered');
  line(io.out, `  Signed again: ${outcomes.join(', ')} ${covered ? style.green('✓ conditional → covered') : style.red('✗ not covered after documentation')}`);
  line(io.out);
  return covered;
}

/** A start-up step on one line: what, then "done" with a note and its time. */
async function step<T>(io: Output, style: Style, what: string, work: () => Promise<{ value: T; note: string }>): Promise<T> {
  io.out.write(`${what}… `);
  const started = performance.now();
  const { value, note } = await work();
  line(io.out, `${style.green('done')} ${style.dim(`(${note}; ${seconds(performance.now() - started)})`)}`);
  return value;
}

/** The policies the service decides with, by declaration id ("LCD L38841"): the one a scenario is written for. */
const POLICY_NAMES = (() => {
  let names: Map<string, string> | undefined;
  return () => (names ??= new Map((loadServices().find((s) => s.id === SERVICE_ID)?.policies ?? []).map((p) => [p.id, p.document.id])));
})();

function printRun(io: Output, style: Style, library: ScenarioLibrary, run: ScenarioRun, today: string, pad: string): void {
  const { scenario } = run;
  const orders = library.orders(scenario, today);
  const policy = scenario.policy ? POLICY_NAMES().get(scenario.policy) : undefined;
  line(io.out, `${pad}${style.dim(`${patientLine(library.patientBundle(scenario, today))}${policy ? ` · policy ${policy}` : ''} · answered in ${seconds(run.elapsedMs)}`)}`);
  for (const order of orders) line(io.out, `${pad}Order ServiceRequest/${order.id}: ${orderLine(order)}`);
  if (run.summary) for (const text of formatSummary(run.summary, style, { full: false, indent: pad })) line(io.out, text);
  const expected = scenario.expected.map((e) => e.outcome).join(', ');
  if (run.differences.length === 0) {
    line(io.out, `${pad}${style.green('✓ as documented')} ${style.dim(`(expected ${expected})`)}`);
  } else {
    line(io.out, `${pad}${style.red('✗ differs from the documented outcome:')}`);
    for (const d of run.differences) line(io.out, `${pad}  ${style.red(d)}`);
  }
  line(io.out);
}

function printTotals(io: Output, style: Style, runs: ScenarioRun[], elapsedSeconds: number): void {
  const differing = runs.filter((r) => r.differences.length > 0);
  const counts = new Map<string, number>();
  for (const r of runs) for (const o of r.summary?.orders ?? []) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  const outcomes = [...counts.entries()].map(([outcome, n]) => outcomeStyle(outcome, style)(`${n} ${outcome}`)).join(', ');
  const verdict = differing.length === 0 ? style.green(`all ${runs.length} as documented`) : style.red(`${differing.length} of ${runs.length} differ: ${differing.map((r) => r.scenario.id).join(', ')}`);
  line(io.out, style.bold(`${plural(runs.length, 'scenario')} in ${elapsedSeconds.toFixed(1)} s: `) + verdict);
  if (outcomes) line(io.out, `Orders decided: ${outcomes}`);
  line(io.out);
  line(io.out, style.dim('Next: sign orders yourself on the order-entry test page: npm start, then open http://localhost:3000/sandbox'));
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  main(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`demo failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
