import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { BadRequestError, PayloadTooLargeError, ServiceError, UnauthorizedError, UnsupportedMediaTypeError, operationOutcome } from '../errors';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** The one place errors become responses: a JSON OperationOutcome, never a stack trace. */
export function errorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const serviceError = toServiceError(error);
    if (serviceError instanceof UnauthorizedError) {
      logger.warn({ reason: serviceError.reason, path: req.path }, 'request refused: client authentication failed');
    } else if (serviceError) {
      logger.info({ status: serviceError.status, message: serviceError.message, path: req.path }, 'request rejected');
    } else {
      logger.error({ err: { message: (error as Error)?.message, stack: (error as Error)?.stack }, path: req.path }, 'unexpected error');
    }
    if (res.headersSent) return;
    if (serviceError instanceof UnauthorizedError) res.setHeader('WWW-Authenticate', 'Bearer'); // RFC 6750 §3
    const status = serviceError?.status ?? 500;
    const body = serviceError
      ? operationOutcome(serviceError.issueCode, serviceError.publicMessage(), serviceError instanceof UnauthorizedError ? undefined : serviceError.expression)
      : operationOutcome('exception', 'Internal error; the request id in X-Request-Id identifies it in the service log');
    res.status(status).type('application/fhir+json').json(body);
  };
}

function toServiceError(error: unknown): ServiceError | undefined {
  if (error instanceof ServiceError) return error;
  const e = error as BodyParserError;
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
  return undefined;
}
