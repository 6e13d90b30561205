import type { OperationOutcome } from 'fhir/r4';

/** FHIR issue-type codes used by this service (http://hl7.org/fhir/issue-type). */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'not-found'
  | 'not-supported'
  | 'too-costly'
  | 'login'
  | 'forbidden'
  | 'incomplete'
  | 'exception'
  | 'timeout'
  | 'transient';

/**
 * Every error the service answers with is a ServiceError: the one error handler turns it into
 * an HTTP status and a JSON OperationOutcome. Anything else is a bug and becomes a bare 500.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly issueCode: IssueCode,
    message: string,
    /** FHIRPath-ish location of the offending element, e.g. `context.draftOrders`. */
    readonly expression?: string[],
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** What the client sees. Subclasses may hide detail (401). */
  publicMessage(): string {
    return this.message;
  }
}

export class BadRequestError extends ServiceError {
  constructor(message: string, expression?: string | string[], issueCode: IssueCode = 'invalid') {
    super(400, issueCode, message, toArray(expression));
  }
}

export class NotFoundError extends ServiceError {
  constructor(message: string) {
    super(404, 'not-found', message);
  }
}

/** 401 with no detail in the body (CDS Hooks best practice); the reason goes to the log only. */
export class UnauthorizedError extends ServiceError {
  constructor(readonly reason: string) {
    super(401, 'login', reason);
  }
  override publicMessage(): string {
    return 'Unauthorized';
  }
}

export class PreconditionFailedError extends ServiceError {
  constructor(message: string, expression?: string[]) {
    super(412, 'incomplete', message, expression);
  }
}

export class PayloadTooLargeError extends ServiceError {
  constructor(message: string) {
    super(413, 'too-costly', message);
  }
}

export class UnsupportedMediaTypeError extends ServiceError {
  constructor(message: string) {
    super(415, 'not-supported', message);
  }
}

export class ServiceUnavailableError extends ServiceError {
  constructor(
    message: string,
    /** Sent as Retry-After: when the client may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(503, 'transient', message);
  }
}

/** A broken declaration or configuration: stops start-up, never a request. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export function operationOutcome(
  issueCode: IssueCode,
  message: string,
  expression?: string[],
  severity: 'error' | 'fatal' | 'warning' | 'information' = 'error',
): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity,
        code: issueCode,
        diagnostics: message,
        ...(expression && expression.length > 0 ? { expression } : {}),
      },
    ],
  };
}

function toArray(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}
