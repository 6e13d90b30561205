import type { Writable } from 'node:stream';

/**
 * Output for the command-line tools: colour and emphasis only on a terminal (never in a pipe, a file or
 * CI logs), and never when NO_COLOR is set (https://no-color.org).
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain: Style = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const coloured: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

export function styleFor(stream: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const wanted = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return wanted ? coloured : plain;
}

/** Where a tool writes: tests pass their own sinks, the CLIs pass process.stdout/stderr. */
export interface Output {
  out: Writable & { isTTY?: boolean };
  err: Writable & { isTTY?: boolean };
}

export function line(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}

/** A buffer that collects what a tool prints (for tests and for callers that post-process). */
export function memoryOutput(): Output & { text(): string; errText(): string } {
  const chunks: string[] = [];
  const errChunks: string[] = [];
  const sink = (into: string[]) =>
    ({
      write(chunk: string | Uint8Array) {
        into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return true;
      },
    }) as unknown as Writable;
  return { out: sink(chunks), err: sink(errChunks), text: () => chunks.join(''), errText: () => errChunks.join('') };
}

/** "1 patient", "17 patients", "1 criterion" / "13 criteria": the count and its noun, agreed. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
