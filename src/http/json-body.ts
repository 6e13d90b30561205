import { AsyncResource } from 'node:async_hooks';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError, type ServiceError } from '../errors';
import { JsonOutline, JsonShapeScanner, describeJsonShapeProblem } from './json-limits';
import { parseJsonPieces, type Deferral } from './json-pieces';
import { reserveBodyBytes } from './body-budget';

export interface JsonBodyOptions {
  /** BODY_LIMIT in bytes (after decompression). */
  limitBytes: number;
  /** Shape bounds (json-limits: requestBodyLimits). */
  shape: { maxDepth: number; maxMembers: number };
  /**
   * Top-level members parsed only when read (the hook route's `prefetch`, which a call about no in-scope
   * order never reads), when they are objects larger than one piece; the route then calls `settleDeferred`
   * (json-pieces) before answering, which checks the ones never read: a malformed one is the same 400.
   */
  defer?: readonly string[];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/**
 * Reads a JSON request body in one pass, in place of express.json: each chunk is checked against the shape
 * bounds as it arrives (depth and members, json-limits), the chunks are joined once, decoded once (UTF-8,
 * a BOM skipped) and parsed once. Memory follows the bytes received, never a declared Content-Length.
 * The errors are the ones the service has always answered (error-handler): 413 over BODY_LIMIT (at once
 * when Content-Length says so), 400 when nested too deeply, 413 for too many members, 400 for malformed
 * JSON or a JSON scalar, 415 for an unknown Content-Encoding (gzip, deflate and br are inflated, the
 * limit counting inflated bytes; 400 naming the encoding for a body that does not inflate), 400 for a body shorter or longer than its Content-Length or aborted, 503 for a chunked or compressed
 * body growing past BODY_MAX_BYTES_IN_FLIGHT (body-budget, reserved as it arrives). On a
 * refusal the rest of the body is read and dropped before the answer, as body-parser does, so the
 * connection stays usable. A request without a body leaves req.body undefined; an empty one is `{}`.
 */
export function jsonBody(options: JsonBodyOptions) {
  const deferral: Deferral | undefined = options.defer?.length ? { members: new Set(options.defer), failed: parseFailure } : undefined;
  return (req: Request, _res: Response, callerNext: NextFunction): void => {
    // The stream's events come outside this request's async context: what follows runs back inside it (request id in logs).
    const next = AsyncResource.bind(callerNext);
    if (req.body !== undefined) {
      next();
      return;
    }
    const declared = req.headers['content-length'];
    if (declared === undefined && req.headers['transfer-encoding'] === undefined) {
      next(); // no body (type-is's hasBody)
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    let stream: Readable;
    let expected: number | undefined;
    if (encoding === 'identity') {
      stream = req;
      expected = declared === undefined ? undefined : Number(declared);
      if (expected !== undefined && !Number.isSafeInteger(expected)) {
        refuse(req, options.limitBytes, undefined, next, new BadRequestError('The request body could not be read'));
        return;
      }
      if (expected !== undefined && expected > options.limitBytes) {
        refuse(req, options.limitBytes, undefined, next, tooLarge(options.limitBytes));
        return;
      }
    } else {
      const inflate = inflater(encoding);
      if (!inflate) {
        refuse(req, options.limitBytes, undefined, next, new UnsupportedMediaTypeError('Unsupported body encoding or charset'));
        return;
      }
      stream = inflate;
      req.pipe(inflate);
    }
    readBody(req, stream, expected, options, deferral, next, encoding);
  };
}

function readBody(req: Request, stream: Readable, expected: number | undefined, options: JsonBodyOptions, deferral: Deferral | undefined, next: NextFunction, encoding: string): void {
  // The shape scan also outlines the shallow containers (request, prefetch, Bundles, entries): json-pieces.
  const outline = new JsonOutline(OUTLINE_DEPTH);
  const scanner = new JsonShapeScanner(options.shape, outline);
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const finish = (error?: ServiceError) => {
    if (settled) return;
    settled = true;
    stream.off('data', onData);
    stream.off('end', onEnd);
    stream.off('error', onError);
    req.off('aborted', onAborted);
    req.off('close', onClose);
    if (error) {
      refuse(req, options.limitBytes, stream === req ? undefined : (stream as Inflater), next, error);
      return;
    }
    let body: unknown;
    try {
      body = parse(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received), scanner.complete ? outline : undefined, deferral);
    } catch (problem) {
      next(problem);
      return;
    }
    req.body = body;
    next();
  };
  const onData = (chunk: Buffer) => {
    if (received + chunk.length > (expected ?? options.limitBytes)) {
      finish(expected === undefined ? tooLarge(options.limitBytes) : new BadRequestError('The request body could not be read'));
      return;
    }
    // A chunked or compressed body reserves its share of BODY_MAX_BYTES_IN_FLIGHT as it arrives (body-budget).
    const overBudget = reserveBodyBytes(req, received + chunk.length);
    if (overBudget) {
      finish(overBudget);
      return;
    }
    const problem = scanner.feed(chunk);
    if (problem) {
      const message = describeJsonShapeProblem(problem, 'The request body');
      finish(problem.kind === 'depth' ? new BadRequestError(message, '(request body)', 'structure') : new PayloadTooLargeError(message));
      return;
    }
    chunks.push(chunk);
    received += chunk.length;
  };
  const onEnd = () => finish(expected !== undefined && received !== expected ? new BadRequestError('The request body could not be read') : undefined);
  // An inflater's error is the body's fault (not gzip, cut short): said so, naming the encoding the client declared.
  const onError = () =>
    finish(new BadRequestError(stream === req ? 'The request body could not be read' : `The request body is not valid ${encoding} data (Content-Encoding: ${encoding})`));
  const onAborted = () => finish(new BadRequestError('The request was aborted by the client'));
  const onClose = () => !req.complete && onAborted();
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('error', onError);
  req.on('aborted', onAborted);
  req.on('close', onClose);
}

/**
 * A hook request nests its Bundle entries 4 deep (request, prefetch, Bundle, entry array): the outline
 * records that far, so each entry is decoded and parsed in pieces of under 64 kB (json-pieces).
 */
const OUTLINE_DEPTH = 4;

/** Decoded once, parsed once (in pieces, json-pieces); only an object or an array is a body (body-parser's strict mode). */
function parse(bytes: Buffer, outline: JsonOutline | undefined, deferral: Deferral | undefined): unknown {
  if (bytes.length === 0) return {};
  const start = bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2] ? 3 : 0;
  let parsed: unknown;
  try {
    parsed = parseJsonPieces(bytes, start, outline, undefined, deferral);
  } catch (error) {
    throw parseFailure(error);
  }
  if (typeof parsed !== 'object' || parsed === null) throw notJson();
  return parsed;
}

