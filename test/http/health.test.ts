import request from 'supertest';
import { UnauthorizedError } from '../../src/errors';
import { testRuntime } from '../helpers/runtime';

describe('GET /health', () => {
  it('answers 200 {"status": "ok"} without authentication', async () => {
    const runtime = await testRuntime({
      authenticator: {
        mode: 'jwt',
        authenticate: async () => {
          throw new UnauthorizedError('no token');
        },
      },
    });
    try {
      const res = await request(runtime.app).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect((await request(runtime.app).get('/cds-services')).status).toBe(401);
    } finally {
      await runtime.close();
    }
  });
});
