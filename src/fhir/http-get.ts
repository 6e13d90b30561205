import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface HttpAnswer {
  status: number;
  /** The body as UTF-8 text, decompressed. */
  body: string;
}

/** Why a GET gave no answer: the signal fired, the body passed the size limit, or a network error code. */
export class HttpGetError extends Error {
  constructor(readonly reason: 'aborted' | 'too-large' | 'network', readonly code?: string) {
    super(reason === 'network' ? `network error (${code ?? 'unknown'})` : reason);
    this.name = 'HttpGetError';
  }
}

/**
 * GET over node:http(s) with keep-alive agents: every status is an answer (redirects are not followed),
 * gzip and brotli bodies are decompressed, a body over `maxBytes` (after decompression) is refused, and
 * the request is bound to an AbortSignal. No proxy from the environment is used.
 *
 * Why not axios: on a fallback hook call the service issues a dozen FHIR searches at once, and axios's
 * per-request set-up held the first one back by 3-9 ms and added as much after the answers (measured
 * in docs/performance.md); this costs about a tenth of that.
 */
export class HttpGetter {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(private readonly maxBytes: number) {}

  get(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer> {
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false;
      let request: http.ClientRequest | undefined;
      const fail = (error: HttpGetError) => {
        if (settled) return;
        settled = true;
        request?.destroy();
        reject(error);
      };
      const failWith = (error: unknown) =>
        fail(signal.aborted ? new HttpGetError('aborted') : new HttpGetError('network', (error as { code?: string })?.code));

      if (signal.aborted) return fail(new HttpGetError('aborted'));
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return fail(new HttpGetError('network', 'ERR_INVALID_URL'));
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return fail(new HttpGetError('network', 'ERR_UNSUPPORTED_PROTOCOL'));

      const transport = target.protocol === 'https:' ? https : http;
      request = transport.request(
        target,
        { method: 'GET', agent: this.agents[target.protocol], signal, headers: { 'Accept-Encoding': 'gzip, br', 'User-Agent': 'facet-cds', ...headers } },
        (response) => {
          let body: Readable = response;
          const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
          if (encoding === 'gzip' || encoding === 'x-gzip') body = response.pipe(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }));
          else if (encoding === 'br') body = response.pipe(zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }));
          if (body !== response) response.on('error', failWith);
          const chunks: Buffer[] = [];
          let size = 0;
          body.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.maxBytes) fail(new HttpGetError('too-large'));
            else chunks.push(chunk);
          });
          body.on('error', failWith);
          body.on('end', () => {
            if (settled) return;
            settled = true;
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          // A connection cut mid-body: 'close' before the message was complete.
          response.on('close', () => {
            if (!response.complete) failWith(Object.assign(new Error('connection closed before the answer was complete'), { code: 'ECONNRESET' }));
          });
        },
      );
      request.on('error', failWith);
      request.end();
    });
  }
}
