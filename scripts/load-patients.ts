import { localDate } from '../src/cds/hook-handler';
import { UsageError, dateOption, parseCommandLine } from './lib/args';
import { LoadError, countByType, fhirBaseUrl, postTransaction, probeServer, type ServerTarget } from './lib/fhir-loader';
import { patientLine, scenarioLibrary, selectScenarios } from './lib/scenarios';
import { line, plural, styleFor, type Output } from './lib/terminal';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

const USAGE = `Loads the scenario patients into a FHIR R4 server, one transaction Bundle per patient.

Usage: npm run load-patients -- --fhir-server URL [options]

  --fhir-server URL    the server's FHIR base URL, e.g. http://localhost:8080/fhir (required)
  --token TOKEN        bearer token for servers that require one (or set FHIR_TOKEN)
  --reference-dates    keep the dates as written (the catalog's reference date) instead of moving them to today
  --today YYYY-MM-DD   move the dates so that this day is "today" (default: today)
  --scenario ID        load only this scenario (repeatable; id or patient id)
  --help               this text

Each Bundle PUTs its resources with fixed ids (Patient/facet-01, ...), so loading again updates the same
records; the server must accept client-assigned ids (HAPI FHIR does by default).`;

interface Options {
  help: boolean;
  baseUrl: string;
  token?: string;
  referenceDates: boolean;
  today?: string;
  scenarios?: string[];
}

function readOptions(argv: string[]): Options {
  const { values } = parseCommandLine(argv, {
    'fhir-server': { type: 'string' },
    token: { type: 'string' },
    'reference-dates': { type: 'boolean' },
    today: { type: 'string' },
    scenario: { type: 'string', multiple: true },
    help: { type: 'boolean' },
  });
  if (values.help) return { help: true, baseUrl: '', referenceDates: false };
  if (!values['fhir-server']) throw new UsageError('--fhir-server is required');
  if (values['reference-dates'] && values.today) throw new UsageError('--reference-dates and --today cannot be combined');
  return {
    help: false,
    baseUrl: usable(() => fhirBaseUrl(values['fhir-server']!)),
    token: values.token,
    referenceDates: values['reference-dates'] === true,
    today: values.today === undefined ? undefined : dateOption(values.today, '--today'),
    scenarios: values.scenario,
  };
}

/** The CLI, callable in-process (tests): returns the exit code. */
export async function main(argv: string[], io: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const style = styleFor(io.out, env);
  const errStyle = styleFor(io.err, env);
  let args: Options;
  try {
    args = readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    line(io.err, errStyle.red(`load-patients: ${error.message}`));
    line(io.err);
    line(io.err, USAGE);
    return 2;
  }
  if (args.help) {
    line(io.out, USAGE);
    return 0;
  }

  try {
    const library = scenarioLibrary();
    const scenarios = selectScenarios(library, args.scenarios);
    const today = args.referenceDates ? undefined : (args.today ?? localDate(new Date()));
    const target: ServerTarget = { baseUrl: args.baseUrl, token: args.token ?? env.FHIR_TOKEN };

    line(io.out, style.bold(`Loading ${plural(scenarios.length, 'scenario patient')} into ${target.baseUrl}`));
    line(
      io.out,
      style.dim(today ? `Dates moved so that ${library.catalog.referenceDate} becomes ${today}.` : `Dates as written (reference date ${library.catalog.referenceDate}).`),
    );
    const info = await probeServer(target);
    if (info.software || info.fhirVersion) line(io.out, style.dim(`Server: ${[info.software, info.fhirVersion && `FHIR ${info.fhirVersion}`].filter(Boolean).join(', ')}`));
    if (info.warning) line(io.out, style.yellow(`Note: ${info.warning}`));
    line(io.out);

    let loaded = 0;
    let resources = 0;
    const failed: string[] = [];
    for (const scenario of scenarios) {
      const bundle = library.patientBundle(scenario, today);
      const counts = countByType(bundle);
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const sent = `${plural(total, 'resource')}: ${Object.entries(counts)
        .map(([type, n]) => `${type} ${n}`)
        .join(', ')}`;
      try {
        const result = await postTransaction(target, bundle);
        loaded++;
        resources += total;
        const answered = [
          result.created ? `${result.created} created (201)` : '',
          result.updated ? `${result.updated} stored (200)` : '',
          result.other ? `${result.other} other (${[...new Set(result.entries.filter((e) => e.status !== 200 && e.status !== 201).map((e) => e.status))].join(', ')})` : '',
        ].filter(Boolean);
        line(io.out, `${style.green('✓')} ${style.bold(scenario.id)}  Patient/${scenario.patientId} (${patientLine(bundle)})`);
        line(io.out, `    sent ${sent}`);
        line(io.out, `    server: HTTP ${result.status} transaction-response, ${plural(result.entries.length, 'entry', 'entries')}${answered.length ? `: ${answered.join(', ')}` : ''}`);
      } catch (error) {
        if (!(error instanceof LoadError)) throw error;
        failed.push(scenario.id);
        line(io.out, `${style.red('✗')} ${style.bold(scenario.id)}  Patient/${scenario.patientId}`);
        line(io.out, `    sent ${sent}`);
        line(io.out, style.red(`    ${error.message}`));
        const hint = hintFor(error);
        if (hint) line(io.out, style.dim(`    (${hint})`));
        if (error.fatal) {
          line(io.out, style.red('Stopped: the other patients would fail the same way.'));
          break;
        }
      }
    }
    line(io.out);
    const notTried = scenarios.length - loaded - failed.length;
    const summary = `Loaded ${loaded} of ${plural(scenarios.length, 'patient')} (${plural(resources, 'resource')})${failed.length ? `; failed: ${failed.join(', ')}` : ''}${notTried ? `; not tried: ${notTried}` : ''}.`;
    line(io.out, failed.length || notTried ? style.red(summary) : style.green(summary));
    if (loaded > 0 && today) line(io.out, style.dim(`Dated for ${today}: reload on the day you test (loading again updates the same records).`));
    return failed.length || notTried ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      line(io.err, errStyle.red(`load-patients: ${error.message}`));
      return 2;
    }
    if (error instanceof LoadError) {
      line(io.err, errStyle.red(`load-patients: ${error.message}`));
      return 1;
    }
    throw error;
  }
}

/** A bad --fhir-server value is a usage error (exit 2), not a server failure. */
function usable<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof LoadError) throw new UsageError(error.message);
    throw error;
  }
}

function hintFor(error: LoadError): string | undefined {
  if (error.status === 404 || error.status === 405) return 'is --fhir-server the FHIR base URL? Transactions are POSTed to the base itself';
  if (error.failure === 'rejected') return 'these Bundles PUT resources with fixed ids: the server must allow client-assigned ids';
  return undefined;
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  main(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`load-patients failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
