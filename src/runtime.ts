import type { Logger } from 'pino';
import type { AppConfig } from './config';
import { DecisionLog } from './audit/decision-log';
import { createApp, type AppDeps } from './app';
import { adoptOrphanSpools, spoolFileName, type WorkerIdentity } from './cluster';
import { loadServices } from './declarations/load';
import type { LoadedService } from './declarations/types';
import { FhirClient } from './fhir/fhir-client';
import { createLogger } from './logging';
import { instrumentStore } from './observability/instrumented-store';
import { Metrics } from './observability/metrics';
import { Readiness } from './observability/readiness';
import { StoreHealth } from './observability/store-health';
import { checkWritable, ensureDataDir } from './store/startup-checks';
import type { Authenticator } from './security/authenticator';
import { createAuthenticator } from './security/create-authenticator';
import { createStore } from './store/create-store';
import type { Store } from './store/types';

export interface Runtime {
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  /** Flushes the audit log (spooling what the deadline leaves unwritten) and closes the store. */
  close(options?: { flushDeadlineMs?: number }): Promise<void>;
}

export interface RuntimeOverrides {
  logger?: Logger;
  store?: Store;
  services?: LoadedService[];
  authenticator?: Authenticator;
  clock?: () => Date;
  newId?: () => string;
  metrics?: Metrics;
  /** This process's place under WEB_CONCURRENCY (src/cluster.ts): its own audit spool file. */
  worker?: WorkerIdentity;
}

/** Wires the service from configuration: declarations, store, audit log, FHIR client, authentication. */
export async function createRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const services = overrides.services ?? loadServices();
  const metrics = overrides.metrics ?? new Metrics({ defaultMetrics: config.env !== 'test' });
  // DATA_DIR holds the SQLite database and the audit spool: a folder that cannot be made stops start-up here.
  ensureDataDir(config);
  // Every store operation timed and its failures counted (cds_store_*), whichever backend; writes tell the health.
  const health = new StoreHealth(metrics);
  const store = instrumentStore(overrides.store ?? (await createStore(config, logger)), metrics, health);
  const decisionLog = new DecisionLog(store, logger, metrics, config.dataDir, { maxRecordBytes: config.auditMaxRecordBytes, health, spoolFileName: spoolFileName(overrides.worker) });
  if (overrides.worker) {
    // Spools of workers that no longer exist (WEB_CONCURRENCY lowered) are replayed by worker 1.
    const adopted = adoptOrphanSpools(config.dataDir, overrides.worker, decisionLog.spoolPath);
    if (adopted.length > 0) logger.info({ adopted }, 'audit spools of workers no longer running taken over');
  }
  await checkWritable(config, store, decisionLog).catch(async (error: unknown) => {
    await store.close(); // a refused start-up leaves no database handle behind
    throw error;
  });
  const fhirClient = new FhirClient({
    maxPages: config.fhirMaxPages,
    maxConcurrency: config.fhirMaxConcurrency,
    maxResponseBytes: config.fhirMaxResponseBytes,
    maxBytesPerCall: config.fhirMaxBytesPerCall,
    maxBytesInFlight: config.fhirMaxBytesInFlight,
    onBytesInFlight: (bytes) => metrics.fhirBytesInFlight.set(bytes),
    onRequest: ({ status, durationMs }) => metrics.fhirRequestDuration.observe({ status: String(status) }, durationMs / 1000),
  });
  const authenticator =
    overrides.authenticator ??
    (await createAuthenticator(config, { store, logger, metrics, clock: overrides.clock }).catch(async (error: unknown) => {
      await store.close(); // a refused start-up leaves no database handle behind
      throw error;
    }));
  if (authenticator.mode === 'open') {
    logger.warn(
      'OPEN MODE: no CDS_CLIENTS_FILE, so callers are NOT authenticated. For local development and sandbox testing only; production refuses to start like this.',
    );
  } else {
    logger.info({ clients: 'issuers' in authenticator ? authenticator.issuers : undefined }, 'JWT client authentication on: only the clients in CDS_CLIENTS_FILE may call');
  }
  const readiness = new Readiness(store, () => services.length, 2000, {
    health,
    probe: () => Promise.allSettled([store.probeWrite(), decisionLog.probeSpool()]),
  });
  const deps: AppDeps = {
    config,
    services,
    logger,
    metrics,
    store,
    decisionLog,
    fhirClient,
    authenticator,
    readiness,
    clock: overrides.clock,
    newId: overrides.newId,
  };
  return {
    deps,
    app: createApp(deps),
    async close(options = {}) {
      await decisionLog.flush(options.flushDeadlineMs);
      await decisionLog.close();
      await store.close();
      fhirClient.close();
    },
  };
}
