import express from 'express';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { errorHandler } from '../../src/http/error-handler';
import { capturingLogger, testRuntime } from '../helpers/runtime';

/** Errors raised by Express's own layers (router, body-parser) with a 4xx status are the caller's mistake: a 4xx OperationOutcome, not a 500. */
describe('error handler: client errors from the HTTP layer', () => {
  let runtime: Runtime;
  let lines: string[];
  beforeAll(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    runtime = await testRuntime({ logger: captured.logger });
  });
  afterAll(() => runtime.close());
  beforeEach(() => {
    lines.length = 0;
  });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it.each([
    ['post', '/cds-services/%ff'],
    ['post', '/cds-services/%E0%A4%A/feedback'],
    ['get', '/decisions/%ff'],
    ['get', '/sandbox/api/services/%ff/scenarios/x/prefetch'],
  ] as const)('%s %s (a path that is not valid percent-encoding) → 400 naming the problem, logged at warn without a stack', async (method, path) => {
    const res = await request(runtime.app)[method](path).set('Content-Type', 'application/json').send('{}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'The URL path is not valid percent-encoding' }] });
    const logged = records().filter((l) => l.msg !== 'request');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40, status: 400, message: 'The URL path is not valid percent-encoding' });
    expect(JSON.stringify(logged[0])).not.toMatch(/stack|URIError|at /);
    expect(records().find((l) => l.msg === 'request')).toMatchObject({ status: 400 });
  });

  it('maps any 4xx status or statusCode an Express layer throws to that status; 5xx and unknown errors stay 500', async () => {
    const { logger, lines: own } = capturingLogger();
    const app = express();
    app.get('/expose', () => {
      throw Object.assign(new Error('Range Not Satisfiable'), { status: 416, expose: true });
    });
    app.get('/hidden', () => {
      throw Object.assign(new Error('internal detail /srv/x'), { statusCode: 409 });
    });
    app.get('/server', () => {
      throw Object.assign(new Error('boom'), { status: 502 });
    });
    app.use(errorHandler(logger));

    const exposed = await request(app).get('/expose');
    expect(exposed.status).toBe(416);
    expect(exposed.body.issue[0]).toMatchObject({ code: 'invalid', diagnostics: 'Range Not Satisfiable' });
    const hidden = await request(app).get('/hidden');
    expect(hidden.status).toBe(409);
    expect(hidden.body.issue[0].diagnostics).toBe('The request could not be processed (HTTP 409)');
    expect((await request(app).get('/server')).status).toBe(500);
    const levels = own.map((l) => (JSON.parse(l) as { level: number }).level);
    expect(levels).toEqual([40, 40, 50]);
  });
});
