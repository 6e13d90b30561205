import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASELINE_PATH, HOOK_PATH, benchCases, chartOf, fallbackBody } from './cases';
import { startFhirStub, type FhirStub } from './fhir-stub';
import { pass } from './load';
import { printSummary } from './profile-summary';
import { startServer } from './server-process';

/**
 * `npm run bench:profile -- <case> [seconds] [--baseline]`: the same load as the benchmark, on one case,
 * with the server under `node --cpu-prof`; prints where the server's time went and keeps the profile
 * (open it in Chrome DevTools or speedscope). Cases: no-facet, no-facet-500, facet-50, facet-500, facet-5000,
 * and fallback (no prefetch, the FHIR stub answering after 50 ms, one request at a time).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const baseline = args.includes('--baseline');
  const [id = 'facet-500', seconds = '10'] = args.filter((a) => !a.startsWith('--'));
  const stub: FhirStub | undefined = id === 'fallback' ? await startFhirStub(chartOf(50).resources, 50) : undefined;
  const benchCase = stub ? { label: 'fallback', body: fallbackBody(stub.baseUrl) } : benchCases().find((c) => c.id === id);
  if (!benchCase) throw new Error(`unknown case ${id}; one of ${benchCases().map((c) => c.id).join(', ')}, fallback`);
  const connections = stub ? 1 : 8;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-profile-'));
  const server = await startServer(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    const target = { url: `${server.baseUrl}${baseline ? BASELINE_PATH : HOOK_PATH}`, body: benchCase.body };
    await pass(target, connections, 2); // warm-up, in the profile too but small
    const { rps } = await pass(target, connections, Number(seconds));
    process.stdout.write(`${benchCase.label} (${baseline ? 'baseline' : 'hook'}): ${Math.round(rps)} req/s under the profiler\n`);
  } finally {
    await server.stop();
    await stub?.close();
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  printSummary(path.join(dir, file));
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
