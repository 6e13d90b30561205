import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensureDirSync } from './data-dir';
import { feedbackKey } from './feedback-key';
import { DEFAULT_PAGE_SIZE, type DecisionPage, type DecisionRecord, type FeedbackItem, type Store, type StoredFeedback } from './types';

/**
 * Schema versions, applied in order and recorded in schema_migrations, so an existing file is upgraded
 * in place. Append new versions; never edit one that has shipped.
 */
export const SQLITE_MIGRATIONS: string[] = [
  `CREATE TABLE feedback (
     id TEXT PRIMARY KEY,
     service_id TEXT NOT NULL,
     card TEXT NOT NULL,
     outcome TEXT NOT NULL,
     accepted_suggestions TEXT,
     override_system TEXT,
     override_code TEXT,
     override_display TEXT,
     user_comment TEXT,
     outcome_timestamp TEXT NOT NULL,
     received_at TEXT NOT NULL
   );
   CREATE INDEX feedback_received_at ON feedback (received_at);
   CREATE INDEX feedback_card ON feedback (card);
   CREATE TABLE decisions (
     coverage_assertion_id TEXT PRIMARY KEY,
     hook_instance TEXT NOT NULL,
     service_id TEXT NOT NULL,
     decided_at TEXT NOT NULL,
     record TEXT NOT NULL
   );
   CREATE INDEX decisions_decided_at ON decisions (decided_at);
   CREATE TABLE jwt_ids (
     iss TEXT NOT NULL,
     jti TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     PRIMARY KEY (iss, jti)
   );`,
  // 2: one row per process written by probeWrite (start-up, /ready while writes fail).
  `CREATE TABLE write_probe (
     id TEXT PRIMARY KEY,
     written_at TEXT NOT NULL
   );`,
];

