import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the PG suites use: TEST_DATABASE_URL (CI starts one with .ci/start-postgres).
 * Unset: the suites are skipped with a visible message, unless REQUIRE_POSTGRES=1 (CI), where a
 * missing server fails the run instead of passing silently.
 */
/** Why the PostgreSQL suites are skipped when TEST_DATABASE_URL is unset (the skipped-suites reporter prints it). */
export const NO_POSTGRES = 'no PostgreSQL server (TEST_DATABASE_URL unset; run eval "$(.ci/start-postgres)" first)';

export function testDatabaseUrl(suite: string): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (url) return url;
  if (process.env.REQUIRE_POSTGRES === '1') {
    throw new Error(`${suite}: REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set (run: eval "$(.ci/start-postgres)")`);
  }
  console.warn(`SKIPPED ${suite}: no PostgreSQL configured. Run eval "$(.ci/start-postgres)" first to include it.`);
  return undefined;
}

export interface TestDatabase {
  /** Connection string of a fresh, empty database of its own. */
  url: string;
  drop(): Promise<void>;
}

/** A database of its own for one suite (suites run in parallel workers), dropped afterwards. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `facet_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
