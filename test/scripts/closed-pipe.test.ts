import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * `npm run -s demo | head -1`: once head has its line it exits and the pipe closes; the tool must then end
 * quietly (exit 0, nothing on stderr), not with an EPIPE stack trace (issue 12).
 */
const ROOT = path.resolve(__dirname, '../..');

function pipedIntoHead(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const head = spawn('head', ['-1'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', head.stdin!, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('command-line tools piped into head', () => {
  it('npm run demo | head -1 ends quietly', async () => {
    expect(await pipedIntoHead('scripts/demo.ts', ['--scenario', 'facet-05-ultrasound-guided'])).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  it('npm run evaluate | head -1 ends quietly (issue 13)', async () => {
    expect(await pipedIntoHead('scripts/evaluate.ts', ['--scenario', 'facet-05-ultrasound-guided'])).toEqual({ code: 0, stderr: '' });
  }, 60_000);
});
