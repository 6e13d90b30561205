import pg from 'pg';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations';
import { PostgresStore } from '../../src/store/postgres-store';
import { createTestDatabase, NO_POSTGRES, testDatabaseUrl, type TestDatabase } from '../helpers/postgres';
import { describeUnless } from '../helpers/skip';
import { decisionRecord } from './fixtures';
import { storeContract, type StoreHarness } from './store-contract';

const serverUrl = testDatabaseUrl('PostgresStore suite');

describeUnless(serverUrl ? undefined : NO_POSTGRES, 'PostgresStore (DATABASE_URL, shared by replicas)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(serverUrl!);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Drops every table, so each test starts from an empty database and runs the migrations again. */
  async function emptyDatabase(): Promise<void> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    } finally {
      await client.end();
    }
  }

  const harness: StoreHarness = {
    open: () => PostgresStore.connect(db.url),
    reset: emptyDatabase,
  };

  describe('store contract', () => storeContract(() => harness));

  describe('migrations', () => {
    beforeEach(emptyDatabase);

    it('migrates once when replicas start together (advisory lock)', async () => {
      const stores = await Promise.all([PostgresStore.connect(db.url), PostgresStore.connect(db.url), PostgresStore.connect(db.url)]);
      try {
        for (const store of stores) expect(await store.schemaVersions()).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('applies a new version to an existing database, keeping its data', async () => {
      const v1 = await PostgresStore.connect(db.url);
      await v1.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      await v1.close();
      const v2 = await PostgresStore.connect(db.url, { migrations: [...POSTGRES_MIGRATIONS, 'CREATE INDEX decisions_hook_instance ON decisions (hook_instance);'] });
      try {
        expect(await v2.schemaVersions()).toEqual([...POSTGRES_MIGRATIONS, 'x'].map((_, i) => i + 1));
        expect(await v2.getDecision('ca-1')).toBeDefined();
      } finally {
        await v2.close();
      }
    });

    it('rolls a failing migration back and refuses to start, naming DATABASE_URL', async () => {
      await expect(PostgresStore.connect(db.url, { migrations: [...POSTGRES_MIGRATIONS, 'CREATE TABLE decisions (x INTEGER);'] })).rejects.toThrow(
        /DATABASE_URL.*already exists/,
      );
      const check = await PostgresStore.connect(db.url);
      try {
        expect(await check.schemaVersions()).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
      } finally {
        await check.close();
      }
    });
  });

  it('fails start-up with a clear reason when the server cannot be reached, without echoing the password', async () => {
    const unreachable = 'postgres://facet:s3cret-pw@127.0.0.1:1/facet';
    const error = await PostgresStore.connect(unreachable).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^PostgreSQL store \(DATABASE_URL\) unavailable: .*ECONNREFUSED/);
    expect(error?.message).not.toContain('s3cret-pw');
  });
});
