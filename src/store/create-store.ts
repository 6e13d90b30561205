import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { Store } from './types';
import { StartupError } from '../errors';

/**
 * SQLite in DATA_DIR by default; PostgreSQL when DATABASE_URL is set (migrated before the service listens).
 * A store that cannot be opened stops start-up with one line naming the variable, not a stack trace.
 */
export async function createStore(config: AppConfig, logger?: Logger): Promise<Store> {
  if (config.databaseUrl) {
    try {
      return await PostgresStore.connect(config.databaseUrl, { poolMax: config.databasePoolMax, logger });
    } catch (error) {
      // The message names DATABASE_URL and the reason, never the password.
      throw new StartupError((error as Error).message);
    }
  }
  try {
    return SqliteStore.inDataDir(config.dataDir);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new StartupError(`DATA_DIR (${config.dataDir}): the SQLite database facet-cds.sqlite cannot be opened (${e.code ? `${e.code}: ` : ''}${e.message})`);
  }
}
