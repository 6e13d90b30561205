import fs from 'node:fs';
import type { OperationOutcome } from 'fhir/r4';
import { localDate } from '../src/cds/hook-handler';
import { withoutVerificationNotes } from '../src/cards/card-text';
import type { HookResponse } from '../src/cds/types';
import { loadServices } from '../src/declarations/load';
import type { LoadedService } from '../src/declarations/types';
import { ScenarioLibrary } from '../src/scenarios/catalog';
import { UsageError, dateOption, parseCommandLine } from './lib/args';
import { outcomeText } from './lib/fhir-loader';
import { callService, forwardedSettings, startLocalService } from './lib/local-service';
import { formatSummary, summarizeResponse } from './lib/response-summary';
import { REQUEST_HOOKS } from './lib/hook-requests';
import { scenarioHookRequest, selectScenarios } from './lib/scenarios';
import { line, memoryOutput, plural, styleFor, type Output } from './lib/terminal';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

const USAGE = `Prints the service's answer to a captured CDS Hooks request, without running a server.

Usage: npm run evaluate -- REQUEST.json [options]      (REQUEST.json may be - for standard input)
       npm run evaluate -- --scenario ID [options]     (a shipped scenario patient's request)

  --scenario ID        instead of a file, the request for this scenario patient (scenario id or patient id, as
                       in scenarios.json): its orders, and its chart as prefetch, dates moved to today (or --today)
  --hook HOOK          with --scenario, the hook to ask with: order-sign (default), order-select,
                       order-dispatch or appointment-book (as the test page's hook selector sends it)
  --print-request      print the request JSON instead of evaluating it, e.g.
                       npm run evaluate -- --scenario facet-05-ultrasound-guided --print-request --out request.json
  --out FILE           write what would be printed (the request, the response JSON or the summary) to FILE
                       instead of standard output; under npm run, standard output also carries npm's own
                       "> facet-cds@… evaluate" banner (unless npm run -s), which a redirected file would hold
  --json               print the full response JSON (or the error OperationOutcome) instead of the summary
  --service ID         the CDS service to call (default: the one for the request's hook, e.g.
                       facet-joint-interventions for order-sign, facet-joint-interventions-order-dispatch;
                       for a request naming no hook served here, the order-sign service, which says what is wrong)
  --today YYYY-MM-DD   decide as if today were this date (default: today), to replay an old capture
  --help               this text

The request is decided by the real service, in this process, as POST /cds-services/ID. Prefetch in the
request is used as is; keys it lacks are fetched from its fhirServer only when that server is on
FHIR_SERVER_ALLOWLIST (default: loopback addresses only), with its fhirAuthorization token.
Exit codes: 0 answered, 1 the service refused the request (4xx/5xx), 2 bad command line or file.`;

interface Options {
  /** The request file (- for standard input), or else `scenario`. */
  file?: string;
  scenario?: string;
  hook: string;
  printRequest: boolean;
  json: boolean;
  /** Where the output goes instead of standard output. */
  out?: string;
  service?: string;
  today?: string;
}

function readOptions(argv: string[]): Options | 'help' {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      json: { type: 'boolean' },
      service: { type: 'string' },
      today: { type: 'string' },
      scenario: { type: 'string' },
      hook: { type: 'string' },
      'print-request': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    true,
  );
  if (values.help) return 'help';
  if (values.scenario !== undefined && positionals.length > 0) throw new UsageError(`give a request file or --scenario, not both (got ${positionals.join(' ')} and --scenario ${values.scenario})`);
  if (values.scenario === undefined && positionals.length === 0) throw new UsageError('give the request file to evaluate (or - for standard input), or --scenario ID');
  if (positionals.length > 1) throw new UsageError(`one request file at a time, got ${positionals.length}: ${positionals.join(' ')}`);
  if (values.hook !== undefined && values.scenario === undefined) throw new UsageError('--hook chooses the hook of a --scenario request; a request file names its own hook');
  if (values.hook !== undefined && !REQUEST_HOOKS.includes(values.hook)) throw new UsageError(`--hook must be one of ${REQUEST_HOOKS.join(', ')}, got "${values.hook}"`);
  return {
    file: positionals[0],
    scenario: values.scenario,
    hook: values.hook ?? 'order-sign',
    printRequest: values['print-request'] === true,
    json: values.json === true,
    ...(values.out !== undefined ? { out: outOption(values.out) } : {}),
    service: values.service,
    today: values.today === undefined ? undefined : dateOption(values.today, '--today'),
  };
}

