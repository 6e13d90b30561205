import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { parseBytes, type AppConfig } from './config';
import type { DecisionLog } from './audit/decision-log';
import { handleHookCall } from './cds/hook-handler';
import { quoted } from './cds/hooks/context-fields';
import { validateFeedback } from './cds/validate-feedback';
import type { HookService, LoadedService } from './declarations/types';
import { BadRequestError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError, UnsupportedMediaTypeError } from './errors';
import type { FhirClient } from './fhir/fhir-client';
import { bodyBudget } from './http/body-budget';
import { cors } from './http/cors';
import { decisionRoutes } from './http/decision-routes';
import { documentationRoutes } from './dtr/routes';
import { dtrAppRouter } from './dtr/app-router';
import { errorHandler } from './http/error-handler';
import { homeRoute } from './http/home-route';
import { jsonBody as readJsonBody } from './http/json-body';
import { settleDeferred } from './http/json-pieces';
import { requestBodyLimits } from './http/json-limits';
import { opsRoutes } from './http/ops-routes';
import { requestContext } from './http/request-context';
import { sandboxAssetsDir, sandboxRouter } from './dev/sandbox-router';
import type { Metrics } from './observability/metrics';
import type { Readiness } from './observability/readiness';
import type { Authenticator } from './security/authenticator';
import type { AuthenticatedClient } from './security/fhir-access';
import type { Store } from './store/types';

export interface AppDeps {
  config: AppConfig;
  services: LoadedService[];
  logger: Logger;
  metrics: Metrics;
  store: Store;
  decisionLog: DecisionLog;
  fhirClient: FhirClient;
  authenticator: Authenticator;
  readiness: Readiness;
  clock?: () => Date;
  newId?: () => string;
}

const DOCS_DIR = path.resolve(__dirname, '..', fs.existsSync(path.resolve(__dirname, '..', 'docs')) ? 'docs' : '../docs');
const JSON_TYPES = /^application\/(fhir\+)?json\s*(;|$)/i;
/** Retry-After on feedback the store could not take. */
const FEEDBACK_RETRY_AFTER_SECONDS = 30;
const CHARSET = /;\s*charset\s*=\s*([^;\s]+)/i;

