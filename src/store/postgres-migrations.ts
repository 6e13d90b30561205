/**
 * PostgreSQL schema versions, applied in order under an advisory lock and recorded in
 * schema_migrations, so replicas starting together migrate once. Append new versions; never edit
 * one that has shipped. Same tables as the SQLite schema, with native types (timestamptz, jsonb).
 */
export const POSTGRES_MIGRATIONS: string[] = [
  `CREATE TABLE feedback (
     id TEXT PRIMARY KEY,
     service_id TEXT NOT NULL,
     card TEXT NOT NULL,
     outcome TEXT NOT NULL,
     accepted_suggestions JSONB,
     override_system TEXT,
     override_code TEXT,
     override_display TEXT,
     user_comment TEXT,
     outcome_timestamp TEXT NOT NULL,
     received_at TIMESTAMPTZ NOT NULL
   );
   CREATE INDEX feedback_received_at ON feedback (received_at);
   CREATE INDEX feedback_card ON feedback (card);
   CREATE TABLE decisions (
     coverage_assertion_id TEXT PRIMARY KEY,
     hook_instance TEXT NOT NULL,
     service_id TEXT NOT NULL,
     decided_at TIMESTAMPTZ NOT NULL,
     record JSONB NOT NULL
   );
   CREATE INDEX decisions_decided_at ON decisions (decided_at, coverage_assertion_id);
   CREATE TABLE jwt_ids (
     iss TEXT NOT NULL,
     jti TEXT NOT NULL,
     expires_at TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (iss, jti)
   );
   CREATE INDEX jwt_ids_expires_at ON jwt_ids (expires_at);`,
  // 2: one row per replica written by probeWrite (start-up, /ready while writes fail).
  `CREATE TABLE write_probe (
     id TEXT PRIMARY KEY,
     written_at TIMESTAMPTZ NOT NULL
   );`,
];

/** pg_advisory_xact_lock key for migrations ("facetcds" as an int8). */
export const MIGRATION_LOCK_KEY = '7377286952005100659';