function outOption(file: string): string {
  if (file.trim() === '') throw new UsageError('--out needs a file name');
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`--out ${file} is a directory, not a file`);
  return file;
}

/** The request file as JSON, with errors that name the file and what is wrong with it. */
function readRequest(file: string, stdin: () => string): unknown {
  let text: string;
  const name = file === '-' ? 'standard input' : file;
  try {
    text = file === '-' ? stdin() : fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${name}: no such file`);
    if (code === 'EISDIR') throw new UsageError(`${name} is a directory, not a request file`);
    if (code === 'EACCES') throw new UsageError(`${name}: permission denied`);
    throw new UsageError(`${name}: ${(error as Error).message}`);
  }
  if (text.trim() === '') throw new UsageError(`${name} is empty`);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new UsageError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The CLI, callable in-process (tests): returns the exit code. */
export async function main(argv: string[], io: Output, env: NodeJS.ProcessEnv = process.env, stdin = () => fs.readFileSync(0, 'utf8')): Promise<number> {
  let out: string | undefined;
  try {
    const read = readOptions(argv);
    out = read === 'help' ? undefined : read.out;
  } catch {
    // The usage error is reported by evaluate() itself.
  }
  if (out === undefined) return evaluate(argv, io, env, stdin);
  // --out FILE: what would be printed goes to the file (plain text, no colours); nothing is written for a bad command line.
  const file = memoryOutput();
  const code = await evaluate(argv, { out: file.out, err: io.err }, env, stdin);
  if (code !== 2) {
    try {
      fs.writeFileSync(out, file.text());
    } catch (error) {
      line(io.err, styleFor(io.err, env).red(`evaluate: cannot write ${out}: ${(error as Error).message}`));
      return 2;
    }
    line(io.err, `Wrote ${out} (${plural(Buffer.byteLength(file.text()), 'byte')})`);
  }
  return code;
}

async function evaluate(argv: string[], io: Output, env: NodeJS.ProcessEnv, stdin: () => string): Promise<number> {
  const style = styleFor(io.out, env);
  const errStyle = styleFor(io.err, env);
  let options: Options;
  let request: unknown;
  try {
    const read = readOptions(argv);
    if (read === 'help') {
      line(io.out, USAGE);
      return 0;
    }
    options = read;
    request = options.scenario !== undefined ? requestForScenario(options.scenario, options.hook, options.service, options.today) : readRequest(options.file!, stdin);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    line(io.err, errStyle.red(`evaluate: ${error.message}`));
    line(io.err, errStyle.dim('Run npm run evaluate -- --help for the options.'));
    return 2;
  }

  if (options.printRequest) {
    line(io.out, JSON.stringify(request, null, 2));
    return 0;
  }

  const today = options.today;
  const service = await startLocalService({
    env: { PUBLIC_BASE_URL: `http://localhost:${env.PORT ?? 3000}`, ...forwardedSettings(env) },
    // Noon local time on the given day, so the service's calendar date is that day in any time zone.
    ...(today ? { clock: () => new Date(`${today}T12:00:00`) } : {}),
  });
  try {
    const hookServices = service.runtime.deps.services.flatMap((s) => s.hooks);
    const services = hookServices.map((h) => h.id);
    // A request names its hook: the service answering that hook is the one to call (each hook has its own CDS service).
    const forHook = hookServices.filter((h) => h.hook.name === (request as { hook?: unknown })?.hook).map((h) => h.id);
    // No service for the request's hook (none named, or one not served): with one declaration, its first hook's
    // service (the declaration's own id) answers, so the service itself says what is wrong, as to an EHR.
    const declarations = service.runtime.deps.services;
    const fallback = services.length === 1 ? services[0]! : declarations.length === 1 ? declarations[0]!.id : undefined;
    const serviceId = options.service ?? (forHook.length === 1 ? forHook[0]! : forHook.length === 0 ? fallback : undefined);
    if (!serviceId || !services.includes(serviceId)) {
      line(io.err, errStyle.red(`evaluate: ${options.service ? `no service "${options.service}"` : 'no single service for this request\'s hook: choose one with --service'}; known: ${services.join(', ')}`));
      return 2;
    }
    const answer = await callService(service.baseUrl, serviceId, request);
    if (options.json) {
      line(io.out, JSON.stringify(answer.body, null, 2));
      return answer.status === 200 ? 0 : 1;
    }
    if (answer.status !== 200) {
      const body = answer.body as OperationOutcome | undefined;
      line(io.err, errStyle.red(`The service refused the request: HTTP ${answer.status}`));
      if (body?.resourceType === 'OperationOutcome') line(io.err, `  ${outcomeText(body)}`);
      return 1;
    }
    const response = answer.body as HookResponse;
    line(io.out, style.bold(`${serviceId}: ${describeRequest(request)}${today ? `, decided as of ${today}` : ''}`));
    const howToChart = howToChartFrom(service.runtime.deps.services);
    for (const text of formatSummary(summarizeResponse(response), style, { full: true, howToChart })) line(io.out, text);
    line(io.out);
    line(io.out, style.dim(`${plural(response.cards.length, 'card')}, ${plural(response.systemActions?.length ?? 0, 'system action')}. The full response: add --json.`));
    return 0;
  } finally {
    await service.close();
  }
}

