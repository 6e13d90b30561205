import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import { createRuntime } from '../src/runtime';
import { mountBaseline } from './baseline';
import { BENCH_TODAY } from './chart';

/**
 * The server under test, in its own process (the load generator runs in the parent, so the two don't
 * share an event loop). Configured as a deployment would be: info-level JSON logs on stdout (the parent
 * points stdout at /dev/null), the default SQLite store in a fresh data folder, open mode (no JWT: the
 * same for the hook and the baseline). Only the clock is fixed, so the benchmark charts stay valid.
 * Talks to the parent over IPC: "ready" with its port, "rss" and "cpu" (ms used so far) on request, "stop" to flush and exit.
 */
async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-bench-'));
  const config = loadConfig({ ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' });
  const runtime = await createRuntime(config, { clock: () => new Date(`${BENCH_TODAY}T15:00:00Z`) });
  mountBaseline(runtime.app);
  const server = runtime.app.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  server.keepAliveTimeout = 65_000;

  process.on('message', (message: { type: string }) => {
    if (message.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss });
    if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ type: 'cpu', cpu: (user + system) / 1000 });
    }
    if (message.type === 'stop') {
      server.close();
      server.closeAllConnections();
      void runtime.close().finally(() => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server could not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
