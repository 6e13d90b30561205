import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** A real service process (`node --import tsx src/server.ts`) on a free port, for multi-instance tests. */
export class ServiceProcess {
  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    /** Its log lines so far (JSON), for failure messages. */
    readonly output: string[],
    private readonly exited: Promise<number | null>,
  ) {}

  /** Starts it and resolves once it listens and /ready answers 200 (its store reached, migrations done). */
  static async start(name: string, env: Record<string, string>): Promise<ServiceProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          output.push(line);
          const match = /"port":(\d+).*facet-cds listening/.exec(line);
          if (match) resolve(Number(match[1]));
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      void exited.then((code) => reject(new Error(`${name} exited with ${code} before listening:\n${output.join('\n')}`)));
    });
    const service = new ServiceProcess(name, child, `http://127.0.0.1:${port}`, output, exited);
    await service.waitUntilReady();
    return service;
  }

  private async waitUntilReady(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const res = await fetch(`${this.baseUrl}/ready`).catch(() => undefined);
      if (res?.status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} never became ready:\n${this.output.join('\n')}`);
  }

  /** SIGTERM, as an orchestrator stops a replica; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
