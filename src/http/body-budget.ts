import type { NextFunction, Request, Response } from 'express';
import type { Gauge } from 'prom-client';
import { ServiceUnavailableError } from '../errors';

/** Retry-After on a body refused because the process holds too many already: one hook call's time, about. */
export const BODY_BUDGET_RETRY_AFTER_SECONDS = 2;

/**
 * A reserved body must keep arriving: after a grace period, at least this many bytes a second on average,
 * else its connection is closed and its reservation given back. Without it, one client declaring a
 * BODY_LIMIT body and sending a byte a second would hold the whole budget until Node's request timeout
 * (300 s), and every other call with a body would be told to retry. 64 KiB/s reads a 10 MB chart in 160 s.
 */
export const BODY_ARRIVAL = { graceMs: 5_000, minBytesPerSecond: 64 * 1024, checkEveryMs: 1_000 };

export interface BodyBudget {
  (req: Request, res: Response, next: NextFunction): void;
  /** Bytes reserved by the requests being read or answered now. */
  readonly bytesInFlight: number;
}

/**
 * A process-wide budget for request bodies (BODY_MAX_BYTES_IN_FLIGHT). BODY_LIMIT bounds one body, but a
 * body is held, parsed and worked on until its request is answered, and the memory a hook call takes grows
 * with its body (a 10 MB chart costs the process a few hundred MB while it is decided): N bodies at once
 * cost N times that. So each request reserves its Content-Length before its body is read and gives it back
 * when its answer is sent or its connection closes. A body whose size is not known before it is read (sent
 * chunked, or compressed with a Content-Encoding, held inflated) reserves what arrives, as it arrives: the
 * body reader asks for more with `reserveBodyBytes` (json-body) for each chunk. Reserving BODY_LIMIT for it
 * up front, as before, let one gzip body of a few KB, or one slow chunked upload, refuse every other call
 * with a body (with the default budget of one BODY_LIMIT). A request that would take the reservations past
 * the budget is answered 503 with Retry-After: before its body is read, or, for one that grows past it,
 * when it does (the rest of it read and dropped); one alone always fits (the budget is at least BODY_LIMIT).
 * A body declared larger than BODY_LIMIT is left to the parser, which answers 413. A reserved body that
 * arrives slower than BODY_ARRIVAL allows is cut off (its connection closed), so a trickling client cannot
 * hold the budget.
 */
export function bodyBudget(maxBytesInFlight: number, bodyLimitBytes: number, gauge?: Gauge, onSlowBody?: (req: Request) => void, arrival = BODY_ARRIVAL): BodyBudget {
  let inFlight = 0;
  const refusal = (cost: string) =>
    new ServiceUnavailableError(
      `The service is reading as many request bodies as it holds at once (BODY_MAX_BYTES_IN_FLIGHT, ${mib(maxBytesInFlight)}); this one (${cost}) was not read: send it again shortly`,
      BODY_BUDGET_RETRY_AFTER_SECONDS,
    );
  const budget = (req: Request, res: Response, next: NextFunction): void => {
    const declared = contentLength(req);
    if (declared !== undefined && declared > bodyLimitBytes && !compressed(req)) return next(); // the parser's 413
    // Known before it is read: a plain body's Content-Length. A chunked or compressed one reserves as it arrives.
    const known = declared !== undefined && !compressed(req);
    let cost = known ? declared : 0;
    if (known && cost === 0) return next();
    if (inFlight + cost > maxBytesInFlight) return next(refusal(mib(cost)));
    inFlight += cost;
    gauge?.set(inFlight);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight -= cost;
      gauge?.set(inFlight);
    };
    if (!known) {
      (req as Reserving)[RESERVE] = (total: number) => {
        if (released || total <= cost) return undefined;
        if (inFlight + (total - cost) > maxBytesInFlight) return refusal(`more than ${mib(total)}`);
        inFlight += total - cost;
        cost = total;
        gauge?.set(inFlight);
        return undefined;
      };
    }
    res.once('finish', release);
    res.once('close', release);
    watchArrival(req, arrival, () => {
      onSlowBody?.(req);
      req.socket.destroy();
    });
    next();
  };
  return Object.defineProperty(budget, 'bytesInFlight', { get: () => inFlight }) as BodyBudget;
}

const RESERVE = Symbol('reserve request body bytes');
type Reserving = Request & { [RESERVE]?: (total: number) => ServiceUnavailableError | undefined };

/**
 * For a body whose size was not known before it was read (chunked, compressed): reserves `totalBytes`
 * (read so far, inflated) in all. The 503 to answer when that would pass BODY_MAX_BYTES_IN_FLIGHT;
 * undefined when reserved, or when the request reserved its whole Content-Length already (or is not budgeted).
 */
export function reserveBodyBytes(req: Request, totalBytes: number): ServiceUnavailableError | undefined {
  return (req as Reserving)[RESERVE]?.(totalBytes);
}

/**
 * Calls `tooSlow` once if the body has not been received within the grace period and then arrives slower
 * than the minimum rate (bytes counted on the socket, from now: no listener on the body stream, which the
 * parser reads). Stops when the body is complete or the request is closed.
 */
function watchArrival(req: Request, arrival: typeof BODY_ARRIVAL, tooSlow: () => void): void {
  const socket = req.socket;
  const startBytes = socket.bytesRead;
  const started = Date.now();
  const timer = setInterval(() => {
    if (req.complete || socket.destroyed) return clearInterval(timer);
    const elapsedMs = Date.now() - started;
    if (elapsedMs < arrival.graceMs) return;
    if (socket.bytesRead - startBytes < ((elapsedMs - arrival.graceMs) / 1000) * arrival.minBytesPerSecond + 1) {
      clearInterval(timer);
      tooSlow();
    }
  }, arrival.checkEveryMs);
  timer.unref();
  req.once('end', () => clearInterval(timer));
  req.once('close', () => clearInterval(timer));
}

/** The Content-Length header as a number; undefined when absent or not a plain number (chunked). */
function contentLength(req: Request): number | undefined {
  const raw = req.headers['content-length'];
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) return undefined;
  return Number(raw);
}

/** Sent with a Content-Encoding other than identity: the parser inflates it (or refuses the encoding). */
function compressed(req: Request): boolean {
  const encoding = req.headers['content-encoding'];
  return typeof encoding === 'string' && encoding.trim() !== '' && encoding.trim().toLowerCase() !== 'identity';
}

function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}
