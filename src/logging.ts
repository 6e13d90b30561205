import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './http/request-context';

/**
 * JSON logs with the request id of the current request mixed in. Logs never carry bodies,
 * headers, JWTs or access tokens: callers log identifiers and counts only, and the redact list
 * is a second line of defence should one slip into a logged object.
 */
export function createLogger(level: string, destination: DestinationStream = stdoutSink(), fields: Record<string, string | number> = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    // `worker` (1…WEB_CONCURRENCY) on every line of a worker process; `role: "primary"` on the cluster primary's.
    base: { service: 'facet-cds', ...fields },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers',
        '*.headers',
        'access_token',
        '*.access_token',
        'fhirAuthorization',
        '*.fhirAuthorization',
        'token',
        '*.token',
        'jwt',
        '*.jwt',
        'prefetch',
        '*.prefetch',
        'body',
        '*.body',
      ],
      censor: '[redacted]',
    },
  };
  return pino(options, destination);
}

/** Log lines buffered for a slow reader before new ones are dropped (memory stays bounded). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Where the service's logs go: standard output, written so that nothing about that output can hold the
 * process. Not pino's default destination: on exit it flushes synchronously and retries forever while the
 * pipe is full, so a stalled log reader kept SIGTERM from ending the process (issue 12). Here lines go
 * through process.stdout, which writes to a pipe without blocking; when its reader is gone (EPIPE) logging
 * stops quietly; when it stops reading, at most MAX_BUFFERED_BYTES wait and newer lines are dropped (and
 * counted). drained() lets shutdown wait, briefly, for the last lines.
 */
export class StdoutSink implements DestinationStream {
  private broken = false;
  /** Lines dropped because the reader was gone or too slow. */
  dropped = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { writableLength?: number } = process.stdout,
    private readonly maxBufferedBytes = MAX_BUFFERED_BYTES,
  ) {
    // EPIPE (the reader closed the pipe) and any other write error: the logs cannot be delivered any more.
    out.on('error', () => {
      this.broken = true;
    });
  }

  write(line: string): void {
    if (this.broken || (this.out.writableLength ?? 0) > this.maxBufferedBytes) {
      this.dropped++;
      return;
    }
    this.out.write(line);
  }

  /** Resolves once the lines written so far are out, or after `timeoutMs`, whichever comes first. */
  drained(timeoutMs: number): Promise<void> {
    if (this.broken || !this.out.writableLength) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.out.off('drain', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.out.once('drain', done);
    });
  }
}

let sink: StdoutSink | undefined;

/** The process's one standard-output log sink. */
export function stdoutSink(): StdoutSink {
  return (sink ??= new StdoutSink());
}
