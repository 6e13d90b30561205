import type { Request } from 'express';
import request from 'supertest';
import { UnauthorizedError } from '../../src/errors';
import type { Runtime } from '../../src/runtime';
import type { Authenticator } from '../../src/security/authenticator';
import { SERVICE_PATH, hookRequest } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';

/** CORS for browser CDS clients (issue 2, item 9): preflights without auth, headers on errors too. */
const ORIGIN = 'https://sandbox.cds-hooks.org';

/** An authenticator that refuses every call, so each test shows what happens before and after it. */
const refuseAll: Authenticator = {
  mode: 'jwt',
  authenticate: async (_req: Request) => {
    throw new UnauthorizedError('no token');
  },
};

describe('CORS', () => {
  describe('CORS_ORIGINS unset (*)', () => {
    let runtime: Runtime;
    beforeAll(async () => {
      runtime = await testRuntime({ authenticator: refuseAll });
    });
    afterAll(() => runtime.close());

    it.each([SERVICE_PATH, `${SERVICE_PATH}/feedback`, '/cds-services'])('answers the preflight for %s with 204, before authentication', async (path) => {
      const res = await request(runtime.app)
        .options(path)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization, content-type');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
      expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, X-Request-Id');
      expect(res.headers['access-control-max-age']).toBe('600');
    });

    it('answers a Private Network Access preflight (a public sandbox page calling a local service)', async () => {
      const res = await request(runtime.app).options(SERVICE_PATH).set('Origin', ORIGIN).set('Access-Control-Request-Private-Network', 'true');
      expect(res.headers['access-control-allow-private-network']).toBe('true');
    });

    it('sends Access-Control-Allow-Origin on errors too, so the browser can read them', async () => {
      const refused = await request(runtime.app).post(SERVICE_PATH).set('Origin', ORIGIN).send(hookRequest({ orders: [] }));
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'Unauthorized' }] });
      expect(refused.headers['access-control-allow-origin']).toBe('*');
      expect(refused.headers['access-control-expose-headers']).toBe('X-Request-Id');

      const notFound = await request(runtime.app).get('/nope').set('Origin', ORIGIN);
      expect(notFound.status).toBe(404);
      expect(notFound.headers['access-control-allow-origin']).toBe('*');
    });
  });

  describe('CORS_ORIGINS listing origins', () => {
    let runtime: Runtime;
    beforeAll(async () => {
      runtime = await testRuntime({ env: { CORS_ORIGINS: `${ORIGIN}, https://ehr.example.test` } });
    });
    afterAll(() => runtime.close());

    it('echoes a listed origin, with Vary: Origin', async () => {
      const res = await request(runtime.app).get('/cds-services').set('Origin', 'https://ehr.example.test');
      expect(res.headers['access-control-allow-origin']).toBe('https://ehr.example.test');
      expect(res.headers.vary).toMatch(/Origin/);
    });

    it('gives an unlisted origin no Access-Control-Allow-Origin, on the preflight and on the call', async () => {
      const preflight = await request(runtime.app).options(SERVICE_PATH).set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const call = await request(runtime.app).get('/cds-services').set('Origin', 'https://evil.example');
      expect(call.status).toBe(200);
      expect(call.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
