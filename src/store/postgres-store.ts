import os from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { feedbackKey } from './feedback-key';
import { MIGRATION_LOCK_KEY, POSTGRES_MIGRATIONS } from './postgres-migrations';
import { OVERSIZED_PATHS, markOversized, rowToFeedback } from './sqlite-store';
import { DEFAULT_PAGE_SIZE, type DecisionPage, type DecisionRecord, type FeedbackItem, type Store, type StoredFeedback } from './types';

export interface PostgresOptions {
  /** Connections per process (DATABASE_POOL_MAX); replicas × this must stay under the server's max_connections. */
  poolMax?: number;
  logger?: Logger;
  migrations?: string[];
}

/**
 * The shared store for many replicas (DATABASE_URL): feedback, decision records and the JWT `jti`
 * replay set live in one PostgreSQL database, so any replica can answer any request.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;

  private constructor(private readonly pool: pg.Pool) {}

  /** Connects, then applies pending migrations; fails start-up (with the reason, never the password) if either fails. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // Bounded waits: a stuck database must surface as an error (retried, spooled), not a hung request.
      statement_timeout: 10_000,
      query_timeout: 15_000,
      application_name: 'facet-cds',
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process.
    pool.on('error', (error) => options.logger?.warn({ err: { message: error.message } }, 'PostgreSQL idle connection error'));
    const store = new PostgresStore(pool);
    try {
      await store.migrate(options.migrations ?? POSTGRES_MIGRATIONS);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(`PostgreSQL store (DATABASE_URL) unavailable: ${(error as Error).message}`);
    }
    return store;
  }

  private async migrate(migrations: string[]): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const [i, sql] of migrations.entries()) {
        const version = i + 1;
        if (applied.has(version)) continue;
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [version]);
      }
    });
  }

  /** Versions applied to this database, in order. */
  async schemaVersions(): Promise<number[]> {
    return (await this.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
  }

  async saveFeedback(serviceId: string, items: FeedbackItem[], receivedAt: Date): Promise<{ stored: number; duplicates: number }> {
    let stored = 0;
    await this.transaction(async (client) => {
      for (const item of items) {
        const result = await client.query(
          `INSERT INTO feedback (id, service_id, card, outcome, accepted_suggestions, override_system, override_code,
             override_display, user_comment, outcome_timestamp, received_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (id) DO NOTHING`,
          [
            feedbackKey(serviceId, item),
            serviceId,
            item.card,
            item.outcome,
            item.acceptedSuggestions ? JSON.stringify(item.acceptedSuggestions.map((s) => s.id)) : null,
            item.overrideReason?.reason?.system ?? null,
            item.overrideReason?.reason?.code ?? null,
            item.overrideReason?.reason?.display ?? null,
            item.overrideReason?.userComment ?? null,
            item.outcomeTimestamp,
            receivedAt,
          ],
        );
        stored += result.rowCount ?? 0;
      }
    });
    return { stored, duplicates: items.length - stored };
  }

  async saveDecision(record: DecisionRecord, json: string = JSON.stringify(record)): Promise<void> {
    await this.pool.query(
      `INSERT INTO decisions (coverage_assertion_id, hook_instance, service_id, decided_at, record) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (coverage_assertion_id) DO NOTHING`,
      [record.coverageAssertionId, record.hookInstance, record.serviceId, record.decidedAt, json],
    );
  }

  async getDecision(coverageAssertionId: string, maxBytes = Infinity): Promise<DecisionRecord | undefined> {
    // The size is measured in the database, and a record over the limit reduced there: never parsed whole here.
    const { rows } = await this.pool.query<{ bytes: string; record: DecisionRecord }>(
      `SELECT sized.bytes, CASE WHEN sized.bytes <= $2 THEN d.record ELSE d.record ${OVERSIZED_PATHS.map((p) => `- '${p}'`).join(' ')} END AS record
       FROM decisions d, LATERAL (SELECT octet_length(d.record::text)::bigint AS bytes) sized
       WHERE d.coverage_assertion_id = $1`,
      [coverageAssertionId, Number.isFinite(maxBytes) ? maxBytes : Number.MAX_SAFE_INTEGER],
    );
    const row = rows[0];
    if (!row) return undefined;
    const bytes = Number(row.bytes);
    return bytes <= maxBytes ? row.record : markOversized(row.record, bytes, maxBytes);
  }

  async claimJti(iss: string, jti: string, expiresAt: Date): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO jwt_ids (iss, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT (iss, jti) DO NOTHING', [iss, jti, expiresAt]);
    return result.rowCount === 1;
  }

  async listDecisions(from: Date, to: Date, page: DecisionPage = {}): Promise<DecisionRecord[]> {
    const after = page.after;
    const { rows } = await this.pool.query<{ record: DecisionRecord }>(
      `SELECT record FROM decisions
       WHERE decided_at >= $1 AND decided_at < $2
         AND ($3::timestamptz IS NULL OR (decided_at, coverage_assertion_id) > ($3::timestamptz, $4::text))
       ORDER BY decided_at, coverage_assertion_id LIMIT $5`,
      [from, to, after?.decidedAt ?? null, after?.coverageAssertionId ?? null, page.limit ?? DEFAULT_PAGE_SIZE],
    );
    return rows.map((r) => r.record);
  }

  async listFeedback(from: Date, to: Date): Promise<StoredFeedback[]> {
    const { rows } = await this.pool.query<FeedbackRow>('SELECT * FROM feedback WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at, card, id', [from, to]);
    return rows.map(pgRowToFeedback);
  }

  async feedbackForCards(cardUuids: string[]): Promise<StoredFeedback[]> {
    if (cardUuids.length === 0) return [];
    const { rows } = await this.pool.query<FeedbackRow>('SELECT * FROM feedback WHERE card = ANY($1::text[]) ORDER BY received_at, card, id', [cardUuids]);
    return rows.map(pgRowToFeedback);
  }

  async purge(before: Date, now: Date): Promise<number> {
    return this.transaction(async (client) => {
      const decisions = await client.query('DELETE FROM decisions WHERE decided_at < $1', [before]);
      const feedback = await client.query('DELETE FROM feedback WHERE received_at < $1', [before]);
      await client.query('DELETE FROM jwt_ids WHERE expires_at < $1', [now]);
      return (decisions.rowCount ?? 0) + (feedback.rowCount ?? 0);
    });
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async probeWrite(): Promise<void> {
    await this.pool.query('INSERT INTO write_probe (id, written_at) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at', [
      `${os.hostname()}-${process.pid}`,
    ]);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

interface FeedbackRow {
  id: string;
  service_id: string;
  card: string;
  outcome: string;
  accepted_suggestions: string[] | null;
  override_system: string | null;
  override_code: string | null;
  override_display: string | null;
  user_comment: string | null;
  outcome_timestamp: string;
  received_at: Date;
}

/** pg hands back jsonb parsed and timestamptz as Date: bring the row to the SQLite shape and share the mapping. */
function pgRowToFeedback(row: FeedbackRow): StoredFeedback {
  return rowToFeedback({
    ...row,
    accepted_suggestions: row.accepted_suggestions ? JSON.stringify(row.accepted_suggestions) : null,
    received_at: row.received_at.toISOString(),
  });
}
