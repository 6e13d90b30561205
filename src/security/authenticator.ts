import type { Request } from 'express';
import type { AuthenticatedClient } from './fhir-access';

/**
 * Decides who is calling. `audience` is the exact URL that was called (the JWT `aud` to expect).
 * Returns the verified client, or undefined in open mode; throws UnauthorizedError to refuse.
 */
export interface Authenticator {
  readonly mode: 'open' | 'jwt';
  authenticate(req: Request, audience: string): Promise<AuthenticatedClient | undefined>;
}

/** No clients file: anyone may call (local development and sandbox testing only). */
export class OpenModeAuthenticator implements Authenticator {
  readonly mode = 'open' as const;
  async authenticate(): Promise<undefined> {
    return undefined;
  }
}
