import cluster from 'node:cluster';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Maintenance } from './audit/maintenance';
import { currentWorker, runPrimary } from './cluster';
import { loadConfig } from './config';
import { StartupError } from './errors';
import { createLogger, stdoutSink } from './logging';
import { listeningLine } from './http/listening-line';
import { createRuntime } from './runtime';

/** SIGTERM to exit, at most (README): less than the Kubernetes manifest's terminationGracePeriodSeconds (40). */
const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    runPrimary(config.webConcurrency, createLogger(config.logLevel, undefined, { role: 'primary' }));
    return;
  }
  const worker = currentWorker();
  const logger = createLogger(config.logLevel, undefined, worker ? { worker: worker.index } : {});
  const runtime = await createRuntime(config, { logger, ...(worker ? { worker } : {}) });
  // Replays the audit spool now and every minute; purges past AUDIT_RETENTION_DAYS every AUDIT_PURGE_INTERVAL_MINUTES.
  const maintenance = new Maintenance({
    store: runtime.deps.store,
    decisionLog: runtime.deps.decisionLog,
    logger,
    metrics: runtime.deps.metrics,
    retentionDays: config.auditRetentionDays,
    purgeIntervalMinutes: config.auditPurgeIntervalMinutes,
  });
  const server: Server = runtime.app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, host: config.host, services: runtime.deps.services.map((s) => s.id), store: runtime.deps.store.kind, env: config.env },
      listeningLine(config, port),
    );
  });
  maintenance.start();
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  let stopping = false;
  // EHRs keep connections open: a keep-alive connection whose answer is sent after server.close() stays
  // open, idle, until keepAliveTimeout, and close() waits for it (Node 20 does not close it by itself).
  // While stopping, every answer closes its connection; one whose headers were already out closes once idle.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    for (const res of inFlight) {
      if (!res.headersSent) res.setHeader('Connection', 'close');
      else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
    }
    runtime.deps.readiness.startDraining();
    // Whatever happens, the process ends within SHUTDOWN_GRACE_MS: nothing here waits on the log output.
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await maintenance.stop();
      // One last try at the spool: the data folder may not outlive this process (a Kubernetes emptyDir).
      await runtime.deps.decisionLog.replaySpool().catch(() => undefined);
      // Records the store has not taken within 10 s are spooled to DATA_DIR, replayed at the next start.
      await runtime.close({ flushDeadlineMs: 10_000 });
      logger.info('stopped');
      // The last lines get a moment to reach a slow reader; a closed or stalled log pipe does not hold the exit.
      await stdoutSink().drained(1000);
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof StartupError ? error.message : (error as Error)?.stack ?? String(error);
  process.stderr.write(`facet-cds could not start: ${message}\n`);
  process.exit(1);
});
