import type { Request } from 'express';
import { UnauthorizedError } from '../../src/errors';
import type { Authenticator } from '../../src/security/authenticator';
import type { AuthenticatedClient } from '../../src/security/fhir-access';

/**
 * A JWT-mode stand-in for tests that need verified clients without signing JWTs:
 * `Authorization: Bearer <name>` picks the client of that name; anything else is refused (401).
 */
export function fakeJwtAuthenticator(clients: Record<string, AuthenticatedClient>): Authenticator {
  return {
    mode: 'jwt',
    async authenticate(req: Request) {
      const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
      const client = match ? clients[match[1]!] : undefined;
      if (!client) throw new UnauthorizedError('unknown test client');
      return client;
    },
  };
}
