import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { Store } from './types';

/** SQLite in DATA_DIR by default; PostgreSQL when DATABASE_URL is set (migrated before the service listens). */
export async function createStore(config: AppConfig, logger?: Logger): Promise<Store> {
  if (config.databaseUrl) return PostgresStore.connect(config.databaseUrl, { poolMax: config.databasePoolMax, logger });
  return SqliteStore.inDataDir(config.dataDir);
}
