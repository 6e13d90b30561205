import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { StartupError } from '../errors';
import { createStore } from '../store/create-store';
import { buildReport } from './report';
import { formatReport } from './report-format';
import { exitQuietlyWhenOutputCloses } from '../cli-output';

const USAGE = `Usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]

Decisions by outcome, the criteria most often unmet or undocumented, accepted suggestions and
override rates with reasons, for decisions made from --from (00:00 UTC) through --to (inclusive,
to 24:00 UTC). Defaults: the 30 days up to today. Full ISO date-times are accepted too.
Reads the store the service uses: DATABASE_URL when set, else DATA_DIR/facet-cds.sqlite.`;

const DAY_MS = 24 * 60 * 60 * 1000;

export class UsageError extends Error {}

export interface ReportArgs {
  from: Date;
  to: Date;
  json: boolean;
}

/** Parses the command line; throws UsageError with what is wrong. */
export function parseReportArgs(argv: string[], now = new Date()): ReportArgs {
  let from: Date | undefined;
  let to: Date | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a date, e.g. ${flag} 2026-11-01`);
      return v;
    };
    if (flag === '--from') from = parseDate(value(), '--from', 'start');
    else if (flag === '--to') to = parseDate(value(), '--to', 'end');
    else if (flag === '--json') json = true;
    else if (flag === '--help' || flag === '-h') throw new UsageError('');
    else throw new UsageError(`Unknown option "${arg}"`);
  }
  to ??= new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY_MS);
  from ??= new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw new UsageError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
  return { from, to, json };
}

/** A day means the whole day: --from starts at its 00:00 UTC, --to ends at its 24:00 UTC. */
function parseDate(value: string, flag: string, edge: 'start' | 'end'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) throw new UsageError(`${flag}: "${value}" is not a calendar date`);
    return edge === 'start' ? day : new Date(day.getTime() + DAY_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value);
  throw new UsageError(`${flag}: "${value}" is not a date (YYYY-MM-DD or an ISO 8601 date-time)`);
}

/** Runs the report against the configured store; returns the process exit code. */
export async function runReport(argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let args: ReportArgs;
  try {
    args = parseReportArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) err(`${error.message}\n\n`);
    err(`${USAGE}\n`);
    return error.message ? 2 : 0;
  }
  try {
    const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    if (!config.databaseUrl && !fs.existsSync(path.join(config.dataDir, 'facet-cds.sqlite'))) {
      err(`No decisions database at ${path.join(config.dataDir, 'facet-cds.sqlite')}: set DATA_DIR to the service's data folder, or DATABASE_URL.\n`);
      return 1;
    }
    const store = await createStore(config);
    try {
      const report = await buildReport(store, args.from, args.to);
      out(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    err(`report failed: ${error instanceof StartupError ? error.message : (error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  runReport(process.argv.slice(2), process.env, (t) => process.stdout.write(t), (t) => process.stderr.write(t)).then((code) => {
    process.exitCode = code;
  });
}
