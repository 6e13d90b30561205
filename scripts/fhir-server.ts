import { UsageError, parseCommandLine } from './lib/args';
import { startEmbeddedFhirServer, type EmbeddedFhirServer } from './lib/embedded-fhir-server';
import { line, styleFor, type Output } from './lib/terminal';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

/** Not 8080: docker/compose.yaml publishes its nginx there (and HAPI FHIR defaults to it). */
export const DEFAULT_PORT = 8090;

const USAGE = `Runs the in-memory FHIR R4 server the demo uses, in the foreground, until Ctrl-C (or SIGTERM).

Usage: npm run fhir-server [-- options]

  --port PORT   the port to listen on, on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --help        this text

A stand-in for an EHR's FHIR server, for trying the service with fhirServer: load the scenario patients
into it from another terminal (npm run load-patients -- --fhir-server http://127.0.0.1:${DEFAULT_PORT}/fhir). It
keeps everything in memory: stopping it forgets what was loaded. Loopback servers are on the service's
default FHIR_SERVER_ALLOWLIST. Not a conformance reference for FHIR search (no paging, no _include).`;

/** Resolves at the first SIGINT or SIGTERM. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function portOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  return Number(value);
}

/**
 * The CLI, callable in-process (tests): serves until `running` (given the server) resolves, by default
 * the first SIGINT or SIGTERM, then closes the server; returns the exit code.
 */
export async function main(
  argv: string[],
  io: Output,
  env: NodeJS.ProcessEnv = process.env,
  running: (server: EmbeddedFhirServer) => Promise<void> = untilSignal,
): Promise<number> {
  const style = styleFor(io.out, env);
  let port: number;
  try {
    const { values } = parseCommandLine(argv, { port: { type: 'string' }, help: { type: 'boolean' } });
    if (values.help) {
      line(io.out, USAGE);
      return 0;
    }
    port = portOption(values.port);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    line(io.err, styleFor(io.err, env).red(`fhir-server: ${error.message}`));
    line(io.err, styleFor(io.err, env).dim('Run npm run fhir-server -- --help for the options.'));
    return 2;
  }

  let server: EmbeddedFhirServer;
  try {
    server = await startEmbeddedFhirServer(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is in use; choose another with --port` : (error as Error).message;
    line(io.err, styleFor(io.err, env).red(`fhir-server: cannot listen on 127.0.0.1:${port}: ${why}`));
    return 1;
  }
  line(io.out, `${style.bold('FHIR R4 server (in memory)')} at ${style.green(server.baseUrl)}`);
  line(io.out, style.dim(`Load the scenario patients from another terminal: npm run load-patients -- --fhir-server ${server.baseUrl}`));
  line(io.out, style.dim('Ctrl-C stops it (and forgets what was loaded).'));
  try {
    await running(server);
  } finally {
    await server.close();
  }
  line(io.out, 'FHIR server stopped.');
  return 0;
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  main(process.argv.slice(2), { out: process.stdout, err: process.stderr }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`fhir-server failed: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
