import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS, SqliteStore } from '../../src/store/sqlite-store';
import { decisionRecord } from './fixtures';
import { storeContract, type StoreHarness } from './store-contract';

describe('SqliteStore (embedded default, DATA_DIR)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-sqlite-'));
  let file = '';
  let n = 0;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const harness: StoreHarness = {
    async open() {
      return new SqliteStore(file);
    },
    async reset() {
      file = path.join(dir, `store-${++n}.sqlite`);
    },
  };

  describe('store contract', () => storeContract(() => harness));

  describe('file modes: the audit trail is readable by the service user only', () => {
    const mode = (file: string) => fs.statSync(file).mode & 0o777;
    let umask: number;
    beforeEach(() => {
      umask = process.umask(0o022); // the usual default, which leaves new files 0644
    });
    afterEach(() => {
      process.umask(umask);
    });

    it('creates DATA_DIR 0700, and the database and its -wal and -shm files 0600', async () => {
      const dataDir = path.join(dir, 'modes', 'data');
      const store = SqliteStore.inDataDir(dataDir);
      await store.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z')); // the WAL holds it until a checkpoint
      const db = path.join(dataDir, 'facet-cds.sqlite');
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(path.join(dir, 'modes'))).toBe(0o700);
      expect(fs.existsSync(`${db}-wal`) && fs.existsSync(`${db}-shm`)).toBe(true);
      expect([db, `${db}-wal`, `${db}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      await store.close();
    });

    it('tightens the files of an existing database left readable by others', async () => {
      const dataDir = path.join(dir, 'modes-existing');
      fs.mkdirSync(dataDir, { mode: 0o755 });
      const db = path.join(dataDir, 'facet-cds.sqlite');
      const raw = new Database(db);
      raw.pragma('journal_mode = WAL');
      raw.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);');
      for (const file of [db, `${db}-wal`, `${db}-shm`]) fs.chmodSync(file, 0o644);
      const store = SqliteStore.inDataDir(dataDir);
      expect([db, `${db}-wal`, `${db}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
      expect(mode(dataDir)).toBe(0o755); // a folder the operator made is theirs to set
      await store.close();
      raw.close();
    });
  });

  describe('migrations', () => {
    it('creates the file in DATA_DIR, applies each version once and records it', async () => {
      const dataDir = path.join(dir, 'data-dir');
      const first = SqliteStore.inDataDir(dataDir);
      expect(fs.existsSync(path.join(dataDir, 'facet-cds.sqlite'))).toBe(true);
      expect(first.schemaVersions()).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
      await first.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      await first.close();
      const again = SqliteStore.inDataDir(dataDir);
      expect(again.schemaVersions()).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
      expect(await again.getDecision('ca-1')).toBeDefined();
      await again.close();
    });

    it('upgrades an existing file in place with a new version, keeping its data', async () => {
      const upgraded = path.join(dir, 'upgrade.sqlite');
      const v1 = new SqliteStore(upgraded);
      await v1.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      await v1.close();
      const v2 = new SqliteStore(upgraded, [...SQLITE_MIGRATIONS, 'CREATE INDEX decisions_hook_instance ON decisions (hook_instance);']);
      expect(v2.schemaVersions()).toEqual([...SQLITE_MIGRATIONS, 'x'].map((_, i) => i + 1));
      expect(await v2.getDecision('ca-1')).toBeDefined();
      await v2.close();
      const raw = new Database(upgraded, { readonly: true });
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'decisions_hook_instance'").get()).toEqual({ name: 'decisions_hook_instance' });
      raw.close();
    });

    it('opens a database written before issue 12 (schema version 1, records with criteria on every order): upgraded in place, its records read and written as before', async () => {
      const file = path.join(dir, 'v1.sqlite');
      const v1 = new SqliteStore(file, SQLITE_MIGRATIONS.slice(0, 1));
      const legacy = decisionRecord('ca-legacy', '2026-11-26T15:00:00.000Z');
      await v1.saveDecision(legacy);
      await v1.close();
      const now = new SqliteStore(file);
      expect(now.schemaVersions()).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
      expect(await now.getDecision('ca-legacy', 2 * 1024 * 1024)).toEqual(legacy);
      await now.probeWrite();
      await now.close();
    });

    it('rolls a failing migration back and refuses to start', () => {
      const broken = path.join(dir, 'broken.sqlite');
      expect(() => new SqliteStore(broken, [...SQLITE_MIGRATIONS, 'CREATE TABLE decisions (x INTEGER);'])).toThrow(/already exists/);
      const check = new SqliteStore(broken);
      expect(check.schemaVersions()).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
      void check.close();
    });
  });

  describe('durability (issue 15: no fsync per decision on the event loop)', () => {
    it('runs in WAL mode with synchronous=NORMAL, so a commit does not wait for the disk', async () => {
      const file = path.join(dir, 'pragmas.sqlite');
      const store = new SqliteStore(file);
      await store.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      // Read back through the store's own connection settings: a second connection would see its own defaults.
      const settings = (store as unknown as { db: Database.Database }).db;
      expect(settings.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(settings.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      await store.close();
    });

    it('keeps every record committed before the process is killed outright (SIGKILL): the WAL holds them', () => {
      const file = path.join(dir, 'killed.sqlite');
      const script = `
        const { SqliteStore } = require(${JSON.stringify(path.resolve(__dirname, '../../src/store/sqlite-store.ts'))});
        const { decisionRecord } = require(${JSON.stringify(path.resolve(__dirname, 'fixtures.ts'))});
        (async () => {
          const store = new SqliteStore(${JSON.stringify(file)});
          for (let i = 0; i < 20; i++) await store.saveDecision(decisionRecord('killed-' + i, '2026-11-26T15:00:00.000Z'));
          process.kill(process.pid, 'SIGKILL');
        })();`;
      const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
      expect(result.signal).toBe('SIGKILL');
      const reopened = new Database(file, { readonly: true });
      expect(reopened.prepare("SELECT count(*) AS n FROM decisions WHERE coverage_assertion_id LIKE 'killed-%'").get()).toEqual({ n: 20 });
      reopened.close();
    });
  });
});
