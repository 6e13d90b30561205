import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { BadRequestError, PayloadTooLargeError, ServiceError, ServiceUnavailableError, UnauthorizedError, UnsupportedMediaTypeError, operationOutcome, type IssueCode } from '../errors';

/** What Express's router, body-parser and serve-static throw (http-errors style): a `status` or `statusCode`, sometimes a `type`. */
interface HttpLayerError extends Error {
  type?: string;
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
}

/** A client error raised inside Express or its middleware (not by this service's code): logged at warn, without a stack. */
class HttpLayerClientError extends ServiceError {}

/** The one place errors become responses: a JSON OperationOutcome, never a stack trace. */
export function errorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const serviceError = toServiceError(error);
    if (serviceError instanceof UnauthorizedError) {
      logger.warn({ reason: serviceError.reason, path: req.path }, 'request refused: client authentication failed');
    } else if (serviceError instanceof HttpLayerClientError) {
      logger.warn({ status: serviceError.status, message: serviceError.message, path: req.path }, 'request rejected before it reached the service');
    } else if (serviceError) {
      // The message may quote the patient or values the EHR sent; the log names only what was wrong and where.
      logger.info({ status: serviceError.status, error: serviceError.name, issue: serviceError.issueCode, expression: loggedExpression(serviceError.expression), path: req.path }, 'request rejected');
    } else {
      logger.error({ err: { message: (error as Error)?.message, stack: (error as Error)?.stack }, path: req.path }, 'unexpected error');
    }
    if (res.headersSent) return;
    if (serviceError instanceof UnauthorizedError) res.setHeader('WWW-Authenticate', 'Bearer'); // RFC 6750 §3
    if (serviceError instanceof ServiceUnavailableError && serviceError.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(serviceError.retryAfterSeconds));
    const status = serviceError?.status ?? 500;
    const body = serviceError
      ? operationOutcome(serviceError.issueCode, serviceError.publicMessage(), serviceError instanceof UnauthorizedError ? undefined : serviceError.expression)
      : operationOutcome('exception', 'Internal error; the request id in X-Request-Id identifies it in the service log');
    res.status(status).type('application/fhir+json').json(body);
  };
}

/** Element paths (e.g. `context.performer`), bounded: a few short strings, never the values sent. */
function loggedExpression(expression: string[] | undefined): string[] | undefined {
  return expression?.slice(0, 5).map((e) => e.slice(0, 120));
}

function toServiceError(error: unknown): ServiceError | undefined {
  if (error instanceof ServiceError) return error;
  const e = error as HttpLayerError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new BadRequestError('The request body is not valid JSON', '(request body)', 'structure');
    case 'entity.too.large':
      return new PayloadTooLargeError('The request body is larger than this service accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('Unsupported body encoding or charset');
    case 'request.aborted':
      return new BadRequestError('The request was aborted by the client');
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new BadRequestError('The request body could not be read');
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new BadRequestError('The request body is nested too deeply', '(request body)', 'structure');
  return httpLayerClientError(e);
}

/**
 * Any other error carrying a 4xx status comes from Express's own layers, e.g. the router's URIError on a
 * path parameter that is not valid percent-encoding (`/cds-services/%ff`), raised before authentication.
 * It is the caller's mistake, not a bug: answered with its status and a message naming the problem.
 */
function httpLayerClientError(e: HttpLayerError | undefined): ServiceError | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const status = [e.status, e.statusCode].find((s): s is number => typeof s === 'number' && Number.isInteger(s));
  if (status === undefined || status < 400 || status > 499) return undefined;
  if (e instanceof URIError) return new HttpLayerClientError(400, 'invalid', 'The URL path is not valid percent-encoding');
  const issueCode: IssueCode = status === 404 ? 'not-found' : status === 413 ? 'too-costly' : status === 415 ? 'not-supported' : 'invalid';
  // http-errors marks 4xx messages as safe to show (`expose`); anything else gets a generic sentence.
  const message = e.expose === true && typeof e.message === 'string' && e.message !== '' ? e.message.slice(0, 200) : `The request could not be processed (HTTP ${status})`;
  return new HttpLayerClientError(status, issueCode, message);
}
