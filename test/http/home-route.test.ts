import request from 'supertest';
import { listeningLine } from '../../src/http/listening-line';
import { testRuntime } from '../helpers/runtime';
import { ehrClient, PUBLIC_BASE, signingKey, writeClientsFile } from '../security/jwt-fixtures';

/** Someone who opens the service's address in a browser is told where to go (issue 13), not given a 404. */
describe('GET / points to discovery, the test page and the docs', () => {
  it('answers a browser with a short page linking /cds-services, /sandbox and /docs', async () => {
    const runtime = await testRuntime();
    try {
      const res = await request(runtime.app).get('/').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8');
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/html');
      for (const path of ['/cds-services', '/sandbox', '/docs', '/docs/data-profile', '/docs/lcd-l38841-data-profile']) expect(res.text).toContain(`<a href="${path}">`);
    } finally {
      await runtime.close();
    }
  });

  it('answers anything else with JSON links, without authentication even in JWT mode, and without /sandbox in production', async () => {
    const open = await testRuntime();
    try {
      const res = await request(open.app).get('/').set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body.links.map((l: { href: string }) => l.href)).toEqual(['/cds-services', '/sandbox', '/docs', '/docs/data-profile', '/docs/lcd-l38841-data-profile', '/health']);
      expect((await request(open.app).get('/')).body.links).toHaveLength(6);
    } finally {
      await open.close();
    }
    const key = await signingKey();
    const production = await testRuntime({ env: { NODE_ENV: 'production', CDS_CLIENTS_FILE: writeClientsFile([ehrClient(key)]), PUBLIC_BASE_URL: PUBLIC_BASE } });
    try {
      const res = await request(production.app).get('/').set('Accept', 'application/json');
      expect(res.status).toBe(200);
      const hrefs = res.body.links.map((l: { href: string }) => l.href);
      expect(hrefs).toContain('/cds-services');
      expect(hrefs).not.toContain('/sandbox');
      expect(res.body.links[0].description).toMatch(/client JWT is required/);
    } finally {
      await production.close();
    }
  });
});

describe('the start-up line', () => {
  it('names discovery and, in development, the order-entry test page', () => {
    expect(listeningLine({ host: '127.0.0.1', env: 'development' }, 3000)).toBe(
      'facet-cds listening on http://localhost:3000/cds-services; order-entry test page: http://localhost:3000/sandbox (this machine only; set HOST=0.0.0.0 to listen on the network)',
    );
    expect(listeningLine({ host: '0.0.0.0', env: 'production' }, 8080)).toBe('facet-cds listening on http://localhost:8080/cds-services');
    expect(listeningLine({ host: '10.0.0.5', env: 'development' }, 3000)).toBe('facet-cds listening on http://10.0.0.5:3000/cds-services; order-entry test page: http://10.0.0.5:3000/sandbox');
    expect(listeningLine({ host: 'fd00::5', env: 'production' }, 3000)).toBe('facet-cds listening on http://[fd00::5]:3000/cds-services');
  });
});
