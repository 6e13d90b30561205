import autocannon from 'autocannon';

export interface Target {
  url: string;
  body: string;
}

export interface PassResult {
  /** 2xx responses per second over the pass. */
  rps: number;
  /** Every 2xx latency of the pass, in ms (autocannon's own histogram rounds to whole ms). */
  latencies: number[];
  responses: number;
}

/**
 * One autocannon pass against one endpoint. `connections` requests are kept in flight: many for
 * throughput (the server is saturated), one for latency (no request ever waits behind another, so a
 * latency is the service time plus the loopback round trip). Any error or non-2xx answer fails the run:
 * a benchmark of error responses measures nothing.
 */
export async function pass(target: Target, connections: number, seconds: number): Promise<PassResult> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: target.body,
        connections,
        duration: seconds,
        timeout: 30,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${target.url}: ${result.errors} connection errors, ${result.non2xx} non-2xx answers during the pass`);
  }
  return { rps: result['2xx'] / result.duration, latencies, responses: result['2xx'] };
}

/** The q-quantile (0..1) of a list of numbers, nearest-rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}
