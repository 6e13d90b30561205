/**
 * Leak check behind the soak's RSS figures: the service in-process (JWT mode, SQLite file store), rounds
 * of realistic calls over loopback, and after each round a full garbage collection and the live heap.
 * RSS moves with the collector's sawtooth; the heap left after a full GC is what a leak would grow.
 *
 *   node --expose-gc --import tsx scripts/soak-heap.ts            # 20 rounds of 400 calls
 *   HEAP_ROUNDS=40 node --expose-gc --import tsx scripts/soak-heap.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SqliteStore } from '../src/store/sqlite-store';
import { clientToken, ehrClient, jwtRuntime, PUBLIC_BASE, signingKey } from '../test/security/jwt-fixtures';
import { realisticHookRequest } from './realistic-chart';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

const ROUNDS = Number(process.env.HEAP_ROUNDS ?? '20');
const CALLS = 400;
const CONCURRENCY = 10;
const SERVICE_PATH = '/cds-services/facet-joint-interventions';

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc --import tsx scripts/soak-heap.ts');
  const key = await signingKey();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-heap-'));
  const runtime = await jwtRuntime([ehrClient(key)], { store: new SqliteStore(path.join(dir, 'facet-cds.sqlite')), env: { DATA_DIR: dir } });
  const server = runtime.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SERVICE_PATH}`;
  // The test runtime's clock is fixed on the TEST_NOW date, so the charts are dated from it too.
  const bodies = Array.from({ length: 50 }, (_, variant) => JSON.stringify(realisticHookRequest({ patientId: 'pat-1', today: '2026-11-26', hookInstance: `heap-${variant}`, variant })));
  const heaps: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const tokens = await Promise.all(Array.from({ length: CALLS }, () => clientToken(key, `${PUBLIC_BASE}${SERVICE_PATH}`)));
      for (let i = 0; i < CALLS; i += CONCURRENCY) {
        await Promise.all(
          tokens.slice(i, i + CONCURRENCY).map(async (token, j) => {
            const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: bodies[(i + j) % bodies.length] });
            if (res.status !== 200) throw new Error(`call answered ${res.status}`);
            await res.arrayBuffer();
          }),
        );
      }
      await runtime.deps.decisionLog.flush();
      gc();
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      heaps.push(heapUsed / 1048576);
      process.stdout.write(`round ${String(round + 1).padStart(2)}: ${(round + 1) * CALLS} calls, heap after GC ${(heapUsed / 1048576).toFixed(1)} MB, RSS ${(rss / 1048576).toFixed(1)} MB\n`);
    }
    const half = Math.floor(heaps.length / 2);
    const secondHalf = heaps.slice(half);
    process.stdout.write(`heap after GC, second half of the run: ${Math.min(...secondHalf).toFixed(1)}–${Math.max(...secondHalf).toFixed(1)} MB (first round ${heaps[0]!.toFixed(1)} MB)\n`);
  } finally {
    server.close();
    await runtime.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

exitQuietlyWhenOutputCloses();
void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
