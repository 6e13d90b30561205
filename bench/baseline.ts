import type express from 'express';
import type { RequestHandler } from 'express';

/** Where the baseline answers: the hook's own route with a different prefix (":id" is the service id). */
export const BASELINE_PATH = '/bench/baseline/:id';

/** A fixed order-sign answer: one informational card, about the size of a short checklist card. */
export const FIXED_RESPONSE = {
  cards: [
    {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'Meets policy: Lumbar facet joint injection, 2 levels (CPT 64493, 64494)',
      detail:
        '**Meets policy** under CP.MP.171 Facet Joint Interventions (rev. 05/26).\n\nCriteria:\n\n' +
        Array.from({ length: 12 }, (_, i) => `- ✅ **Met** · I.A.1.${i} criterion ${i}: documented in the record.`).join('\n'),
      indicator: 'info',
      source: { label: 'Health Plan', topic: { system: 'http://terminology.hl7.org/CodeSystem/cdshooks-card-type', code: 'guideline', display: 'Guideline' } },
      links: [{ label: 'CP.MP.171 Facet Joint Interventions', url: 'https://example.org/CP.MP.171.pdf', type: 'absolute' }],
    },
  ],
};

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: RequestHandler }> };
}

/**
 * Mounts the floor of this server stack on the app the bench created: the hook route's own middleware
 * (request id, CORS, access log, authentication, service lookup, JSON body parsing, all of them) and then
 * a fixed card instead of the hook. Only the bench process calls this, so the production app never has
 * the route. It reuses the hook route's handlers from Express's router and places the new route before the
 * 404 handler; if Express's internals change, it fails loudly rather than measure something else.
 */
export function mountBaseline(app: express.Express): void {
  const stack = (app as unknown as { router: { stack: RouterLayer[] } }).router.stack;
  const hookIndex = stack.findIndex((layer) => layer.route?.path === '/cds-services/:id' && layer.route.methods.post);
  const hookRoute = stack[hookIndex]?.route;
  if (!hookRoute || hookRoute.stack.length < 2) throw new Error('bench: the POST /cds-services/:id route was not found in the Express router');
  const middleware = hookRoute.stack.slice(0, -1).map((layer) => layer.handle); // everything but the hook handler
  app.post(BASELINE_PATH, ...middleware, (req, res) => {
    // The hook route leaves a large prefetch unparsed until read (json-body's defer): the baseline reads it,
    // so it stays what it was, the stack and the whole body parsed, without the hook.
    void (req.body as { prefetch?: unknown } | undefined)?.prefetch;
    res.json(FIXED_RESPONSE);
  });
  const added = stack.pop()!;
  if (added.route?.path !== BASELINE_PATH) throw new Error('bench: could not place the baseline route');
  stack.splice(hookIndex, 0, added);
}
