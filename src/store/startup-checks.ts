import type { AppConfig } from '../config';
import type { DecisionLog } from '../audit/decision-log';
import { StartupError } from '../errors';
import { ensureDirSync } from './data-dir';
import type { Store } from './types';

/** DATA_DIR exists (created 0700 with its parents if missing), or start-up stops with one line naming it. */
export function ensureDataDir(config: AppConfig): void {
  try {
    ensureDirSync(config.dataDir);
  } catch (error) {
    throw new StartupError(`DATA_DIR (${config.dataDir}) cannot be used: ${reason(error)}. Set DATA_DIR to a folder this user can create and write.`);
  }
}

/**
 * Before the service takes a call, everything it must keep can be written: the audit spool in DATA_DIR,
 * and the store (a real write: a SQLite file opened read-only, a full disk, or a PostgreSQL user without
 * write rights fails here). Each refusal is one line naming the variable to fix.
 */
export async function checkWritable(config: AppConfig, store: Store, decisionLog: DecisionLog): Promise<void> {
  try {
    await decisionLog.probeSpool();
  } catch (error) {
    throw new StartupError(`DATA_DIR (${config.dataDir}): the audit spool ${decisionLog.spoolPath} cannot be written: ${reason(error)}`);
  }
  try {
    await store.probeWrite();
  } catch (error) {
    throw new StartupError(
      store.kind === 'postgres'
        ? `DATABASE_URL: the PostgreSQL store cannot be written: ${reason(error)}`
        : `DATA_DIR (${config.dataDir}): the SQLite database cannot be written (${reason(error)}); check that the folder and facet-cds.sqlite belong to this user and the disk is not full or read-only`,
    );
  }
}

function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code && !String(e.message).startsWith(e.code) ? `${e.code}: ${e.message}` : String(e?.message ?? error);
}