export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  // One CDS service per hook of each declaration, by its id (facet-joint-interventions, facet-joint-interventions-order-select…).
  const services = new Map(deps.services.flatMap((s) => s.hooks.map((h) => [h.id, { service: s, hook: h }] as const)));
  const clock = deps.clock ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  // One budget for the bodies of every JSON route (BODY_MAX_BYTES_IN_FLIGHT): reserved before a body is read, given back once answered.
  const bodies = bodyBudget(config.bodyMaxBytesInFlight, parseBytes(config.bodyLimit), deps.metrics.requestBodyBytesInFlight, (req) =>
    logger.warn({ path: req.path, contentLength: req.get('content-length') }, 'request body arriving too slowly: connection closed, its share of BODY_MAX_BYTES_IN_FLIGHT given back'),
  );
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(requestContext);
  // Before CORS, which answers preflights itself: every request gets its line (and, in open mode, the marker).
  app.use(accessLog(logger, deps.authenticator.mode === 'open'));
  app.use(cors(config.corsOrigins));

  app.use(opsRoutes(deps.metrics, deps.readiness));

  app.get('/cds-services', authenticate, (_req, res) => {
    res.json({ services: deps.services.flatMap((s) => s.hooks.map((h) => h.discovery)) });
  });

  // The prefetch is parsed when the call reads it (json-body's defer): a call about no in-scope order does
  // not, and settleDeferred then only checks it (a malformed one is the same 400, before any other error).
  app.post('/cds-services/:id', authenticate, findService, jsonBody(['prefetch']), async (req, res) => {
    const service = res.locals.service as LoadedService;
    const hook = res.locals.hook as HookService;
    const endTimer = deps.metrics.hookDuration.startTimer({ service: hook.id });
    // The FHIR data this call receives (orders fetched by reference and the chart) is counted until it is answered (FHIR_MAX_BYTES_PER_CALL, _IN_FLIGHT).
    const fhirBytes = deps.fhirClient.callBudget();
    try {
      let response: Awaited<ReturnType<typeof handleHookCall>>;
      try {
        response = await handleHookCall(
          service,
          req.body,
          { client: res.locals.client, baseUrl: baseUrl(req), fhirBytes },
          { config, fhirClient: deps.fhirClient, logger, metrics: deps.metrics, decisionLog: deps.decisionLog, clock, newId },
          hook,
        );
      } catch (error) {
        settleDeferred(req.body); // a malformed body is answered as such, whatever else was wrong with it
        throw error;
      }
      settleDeferred(req.body);
      endTimer({ status: '200' });
      res.json(response);
    } catch (error) {
      endTimer({ status: String((error as { status?: number }).status ?? 500) });
      throw error;
    } finally {
      fhirBytes.release();
    }
  });

  app.post('/cds-services/:id/feedback', authenticate, findService, jsonBody(), async (req, res) => {
    const hook = res.locals.hook as HookService;
    const items = validateFeedback(req.body);
    let result: { stored: number; duplicates: number };
    try {
      result = await deps.store.saveFeedback(hook.id, items, clock());
    } catch (error) {
      // Logged and counted by the instrumented store; the client keeps the feedback and sends it again.
      logger.error({ serviceId: hook.id, received: items.length, err: { message: (error as Error).message } }, 'feedback could not be stored');
      throw new ServiceUnavailableError('The feedback could not be stored (the store is unavailable); nothing was kept, send it again later', FEEDBACK_RETRY_AFTER_SECONDS);
    }
    logger.info({ serviceId: hook.id, received: items.length, ...result }, 'feedback stored');
    res.json({ received: items.length, stored: result.stored, duplicates: result.duplicates });
  });

  app.use(decisionRoutes(deps.store, authenticate, logger, config.auditMaxRecordBytes));

  // Documentation in place (Da Vinci DTR): the questionnaire operations and the SMART app at /dtr.
  app.use('/fhir', documentationRoutes({ config, services: deps.services, fhirClient: deps.fhirClient, logger, clock }, jsonBody));
  app.use('/dtr', dtrAppRouter(config));

  // A page per policy a service decides with (docs/<profile>.md at /docs/<profile>: CP.MP.171's data profile,
  // the Medicare LCD's), and an index of them at /docs. Only the declared pages are served.
  const profiles = docsPages(deps.services);
  app.get('/docs', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(docsIndex(deps.services));
  });
  app.get('/docs/:page', (req, res, next) => {
    const page = String(req.params.page);
    if (!profiles.has(page)) throw new NotFoundError(`No documentation page ${quoted(page)}; see /docs`);
    res.type('text/plain; charset=utf-8').sendFile(path.join(DOCS_DIR, `${page}.md`), (error) => error && next(new NotFoundError(`The data profile ${page} is not installed`)));
  });

  // The order-entry test page: synthetic patients and a page that signs orders, never in production.
  const sandboxAssets = config.env === 'production' ? undefined : sandboxAssetsDir();
  if (sandboxAssets) app.use('/sandbox', sandboxRouter(deps.services, clock, sandboxAssets));
  app.use(homeRoute({ services: deps.services, sandbox: sandboxAssets !== undefined, openMode: deps.authenticator.mode === 'open' }));

  app.use((req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${clipped(req.path)}`)));
  app.use(errorHandler(logger));
  return app;

  async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    res.locals.client = await deps.authenticator.authenticate(req, `${config.publicBaseUrl ?? baseUrl(req)}${req.path}`);
    next();
  }

  function findService(req: Request, res: Response, next: NextFunction): void {
    const found = services.get(String(req.params.id));
    if (!found) throw new NotFoundError(`No CDS service with id ${quoted(String(req.params.id))}`);
    res.locals.service = found.service;
    res.locals.hook = found.hook;
    next();
  }

  function jsonBody(defer?: readonly string[]) {
    const limitBytes = parseBytes(config.bodyLimit);
    const parse = readJsonBody({ limitBytes, shape: requestBodyLimits(limitBytes), ...(defer ? { defer } : {}) });
    return (req: Request, res: Response, next: NextFunction): void => {
      const type = req.get('content-type');
      if (!type || !JSON_TYPES.test(type)) {
        next(new UnsupportedMediaTypeError('Send the request as JSON (Content-Type: application/json)'));
        return;
      }
      // RFC 8259: JSON between systems is UTF-8; the shape check below reads UTF-8 bytes.
      const charset = CHARSET.exec(type)?.[1];
      if (charset && !/^"?utf-?8"?$/i.test(charset)) {
        next(new UnsupportedMediaTypeError('Send JSON encoded as UTF-8 (charset=utf-8)'));
        return;
      }
      bodies(req, res, (refused?: unknown) => (refused ? next(refused) : parse(req, res, next)));
    };
  }

  function baseUrl(req: Request): string {
    return config.publicBaseUrl ?? `${req.protocol}://${req.get('host') ?? `localhost:${config.port}`}`;
  }
}

/** A path in a message, cut short: a URL can be as long as the request line allows (16 KB), and messages are logged. */
function clipped(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}… (${path.length} characters)` : path;
}

/** One JSON line per request: method, path (without the query string), status, time, the verified client; in open mode, a reminder that nothing was authenticated. */
function accessLog(logger: Logger, openMode: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    // Read now: a sub-router (/sandbox) strips its mount path from req.path while it handles the request.
    const path = req.path;
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(openMode ? { authentication: 'OPEN MODE: caller not authenticated' } : {}),
          ...(res.locals.client ? { client: (res.locals.client as AuthenticatedClient).iss } : {}),
        },
        'request',
      );
    });
    next();
  };
}

/** The /docs pages: the data profile of every policy a loaded service may decide with. */
function docsPages(services: LoadedService[]): Set<string> {
  return new Set(services.flatMap((s) => s.policies.flatMap((p) => (p.document.profile ? [p.document.profile] : []))));
}

/** /docs: each service, the policies it decides with (and for whom), and the page saying how to chart each. */
function docsIndex(services: LoadedService[]): string {
  const lines = ['Data profiles: how to chart what each policy reads, per service.', ''];
  for (const service of services) {
    lines.push(`${service.id}: ${service.definition.service.title}`);
    for (const policy of service.policies) {
      const rule = service.selection.rules.filter((r) => r.policy === policy);
      const whom = rule.length > 0 ? `${rule.flatMap((r) => r.programs).join(', ')} members` : policy === service.selection.default ? 'everyone else' : 'when selected';
      lines.push(`  ${policy.document.id} ${policy.document.title} (rev. ${policy.document.revision}), for ${whom}: ${policy.document.profile ? `/docs/${policy.document.profile}` : 'no data profile'}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