/**
 * A scenario patient's request for `hook` (dates moved to `today`, default today), as the test page sends it.
 * The service is the one whose scenario patients (its own, or its policies') include the scenario, unless
 * --service names it.
 */
function requestForScenario(id: string, hook: string, serviceOption: string | undefined, today: string | undefined): unknown {
  const services = loadServices();
  const libraries = services.flatMap((service) => {
    const library = ScenarioLibrary.forServiceAndPolicies(service);
    return library ? [{ service, library }] : [];
  });
  const named = serviceOption ? services.find((s) => s.id === serviceOption || s.hooks.some((h) => h.id === serviceOption)) : undefined;
  if (serviceOption && !named) throw new UsageError(`no service "${serviceOption}"; known: ${services.map((s) => s.id).join(', ')}`);
  const candidates = named ? libraries.filter((l) => l.service === named) : libraries.filter((l) => l.library.scenarios.some((s) => s.id === id || s.patientId === id));
  if (named && candidates.length === 0) throw new UsageError(`service ${named.id} ships no scenarios`);
  if (candidates.length > 1) throw new UsageError(`scenario "${id}" is a scenario of several services: choose one with --service (${candidates.map((c) => c.service.id).join(', ')})`);
  // No service has it: the usage error lists the scenarios there are.
  const { service, library } = candidates[0] ?? libraries[0] ?? {};
  if (!service || !library) throw new UsageError('no service ships scenarios');
  if (!service.hooks.some((h) => h.hook.name === hook)) throw new UsageError(`service ${service.id} does not answer ${hook}; it answers ${service.hooks.map((h) => h.hook.name).join(', ')}`);
  const [scenario] = selectScenarios(library, [id]);
  return scenarioHookRequest(hook, service, library, scenario!, today ?? localDate(new Date()));
}

/**
 * The integrator's view of a criterion to document: its citation's howToDocument (the data profile's FHIR
 * words), found by the title the card gives it, in the policy the card names (else in any policy).
 */
function howToChartFrom(services: LoadedService[]): (policy: string | undefined, title: string) => string | undefined {
  const policies = services.flatMap((s) => s.policies);
  return (policy, title) => {
    const named = policy ? policies.filter((p) => policy.startsWith(`${p.document.id} `)) : [];
    for (const candidate of [...named, ...policies]) {
      // Cards name a criterion without the analyst's verification notes (src/cards/card-text.ts).
      const citation = Object.values(candidate.citations).find((c) => c.title === title || withoutVerificationNotes(c.title) === title);
      if (citation) return citation.howToDocument;
    }
    return undefined;
  };
}

/** "order-sign for Patient/facet-05, 1 draft order", from a request the service accepted. */
function describeRequest(request: unknown): string {
  const r = request as {
    hook?: string;
    context?: { patientId?: string; draftOrders?: { entry?: unknown[] }; dispatchedOrders?: unknown[]; appointments?: { entry?: unknown[] } };
    prefetch?: object;
    fhirServer?: string;
  };
  const what = r.context?.appointments
    ? plural(r.context.appointments.entry?.length ?? 0, 'appointment')
    : r.context?.dispatchedOrders
      ? plural(r.context.dispatchedOrders.length, 'dispatched order')
      : plural(r.context?.draftOrders?.entry?.length ?? 0, 'draft order');
  const data = r.prefetch ? plural(Object.keys(r.prefetch).length, 'prefetch key') : 'no prefetch';
  return `${r.hook} for Patient/${r.context?.patientId}, ${what}, ${data}${r.fhirServer ? `, fhirServer ${r.fhirServer}` : ''}`;
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  main(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`evaluate failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
