import { Router } from 'express';
import { ServiceUnavailableError } from '../errors';
import type { Metrics } from '../observability/metrics';
import type { Readiness } from '../observability/readiness';

/**
 * Operations endpoints, unauthenticated and free of PHI: /health (liveness: the process answers),
 * /ready (readiness: store reachable, declarations loaded, not draining) and /metrics (Prometheus).
 * Keep /metrics and /ready off the public ingress (docker/nginx.conf does); probes and scrapers
 * reach each instance directly.
 */
export function opsRoutes(metrics: Metrics, readiness: Readiness): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    const report = await readiness.check();
    if (!report.ready) throw new ServiceUnavailableError(`Not ready: ${report.problems.join('; ')}`);
    res.json({ status: 'ready', checks: report.checks });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  return router;
}
