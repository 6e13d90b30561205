import type { Store } from './types';

/** Placeholder until the PostgreSQL backend lands: refuses to start rather than pretend. */
export class PostgresStore {
  static async connect(_url: string): Promise<Store> {
    throw new Error('DATABASE_URL is set but the PostgreSQL store is not available in this build');
  }
}
