import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './http/request-context';

/**
 * JSON logs with the request id of the current request mixed in. Logs never carry bodies,
 * headers, JWTs or access tokens: callers log identifiers and counts only, and the redact list
 * is a second line of defence should one slip into a logged object.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'facet-cds' },
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
  return destination ? pino(options, destination) : pino(options);
}
