import type { Logger } from 'pino';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { createRuntime, type Runtime, type RuntimeOverrides } from '../../src/runtime';
import { SqliteStore } from '../../src/store/sqlite-store';

export const TEST_NOW = new Date('2026-11-26T15:00:00Z');

/** Deterministic ids: "id-1", "id-2"… per runtime, so responses compare stably. */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

export interface TestRuntimeOptions extends RuntimeOverrides {
  env?: Record<string, string>;
}

/** A runtime for tests: in-memory SQLite, fixed clock, sequential ids, silent logs unless given. */
export async function testRuntime(options: TestRuntimeOptions = {}): Promise<Runtime> {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/facet-cds-test', FHIR_TIMEOUT_MS: '1000', ...options.env });
  return createRuntime(config, {
    store: new SqliteStore(':memory:'),
    clock: () => TEST_NOW,
    newId: sequentialIds(),
    logger: pino({ level: 'silent' }) as Logger,
    ...options,
  });
}

/** The service's own logger (redaction, request ids), keeping every line to assert what is and is not logged. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/**
 * Every value the runtime's cds_fhir_bytes_in_flight gauge is set to, in order: what the FHIR byte budgets
 * held, counted, never timed. Undone by jest.restoreAllMocks().
 */
export function watchFhirBytesHeld(runtime: Runtime): number[] {
  const held: number[] = [];
  const gauge = runtime.deps.metrics.fhirBytesInFlight;
  const set = gauge.set.bind(gauge);
  jest.spyOn(gauge, 'set').mockImplementation((value: number) => {
    held.push(value);
    set(value);
  });
  return held;
}
