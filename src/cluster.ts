import cluster, { type Worker } from 'node:cluster';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * WEB_CONCURRENCY > 1: the primary process forks that many workers with node:cluster. They share the port
 * (the primary accepts connections and hands them out round-robin) and each is a replica as separate
 * instances are: its own store connection (the same SQLite file or PostgreSQL database, so decision
 * records, feedback and the JWT replay cache are shared), its own audit spool file, its own FHIR client,
 * caches and metrics. The primary only forks, restarts a worker that dies, and passes SIGTERM/SIGINT on.
 */

/** Set by the primary in each worker's environment: "index/count", e.g. "2/4". */
const WORKER_ENV = 'FACET_CDS_WORKER';

export interface WorkerIdentity {
  /** 1 to count; stable across restarts of that worker. */
  index: number;
  count: number;
}

/** The worker this process is, when it runs under the cluster primary. */
export function currentWorker(env: Record<string, string | undefined> = process.env): WorkerIdentity | undefined {
  if (!cluster.isWorker) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(env[WORKER_ENV] ?? '');
  return match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
}

const SPOOL = 'audit-spool.jsonl';

/**
 * The audit spool file of a worker, in DATA_DIR: worker 1 (and a single process) keeps `audit-spool.jsonl`,
 * worker k `audit-spool-k.jsonl`. One file per process, so appends and the replay's rename never race.
 */
export function spoolFileName(worker: WorkerIdentity | undefined): string {
  return !worker || worker.index === 1 ? SPOOL : `audit-spool-${worker.index}.jsonl`;
}

/**
 * Worker 1 takes over the spools of workers that no longer exist (WEB_CONCURRENCY lowered since they were
 * written): their lines are appended to its own spool, which it replays. Returns the files taken over.
 */
export function adoptOrphanSpools(dataDir: string, worker: WorkerIdentity, ownSpool: string): string[] {
  if (worker.index !== 1 || !fs.existsSync(dataDir)) return [];
  const adopted: string[] = [];
  for (const name of fs.readdirSync(dataDir)) {
    const match = /^audit-spool-(\d+)\.jsonl(\.replaying)?$/.exec(name);
    if (!match || Number(match[1]) <= worker.count) continue;
    const file = path.join(dataDir, name);
    const text = fs.readFileSync(file, 'utf8');
    if (text.trim()) fs.appendFileSync(ownSpool, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
    fs.unlinkSync(file);
    adopted.push(name);
  }
  return adopted;
}

/** A worker that dies this soon after its start is failing to start: the primary stops instead of looping. */
const CRASH_LOOP_MS = 5_000;
/** The primary's own bound on shutdown, just over a worker's (25 s, server.ts). */
const PRIMARY_SHUTDOWN_MS = 27_000;

/**
 * The primary: forks `count` workers, restarts one that dies (unless it dies while starting: then the
 * whole service stops, as a single process that cannot start does), and on SIGTERM/SIGINT passes the signal
 * on and exits when they have (0 when all exited 0).
 */
export function runPrimary(count: number, logger: Logger): void {
  const byWorker = new Map<Worker, { index: number; started: number; listening: boolean }>();
  let stopping = false;
  let failed = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_ENV]: `${index}/${count}` });
    byWorker.set(worker, { index, started: Date.now(), listening: false });
    worker.once('listening', () => {
      const entry = byWorker.get(worker);
      if (entry) entry.listening = true;
    });
  };
  cluster.on('exit', (worker, code, signal) => {
    const entry = byWorker.get(worker);
    byWorker.delete(worker);
    if (!entry) return;
    if (code !== 0) failed = true;
    if (stopping) {
      if (byWorker.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!entry.listening || Date.now() - entry.started < CRASH_LOOP_MS) {
      // It could not start (its own line on stderr says why): stop everything, as a single process would.
      logger.fatal({ worker: entry.index, code, signal }, 'a worker could not start; stopping the service');
      stop('worker failed to start');
      return;
    }
    logger.error({ worker: entry.index, code, signal }, 'worker exited; starting another');
    fork(entry.index);
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (signal !== 'worker failed to start') logger.info({ signal, workers: byWorker.size }, 'shutting down the workers');
    else failed = true;
    const force = setTimeout(() => {
      logger.error('workers took too long to stop; exiting');
      for (const worker of byWorker.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, PRIMARY_SHUTDOWN_MS);
    force.unref();
    if (byWorker.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of byWorker.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ workers: count }, `facet-cds starting ${count} workers (WEB_CONCURRENCY)`);
  for (let index = 1; index <= count; index++) fork(index);
}
