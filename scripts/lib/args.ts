import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the tool cannot run with: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into UsageError (they name the bad option). */
export function parseCommandLine<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD option value that is a real calendar date. */
export function dateOption(value: string, name: string): string {
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`${name} must be a date such as 2026-11-26, got "${value}"`);
  }
  return value;
}
