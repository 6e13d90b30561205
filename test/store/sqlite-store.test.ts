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

  describe('migrations', () => {
    it('creates the file in DATA_DIR, applies version 1 once and records it', async () => {
      const dataDir = path.join(dir, 'data-dir');
      const first = SqliteStore.inDataDir(dataDir);
      expect(fs.existsSync(path.join(dataDir, 'facet-cds.sqlite'))).toBe(true);
      expect(first.schemaVersions()).toEqual([1]);
      await first.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      await first.close();
      const again = SqliteStore.inDataDir(dataDir);
      expect(again.schemaVersions()).toEqual([1]);
      expect(await again.getDecision('ca-1')).toBeDefined();
      await again.close();
    });

    it('upgrades an existing file in place with a new version, keeping its data', async () => {
      const upgraded = path.join(dir, 'upgrade.sqlite');
      const v1 = new SqliteStore(upgraded);
      await v1.saveDecision(decisionRecord('ca-1', '2026-11-26T15:00:00.000Z'));
      await v1.close();
      const v2 = new SqliteStore(upgraded, [...SQLITE_MIGRATIONS, 'CREATE INDEX decisions_hook_instance ON decisions (hook_instance);']);
      expect(v2.schemaVersions()).toEqual([1, 2]);
      expect(await v2.getDecision('ca-1')).toBeDefined();
      await v2.close();
      const raw = new Database(upgraded, { readonly: true });
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'decisions_hook_instance'").get()).toEqual({ name: 'decisions_hook_instance' });
      raw.close();
    });

    it('rolls a failing migration back and refuses to start', () => {
      const broken = path.join(dir, 'broken.sqlite');
      expect(() => new SqliteStore(broken, [...SQLITE_MIGRATIONS, 'CREATE TABLE decisions (x INTEGER);'])).toThrow(/already exists/);
      const check = new SqliteStore(broken);
      expect(check.schemaVersions()).toEqual([1]);
      void check.close();
    });
  });
});
