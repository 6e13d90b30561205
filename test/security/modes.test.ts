import request from 'supertest';
import { StartupError } from '../../src/errors';
import { capturingLogger, testRuntime } from '../helpers/runtime';
import { clientToken, ehrClient, PUBLIC_BASE, signingKey, writeClientsFile } from './jwt-fixtures';

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('authentication modes', () => {
  it('open mode (no CDS_CLIENTS_FILE): warns at start-up and marks every access-log line', async () => {
    const { logger, lines } = capturingLogger();
    const runtime = await testRuntime({ logger });
    try {
      expect(runtime.deps.authenticator.mode).toBe('open');
      const warning = parsed(lines).find((l) => l.level === 40 && String(l.msg).startsWith('OPEN MODE'));
      expect(warning?.msg).toMatch(/callers are NOT authenticated/);
      lines.length = 0;
      await request(runtime.app).get('/cds-services');
      await request(runtime.app).post('/cds-services/facet-joint-interventions').send({});
      const access = parsed(lines).filter((l) => l.msg === 'request');
      expect(access).toHaveLength(2);
      for (const line of access) expect(line.authentication).toBe('OPEN MODE: caller not authenticated');
    } finally {
      await runtime.close();
    }
  });

  it('NODE_ENV=production without CDS_CLIENTS_FILE refuses to start', async () => {
    const start = testRuntime({ env: { NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC_BASE } });
    await expect(start).rejects.toThrow(StartupError);
    await expect(testRuntime({ env: { NODE_ENV: 'production', PUBLIC_BASE_URL: PUBLIC_BASE } })).rejects.toThrow(/production requires CDS_CLIENTS_FILE/);
  });

  it('JWT mode needs PUBLIC_BASE_URL (the expected aud is built from it, never from the Host header)', async () => {
    const key = await signingKey();
    await expect(testRuntime({ env: { CDS_CLIENTS_FILE: writeClientsFile([ehrClient(key)]) } })).rejects.toThrow(/PUBLIC_BASE_URL is required/);
  });

  it('JWT mode: no OPEN MODE marker, and a token for another host is refused even if the Host header matches it', async () => {
    const key = await signingKey();
    const { logger, lines } = capturingLogger();
    const runtime = await testRuntime({ logger, env: { CDS_CLIENTS_FILE: writeClientsFile([ehrClient(key)]), PUBLIC_BASE_URL: PUBLIC_BASE } });
    try {
      expect(runtime.deps.authenticator.mode).toBe('jwt');
      expect(parsed(lines).some((l) => String(l.msg).startsWith('OPEN MODE'))).toBe(false);
      const spoofed = await request(runtime.app)
        .get('/cds-services')
        .set('Host', 'evil.example')
        .set('Authorization', `Bearer ${await clientToken(key, 'http://evil.example/cds-services')}`);
      expect(spoofed.status).toBe(401);
      expect(parsed(lines).filter((l) => l.msg === 'request').every((l) => l.authentication === undefined)).toBe(true);
    } finally {
      await runtime.close();
    }
  });

  it('production with a clients file starts in JWT mode', async () => {
    const key = await signingKey();
    const runtime = await testRuntime({
      env: { NODE_ENV: 'production', CDS_CLIENTS_FILE: writeClientsFile([ehrClient(key)]), PUBLIC_BASE_URL: PUBLIC_BASE },
    });
    try {
      expect(runtime.deps.authenticator.mode).toBe('jwt');
    } finally {
      await runtime.close();
    }
  });
});
