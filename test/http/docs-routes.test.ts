import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';

const DOCS = path.resolve(__dirname, '../../docs');

/** A page per policy a service decides with, at /docs/<profile>, and an index at /docs (issue 16). */
describe('/docs: the data profile of each policy', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime();
  });
  afterAll(() => runtime.close());

  it.each([
    ['data-profile', 'data-profile.md'],
    ['lcd-l38841-data-profile', 'lcd-l38841-data-profile.md'],
  ])('/docs/%s serves docs/%s as text', async (page, file) => {
    const res = await request(runtime.app).get(`/docs/${page}`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain');
    expect(res.text).toBe(fs.readFileSync(path.join(DOCS, file), 'utf8'));
  });

  it('lists each service, the policies it decides with, for whom, and their pages', async () => {
    const res = await request(runtime.app).get('/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('facet-joint-interventions: ');
    expect(res.text).toContain('CP.MP.171 Facet Joint Interventions (rev. 05/26), for everyone else: /docs/data-profile');
    expect(res.text).toContain('LCD L38841 Facet Joint Interventions for Pain Management (rev. 07/14/2024), for medicare members: /docs/lcd-l38841-data-profile');
  });

  it('serves only the declared pages: no other file of docs/, no path out of it', async () => {
    for (const page of ['architecture', 'performance', 'cds-clients.example.json', '..%2Fpackage.json', '%2E%2E']) {
      const res = await request(runtime.app).get(`/docs/${page}`);
      expect({ page, status: res.status }).toEqual({ page, status: 404 });
    }
  });
});