/**
 * The embedded default: one SQLite file in DATA_DIR (WAL mode), for a single instance. The audit trail is
 * readable by the service's user only, like the audit spool: a folder the store creates is 0700, and the
 * database and its -wal and -shm files are 0600 whatever the umask.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string, migrations: string[] = SQLITE_MIGRATIONS) {
    const onDisk = file !== ':memory:' && file !== '';
    if (onDisk) {
      ensureDirSync(path.dirname(file));
      // SQLite gives the -wal and -shm files it creates the database file's mode: create that one 0600 first.
      ownerOnly(file, { create: true });
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL commits without an fsync (the WAL is synced at checkpoints): a commit survives the
    // process being killed, and the database stays consistent; only the last commits before a power failure
    // or an operating-system crash can be rolled back (README, "Decision records"). FULL cost an fsync per
    // decision record on the event loop (issue 15).
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    if (onDisk) for (const suffix of ['-wal', '-shm']) ownerOnly(`${file}${suffix}`, { create: false }); // left by an earlier run
    this.migrate(migrations);
  }

  static inDataDir(dataDir: string): SqliteStore {
    return new SqliteStore(path.join(dataDir, 'facet-cds.sqlite'));
  }

  /** Applies the versions not yet recorded, each in its own transaction (IMMEDIATE: one process at a time). */
  private migrate(migrations: string[]): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    migrations.forEach((sql, i) => {
      const version = i + 1;
      this.db.transaction(() => {
        if (this.db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(version)) return;
        this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
      }).immediate();
    });
  }

  /** Versions applied to this database, in order. */
  schemaVersions(): number[] {
    return (this.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version);
  }

  async saveFeedback(serviceId: string, items: FeedbackItem[], receivedAt: Date): Promise<{ stored: number; duplicates: number }> {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO feedback (id, service_id, card, outcome, accepted_suggestions, override_system, override_code,
         override_display, user_comment, outcome_timestamp, received_at)
       VALUES (@id, @serviceId, @card, @outcome, @accepted, @system, @code, @display, @comment, @outcomeTimestamp, @receivedAt)`,
    );
    let stored = 0;
    this.db.transaction(() => {
      for (const item of items) {
        const result = insert.run({
          id: feedbackKey(serviceId, item),
          serviceId,
          card: item.card,
          outcome: item.outcome,
          accepted: item.acceptedSuggestions ? JSON.stringify(item.acceptedSuggestions.map((s) => s.id)) : null,
          system: item.overrideReason?.reason?.system ?? null,
          code: item.overrideReason?.reason?.code ?? null,
          display: item.overrideReason?.reason?.display ?? null,
          comment: item.overrideReason?.userComment ?? null,
          outcomeTimestamp: item.outcomeTimestamp,
          receivedAt: receivedAt.toISOString(),
        });
        stored += result.changes;
      }
    })();
    return { stored, duplicates: items.length - stored };
  }

  /** Prepared once: every decision goes through it. */
  private insertDecision?: Database.Statement;

  async saveDecision(record: DecisionRecord, json: string = JSON.stringify(record)): Promise<void> {
    (this.insertDecision ??= this.db.prepare(
      `INSERT INTO decisions (coverage_assertion_id, hook_instance, service_id, decided_at, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (coverage_assertion_id) DO NOTHING`,
    ))
      .run(record.coverageAssertionId, record.hookInstance, record.serviceId, new Date(record.decidedAt).toISOString(), json);
  }

  async getDecision(coverageAssertionId: string, maxBytes = Infinity): Promise<DecisionRecord | undefined> {
    // The size first, without reading the record (octet_length of TEXT reads the length only); a record over
    // the limit is reduced in SQLite's C JSON code, never parsed whole here.
    const row = this.db
      .prepare(
        `SELECT octet_length(record) AS bytes,
                CASE WHEN octet_length(record) <= @max THEN record ELSE json_remove(record, ${OVERSIZED_PATHS.map((p) => `'$.${p}'`).join(', ')}) END AS record
         FROM decisions WHERE coverage_assertion_id = @id`,
      )
      .get({ id: coverageAssertionId, max: Number.isFinite(maxBytes) ? maxBytes : Number.MAX_SAFE_INTEGER }) as { bytes: number; record: string } | undefined;
    if (!row) return undefined;
    const record = JSON.parse(row.record) as DecisionRecord;
    return row.bytes <= maxBytes ? record : markOversized(record, row.bytes, maxBytes);
  }

  async claimJti(iss: string, jti: string, expiresAt: Date): Promise<boolean> {
    const result = this.db.prepare('INSERT OR IGNORE INTO jwt_ids (iss, jti, expires_at) VALUES (?, ?, ?)').run(iss, jti, expiresAt.toISOString());
    return result.changes === 1;
  }

  async listDecisions(from: Date, to: Date, page: DecisionPage = {}): Promise<DecisionRecord[]> {
    const after = page.after;
    const rows = this.db
      .prepare(
        `SELECT record FROM decisions
         WHERE decided_at >= @from AND decided_at < @to
           AND (@afterAt IS NULL OR decided_at > @afterAt OR (decided_at = @afterAt AND coverage_assertion_id > @afterId))
         ORDER BY decided_at, coverage_assertion_id LIMIT @limit`,
      )
      .all({
        from: from.toISOString(),
        to: to.toISOString(),
        afterAt: after ? new Date(after.decidedAt).toISOString() : null,
        afterId: after?.coverageAssertionId ?? null,
        limit: page.limit ?? DEFAULT_PAGE_SIZE,
      }) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as DecisionRecord);
  }

  async feedbackForCards(cardUuids: string[]): Promise<StoredFeedback[]> {
    const found: StoredFeedback[] = [];
    // SQLite caps bound parameters per statement: ask in chunks.
    for (let i = 0; i < cardUuids.length; i += 500) {
      const chunk = cardUuids.slice(i, i + 500);
      const rows = this.db
        .prepare(`SELECT * FROM feedback WHERE card IN (${chunk.map(() => '?').join(',')}) ORDER BY received_at, card, id`)
        .all(...chunk) as Array<Record<string, string | null>>;
      found.push(...rows.map(rowToFeedback));
    }
    return found;
  }

  async listFeedback(from: Date, to: Date): Promise<StoredFeedback[]> {
    const rows = this.db
      .prepare('SELECT * FROM feedback WHERE received_at >= ? AND received_at < ? ORDER BY received_at, card, id')
      .all(from.toISOString(), to.toISOString()) as Array<Record<string, string | null>>;
    return rows.map(rowToFeedback);
  }

  async purge(before: Date, now: Date): Promise<number> {
    let removed = 0;
    this.db.transaction(() => {
      removed += this.db.prepare('DELETE FROM decisions WHERE decided_at < ?').run(before.toISOString()).changes;
      removed += this.db.prepare('DELETE FROM feedback WHERE received_at < ?').run(before.toISOString()).changes;
      this.db.prepare('DELETE FROM jwt_ids WHERE expires_at < ?').run(now.toISOString());
    })();
    return removed;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async probeWrite(): Promise<void> {
    this.db
      .prepare('INSERT INTO write_probe (id, written_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at')
      .run(`pid-${process.pid}`, new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** What a record too large to read back leaves out (the rest identifies it and says who may read it). */
export const OVERSIZED_PATHS = ['orders', 'units', 'data', 'response'] as const;

export function markOversized(reduced: DecisionRecord, storedBytes: number, maxBytes: number): DecisionRecord {
  return {
    ...reduced,
    orders: [],
    truncated: {
      limitBytes: maxBytes,
      fullBytes: storedBytes,
      omitted: [
        ...(reduced.truncated?.omitted ?? []),
        `read back: the stored record (${storedBytes} bytes) is larger than AUDIT_MAX_RECORD_BYTES (${maxBytes}), so its ${OVERSIZED_PATHS.join(', ')} were left out of this answer; they are in the store`,
      ],
    },
  };
}

export function rowToFeedback(row: Record<string, string | null>): StoredFeedback {
  return {
    serviceId: row.service_id!,
    card: row.card!,
    outcome: row.outcome as StoredFeedback['outcome'],
    ...(row.accepted_suggestions ? { acceptedSuggestions: (JSON.parse(row.accepted_suggestions) as string[]).map((id) => ({ id })) } : {}),
    ...(row.override_code || row.user_comment
      ? {
          overrideReason: {
            ...(row.override_code
              ? { reason: { system: row.override_system ?? undefined, code: row.override_code, display: row.override_display ?? undefined } }
              : {}),
            ...(row.user_comment ? { userComment: row.user_comment } : {}),
          },
        }
      : {}),
    outcomeTimestamp: row.outcome_timestamp!,
    receivedAt: row.received_at!,
  };
}

/**
 * Makes a database file readable and writable by its owner only (0600): created so when `create` and
 * missing, tightened when it exists (a file an earlier version left 0644). A file owned by another user
 * cannot be changed and is left as it is.
 */
function ownerOnly(file: string, options: { create: boolean }): void {
  if (options.create) {
    try {
      fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR, 0o600));
      fs.chmodSync(file, 0o600); // exactly 0600, whatever the umask
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  try {
    if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
