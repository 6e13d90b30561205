import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { StdoutSink } from '../../src/logging';
import { freePort } from '../../scripts/lib/free-port';

/**
 * Whatever happens to standard output, SIGTERM ends the process (issue 12): a log pipe whose reader has
 * gone (EPIPE) or stopped reading (the pipe full) must not keep it alive. The log sink drops what it
 * cannot deliver instead of waiting for it.
 */
const ROOT = path.resolve(__dirname, '../..');

/** A stream whose writes never complete (a reader that stopped reading): its buffer only grows. */
function stalled(): Writable {
  return new Writable({ highWaterMark: 16, write: () => undefined });
}

describe('StdoutSink', () => {
  it('drops lines once a stalled reader has a bounded amount waiting, and counts them', () => {
    const out = stalled();
    const sink = new StdoutSink(out, 100);
    for (let i = 0; i < 50; i++) sink.write(`{"line":${i},"padding":"${'x'.repeat(20)}"}\n`);
    expect(out.writableLength).toBeLessThanOrEqual(100 + 40);
    expect(sink.dropped).toBeGreaterThan(40);
  });

  it('stops writing quietly when the reader is gone (EPIPE), without throwing', () => {
    const out = new Writable({ write: (_chunk, _encoding, callback) => callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const sink = new StdoutSink(out);
    sink.write('first\n');
    expect(() => sink.write('second\n')).not.toThrow();
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sink.write('third\n');
        expect(sink.dropped).toBeGreaterThanOrEqual(1);
        resolve();
      }),
    );
  });

  it('waits for the last lines only a bounded time when they cannot be delivered', async () => {
    jest.useFakeTimers();
    try {
      const sink = new StdoutSink(stalled());
      sink.write('stopped\n');
      const drained = sink.drained(1000);
      jest.advanceTimersByTime(1000);
      await expect(drained).resolves.toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('SIGTERM with a log pipe that is closed or no longer read', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-logpipe-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** The real server with its standard output into `reader`'s standard input; resolves with its exit code after SIGTERM. */
  async function stopWithLogReader(reader: ChildProcess): Promise<number | null> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', reader.stdin!, 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let up = false;
      for (let i = 0; i < 300 && !up; i++) {
        up = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok).catch(() => false);
        if (!up) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(up).toBe(true);
      // A request log line each: several times what a pipe holds (64 KiB).
      for (let i = 0; i < 1500; i++) await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.text());
      child.kill('SIGTERM');
      const code = await exited;
      expect(stderr).not.toMatch(/EPIPE|Error:/);
      return code;
    } finally {
      child.kill('SIGKILL');
      reader.kill('SIGKILL');
    }
  }

  it('exits 0 when the reader has closed the pipe (node dist/src/server.js | head -1)', async () => {
    const head = spawn('head', ['-1'], { stdio: ['pipe', 'ignore', 'ignore'] });
    expect(await stopWithLogReader(head)).toBe(0);
  }, 60_000);

  it('exits 0, not stuck and not forced after 25 s, when the reader stopped reading and the pipe is full', async () => {
    const sleeper = spawn('sleep', ['600'], { stdio: ['pipe', 'ignore', 'ignore'] });
    expect(await stopWithLogReader(sleeper)).toBe(0);
  }, 60_000);
});
