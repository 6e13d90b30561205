import type { AppConfig } from '../config';
import { PostgresStore } from './postgres-store';
import { SqliteStore } from './sqlite-store';
import type { Store } from './types';

/** SQLite in DATA_DIR by default; PostgreSQL when DATABASE_URL is set. */
export async function createStore(config: AppConfig): Promise<Store> {
  if (config.databaseUrl) return PostgresStore.connect(config.databaseUrl);
  return SqliteStore.inDataDir(config.dataDir);
}