/** A body (or a deferred member of it) that JSON.parse refuses. */
function parseFailure(error: unknown): Error {
  if (error instanceof BadRequestError) return error; // a deferred member's own refusal, already answered as such
  // V8's parser is iterative, but a stack overflow is still answered as the nesting it is.
  if (error instanceof RangeError) return new BadRequestError('The request body is nested too deeply', '(request body)', 'structure');
  return notJson();
}

type Inflater = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

function inflater(encoding: string): Inflater | undefined {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * The body is refused: whatever is left of it is read and dropped, then the error goes to the error handler,
 * so that a client still sending reads the answer (as body-parser does). At most `maxDrainBytes` (BODY_LIMIT)
 * though: a client declaring 1 GiB, or streaming without end, is answered then, instead of keeping the service
 * reading (and spending CPU on) its body until the request timeout; no more of that request is read, and the
 * connection ends REFUSED_BODY_GRACE_MS after the answer. (Closing it as soon as the answer is written would lose the
 * answer: the client's unread bytes make the close a reset, which discards the answer on its side.)
 */
/** How long a connection whose refused body was left unread stays open after its answer is written. */
const REFUSED_BODY_GRACE_MS = 2_000;

function refuse(req: Request, maxDrainBytes: number, inflate: Inflater | undefined, next: NextFunction, error: ServiceError): void {
  if (inflate) {
    req.unpipe(inflate);
    inflate.on('error', () => undefined);
    inflate.destroy();
  }
  if (req.complete || req.destroyed) {
    next(error);
    return;
  }
  let done = false;
  let drained = 0;
  const after = () => {
    if (done) return;
    done = true;
    req.off('data', onData);
    next(error);
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.length;
    if (drained <= maxDrainBytes) return;
    // Answered now, not with Connection: close (see above). Reading stops here (a flowing stream left without
    // listeners would go on reading and dropping), and once the answer is written the connection is ended after
    // a grace that lets the client read it: the unread rest is never read.
    req.pause();
    const socket = req.socket;
    req.res?.once('finish', () => setTimeout(() => socket.destroy(), REFUSED_BODY_GRACE_MS).unref());
    after();
  };
  req.on('data', onData);
  req.once('end', after);
  req.once('close', after);
  req.once('error', after);
  req.resume();
}

/** Names the limit and the variable that sets it, so the integrator knows what to send or what to ask the operator for. */
const tooLarge = (limitBytes: number) => new PayloadTooLargeError(`The request body is larger than this service accepts (BODY_LIMIT, ${limitBytes} bytes)`);
const notJson = () => new BadRequestError('The request body is not valid JSON', '(request body)', 'structure');
