import cluster, { type Worker } from 'node:cluster';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { currentWorker } from '../src/cluster';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logging';
import { createRuntime } from '../src/runtime';
import { mountBaseline } from './baseline';
import { BENCH_TODAY } from './chart';

/**
 * The server under test, in its own process (the load generator runs in the parent, so the two don't
 * share an event loop). Configured as a deployment would be: info-level JSON logs on stdout (the parent
 * points stdout at /dev/null), the default SQLite store in a fresh data folder, open mode (no JWT: the
 * same for the hook and the baseline). Only the clock is fixed, so the benchmark charts stay valid.
 * Talks to the parent over IPC: "ready" with its port, "rss" and "cpu" (ms used so far) on request, "stop" to flush and exit.
 * With WEB_CONCURRENCY > 1 it is a node:cluster primary with that many workers (as src/server.ts), and
 * "rss" and "cpu" are the sums over the primary and its workers.
 */
const workers = Number(process.env.WEB_CONCURRENCY ?? 1);

async function main(): Promise<void> {
  const dataDir = process.env.BENCH_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-bench-'));
  // 8 connections of 2.9 MB bodies (facet-5000) are 23 MB in flight: past the default BODY_MAX_BYTES_IN_FLIGHT
  // (BODY_LIMIT, 10 MB) the service would answer 503s, as it should; the bench measures the work, so it makes room.
  const config = loadConfig({ BODY_MAX_BYTES_IN_FLIGHT: String(64 * 1024 * 1024), ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' });
  const worker = currentWorker();
  const logger = createLogger(config.logLevel, undefined, worker ? { worker: worker.index } : {});
  const runtime = await createRuntime(config, { logger, clock: () => new Date(`${BENCH_TODAY}T15:00:00Z`), ...(worker ? { worker } : {}) });
  mountBaseline(runtime.app);
  const server = runtime.app.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
  });
  server.keepAliveTimeout = 65_000;

  process.on('message', (message: { type: string }) => {
    if (message.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss });
    if (message.type === 'cpu') process.send!({ type: 'cpu', cpu: cpuMs() });
    if (message.type === 'stop') {
      server.close();
      server.closeAllConnections();
      void runtime.close().finally(() => {
        if (!worker) fs.rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The cluster primary: forks the workers, answers the parent for all of them. */
async function primary(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-bench-'));
  const forked: Worker[] = [];
  const ports = await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const worker = cluster.fork({ FACET_CDS_WORKER: `${i + 1}/${workers}`, BENCH_DATA_DIR: dataDir });
      forked.push(worker);
      return new Promise<number>((resolve) => worker.once('message', (m: { type: string; port: number }) => m.type === 'ready' && resolve(m.port)));
    }),
  );
  const ask = (worker: Worker, type: string, field: string) =>
    new Promise<number>((resolve) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        resolve(m[field] as number);
      };
      worker.on('message', onMessage);
      worker.send({ type });
    });
  const sum = async (type: string, field: string, own: number) => own + (await Promise.all(forked.map((w) => ask(w, type, field)))).reduce((a, b) => a + b, 0);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'rss') void sum('rss', 'rss', process.memoryUsage().rss).then((rss) => process.send!({ type: 'rss', rss }));
    if (message.type === 'cpu') void sum('cpu', 'cpu', cpuMs()).then((cpu) => process.send!({ type: 'cpu', cpu }));
    if (message.type === 'stop') {
      let left = forked.length;
      for (const worker of forked) {
        worker.once('exit', () => {
          if (--left > 0) return;
          fs.rmSync(dataDir, { recursive: true, force: true });
          process.exit(0);
        });
        worker.send({ type: 'stop' });
      }
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', port: ports[0] });
}

(workers > 1 && cluster.isPrimary ? primary() : main()).catch((error: unknown) => {
  process.stderr.write(`bench server could not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
