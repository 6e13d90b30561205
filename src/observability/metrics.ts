import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one app instance (its own registry, so tests and replicas don't share).
 * Labels are service ids, outcomes, criteria and operations: never patients, clients' tokens or ids.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly hookDuration = new Histogram({
    name: 'cds_hook_duration_seconds',
    help: 'Time to answer a CDS Hooks service call',
    labelNames: ['service', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly orderOutcomes = new Counter({
    name: 'cds_order_outcomes_total',
    help: 'In-scope orders decided, by outcome',
    labelNames: ['service', 'outcome'],
    registers: [this.registry],
  });
  readonly criterionResults = new Counter({
    name: 'cds_criterion_results_total',
    help: 'Criterion results, by criterion and status',
    labelNames: ['service', 'criterion', 'section', 'status'],
    registers: [this.registry],
  });
  readonly fhirRequestDuration = new Histogram({
    name: 'cds_fhir_request_duration_seconds',
    help: 'Outbound FHIR requests to EHR servers, by HTTP status (or error)',
    labelNames: ['status'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers: [this.registry],
  });
  readonly fhirErrors = new Counter({
    name: 'cds_fhir_errors_total',
    help: 'Prefetch keys that could not be fetched, by failure kind',
    labelNames: ['failure'],
    registers: [this.registry],
  });
  readonly fhirBytesInFlight = new Gauge({
    name: 'cds_fhir_bytes_in_flight',
    help: 'Bytes of FHIR answers held by hook calls in progress (bounded by FHIR_MAX_BYTES_IN_FLIGHT)',
    registers: [this.registry],
  });
  readonly requestBodyBytesInFlight = new Gauge({
    name: 'cds_request_body_bytes_in_flight',
    help: 'Request body bytes (by Content-Length) of the requests being read or answered (bounded by BODY_MAX_BYTES_IN_FLIGHT)',
    registers: [this.registry],
  });
  readonly storeDuration = new Histogram({
    name: 'cds_store_operation_duration_seconds',
    help: 'Store (SQLite or PostgreSQL) operations, by operation and result',
    labelNames: ['operation', 'result'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly storeWritable = new Gauge({
    name: 'cds_store_writable',
    help: '1 while decision records and feedback can be written (store, and audit spool on disk); 0 after repeated write failures (also /ready 503)',
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'cds_store_errors_total',
    help: 'Failed store operations, by operation',
    labelNames: ['operation'],
    registers: [this.registry],
  });
  readonly auditRecords = new Counter({
    name: 'cds_audit_records_total',
    help: 'Decision records by fate: written (to the store), spooled (to local disk after the store failed), replayed (from the spool into the store), lost (store and spool both failed)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly auditSpooled = new Counter({
    name: 'cds_audit_spooled_total',
    help: 'Decision records written to the local spool after the store failed',
    registers: [this.registry],
  });
  readonly auditTruncated = new Counter({
    name: 'cds_audit_truncated_total',
    help: 'Decision records larger than AUDIT_MAX_RECORD_BYTES, stored truncated (and marked so)',
    registers: [this.registry],
  });
  readonly auditUnsaved = new Gauge({
    name: 'cds_audit_unsaved_records',
    help: 'Decision records the store and the spool both refused, kept in memory and retried every minute (lost if the process stops first)',
    registers: [this.registry],
  });
  readonly auditPending = new Gauge({
    name: 'cds_audit_pending_writes',
    help: 'Decision records handed to the audit log and not yet written or spooled',
    registers: [this.registry],
  });
  readonly auditPurged = new Counter({
    name: 'cds_audit_purged_total',
    help: 'Decision records and feedback entries removed by the retention purge (AUDIT_RETENTION_DAYS)',
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'cds_auth_failures_total',
    help: 'Requests refused by client authentication, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    // Every label combination an alert may watch is present from the start (0 rather than absent).
    for (const result of ['written', 'spooled', 'replayed', 'lost']) this.auditRecords.inc({ result }, 0);
  }
}
