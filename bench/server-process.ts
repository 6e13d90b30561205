import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  rss(): Promise<number>;
  /** CPU time (user + system, ms) the server process has used so far. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts bench/server (or bench/bare-server, the node:http floor) in a child process. Its stdout,
 * where the JSON logs go, is /dev/null: the logging cost stays, the terminal's does not. `nodeArgs` adds
 * flags such as --cpu-prof.
 */
export async function startServer(nodeArgs: string[] = [], env: Record<string, string> = {}, script: 'server' | 'bare-server' = 'server'): Promise<ServerProcess> {
  // `npm run bench` runs the tsc output (as `npm start` does): tsx's keepNames wrappers would be measured too.
  const compiled = __filename.endsWith('.js');
  const child: ChildProcess = fork(path.join(__dirname, compiled ? `${script}.js` : `${script}.ts`), [], {
    execArgv: compiled ? nodeArgs : ['--import', 'tsx', ...nodeArgs],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before it was ready`)));
    child.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port!));
  });
  const ask = <T>(type: string, field: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m[field] as T);
      };
      child.on('message', onMessage);
      child.send({ type });
    });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    rss: () => ask<number>('rss', 'rss'),
    cpuMs: () => ask<number>('cpu', 'cpu'),
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        // A server that crashed (out of memory, in bench:bounds) has nothing left to stop.
        if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}
