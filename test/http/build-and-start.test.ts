import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { fullPrefetch, hookRequest, MEETS_POLICY } from '../helpers/builders';
import { freePort } from '../../scripts/lib/free-port';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * What `npm start` runs on a fresh clone (issue 2, item 1): the production build (tsconfig.build.json)
 * in dist/, started with `node dist/src/server.js`, with no configuration but PORT and HOST. The
 * build goes to a temporary clone-shaped folder (dist/, docs/, node_modules/) so the repository's own
 * dist/ is left alone; the built server must find its service declarations and docs/.
 */
const ROOT = path.resolve(__dirname, '../..');

describe('the production build', () => {
  let clone: string;
  beforeAll(() => {
    clone = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-clone-'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    fs.symlinkSync(path.join(ROOT, 'docs'), path.join(clone, 'docs'));
    const tsc = require.resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(clone, 'dist')], { encoding: 'utf8' });
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);
  });
  afterAll(() => fs.rmSync(clone, { recursive: true, force: true }));

  it('is what npm start runs, after building with tsconfig.build.json', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(scripts.prestart).toBe('npm run build');
    expect(scripts.build).toBe('tsc -p tsconfig.build.json');
    // A young generation that holds a large request's parsed chart (issue 15, docs/performance.md), as in the image.
    expect(scripts.start).toBe('node --max-semi-space-size=64 dist/src/server.js');
  });

  it('emits the declaration\'s JSON next to its compiled modules', () => {
    const folder = path.join(clone, 'dist', 'cds-services', 'facet-joint-interventions');
    for (const file of ['index.js', 'service.json', 'value-sets.json', 'facts.json', 'thresholds.json', 'citations.json', 'coding.json']) {
      expect(fs.existsSync(path.join(folder, file))).toBe(true);
    }
  });

  it('serves discovery, the data profile and a decision on the PORT given, on loopback when HOST is unset (open mode), and stops on SIGTERM', async () => {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, ['--max-semi-space-size=64', path.join(clone, 'dist', 'src', 'server.js')], {
      cwd: clone,
      env: { PATH: process.env.PATH, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => (/facet-cds listening/.test(output.join('')) ? resolve() : undefined);
        child.stdout.on('data', check);
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${output.join('')}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const started = JSON.parse(output.join('').split('\n').find((l) => l.includes('facet-cds listening'))!);
      expect(started.host).toBe('127.0.0.1');
      expect(started.msg).toBe(`facet-cds listening on http://localhost:${port}/cds-services; order-entry test page: http://localhost:${port}/sandbox (this machine only; set HOST=0.0.0.0 to listen on the network)`);
      const discovery = await request(base).get('/cds-services');
      expect(discovery.status).toBe(200);
      expect(discovery.body.services.map((s: { id: string }) => s.id)).toEqual(['facet-joint-interventions', 'facet-joint-interventions-order-select', 'facet-joint-interventions-order-dispatch', 'facet-joint-interventions-appointment-book']);

      const profile = await request(base).get('/docs/data-profile');
      expect(profile.status).toBe(200);
      expect(profile.text).toBe(fs.readFileSync(path.join(ROOT, 'docs', 'data-profile.md'), 'utf8'));
      // The Medicare LCD's, the policy folder compiled with the rest (issue 16).
      const lcdProfile = await request(base).get('/docs/lcd-l38841-data-profile');
      expect(lcdProfile.status).toBe(200);
      expect(lcdProfile.text).toBe(fs.readFileSync(path.join(ROOT, 'docs', 'lcd-l38841-data-profile.md'), 'utf8'));

      const hook = await request(base)
        .post('/cds-services/facet-joint-interventions')
        .send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
      expect(hook.status).toBe(200);
      expect(hook.body.cards[0].summary).toMatch(/^Meets policy/);

      // No DATA_DIR given: the SQLite store goes to ./data of the working directory.
      expect(fs.existsSync(path.join(clone, 'data', 'facet-cds.sqlite'))).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
