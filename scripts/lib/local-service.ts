import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import axios from 'axios';
import { loadConfig } from '../../src/config';
import { Metrics } from '../../src/observability/metrics';
import { createRuntime, type Runtime } from '../../src/runtime';
import { SqliteStore } from '../../src/store/sqlite-store';

/**
 * The real service, started inside a command-line tool on a loopback port: the same runtime and HTTP
 * routes as `npm start`, but in open mode, with an in-memory store and a throw-away data folder, so a
 * tool needs no set-up and leaves nothing behind.
 */
export interface LocalService {
  /** e.g. http://127.0.0.1:41235 */
  baseUrl: string;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface LocalServiceOptions {
  /** Settings the tool passes through (FHIR_TIMEOUT_MS, FHIR_SERVER_ALLOWLIST, HEALTH_PLAN_NAME, LOG_LEVEL…). */
  env?: Record<string, string | undefined>;
  clock?: () => Date;
  /** The loopback port to listen on (default 0: a free one). */
  port?: number;
}

/** Environment variables a tool forwards to its embedded service; everything else (clients file, database) stays out. */
export const FORWARDED_SETTINGS = ['FHIR_SERVER_ALLOWLIST', 'FHIR_TIMEOUT_MS', 'FHIR_MAX_PAGES', 'HEALTH_PLAN_NAME', 'PUBLIC_BASE_URL', 'LOG_LEVEL'] as const;

export function forwardedSettings(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(FORWARDED_SETTINGS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
}

export async function startLocalService(options: LocalServiceOptions = {}): Promise<LocalService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-tool-'));
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', ...options.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' });
  const runtime = await createRuntime(config, {
    store: new SqliteStore(':memory:'),
    metrics: new Metrics({ defaultMetrics: false }),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = runtime.app.listen(options.port ?? 0, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
  } catch (error) {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    runtime,
    async close() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await runtime.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HookAnswer {
  status: number;
  body: unknown;
}

/** POSTs a hook request to `{baseUrl}/cds-services/{serviceId}` as an EHR would (JSON, no redirects). */
export async function callService(baseUrl: string, serviceId: string, request: unknown, timeoutMs = 60_000): Promise<HookAnswer> {
  const response = await axios.post(`${baseUrl}/cds-services/${encodeURIComponent(serviceId)}`, request, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    timeout: timeoutMs,
    maxRedirects: 0,
    validateStatus: () => true,
    proxy: false,
  });
  return { status: response.status, body: response.data as unknown };
}
