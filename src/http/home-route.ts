import { Router } from 'express';
import type { LoadedService } from '../declarations/types';

/**
 * GET /: where a person who opens the service's address should go. A short HTML page for a browser, JSON
 * for anything else. No authentication and nothing about patients: it only lists the routes.
 */
export interface HomeLinks {
  services: LoadedService[];
  /** Whether the order-entry test page is served (not in production). */
  sandbox: boolean;
  /** Whether callers are authenticated (a clients file) or not (open mode). */
  openMode: boolean;
}

interface Destination {
  path: string;
  what: string;
}

export function homeDestinations({ services, sandbox, openMode }: HomeLinks): Destination[] {
  const profiles = services.flatMap((s) => s.policies.flatMap((p) => (p.document.profile ? [{ path: `/docs/${p.document.profile}`, what: `How to chart each criterion of ${p.document.id} ${p.document.title}` }] : [])));
  return [
    { path: '/cds-services', what: `CDS Hooks discovery: the services to call${openMode ? '' : ' (a client JWT is required)'}` },
    ...(sandbox ? [{ path: '/sandbox', what: 'Order-entry test page: sign a scenario patient\'s orders and read the cards (development only)' }] : []),
    { path: '/docs', what: 'Data profiles: how the chart is read, per policy' },
    ...profiles,
    { path: '/health', what: 'Liveness' },
  ];
}

export function homeRoute(links: HomeLinks): Router {
  const router = Router();
  const title = 'facet-cds: CDS Hooks service for facet joint interventions (Da Vinci CRD)';
  router.get('/', (req, res) => {
    const destinations = homeDestinations(links);
    // JSON unless HTML is asked for by name (a browser); curl's */* gets JSON.
    if (req.accepts(['json', 'html']) !== 'html') {
      res.json({ service: title, links: destinations.map((d) => ({ href: d.path, description: d.what })) });
      return;
    }
    const items = destinations.map((d) => `<li><a href="${d.path}">${d.path}</a>: ${escapeHtml(d.what)}</li>`).join('\n');
    res.type('html').send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>facet-cds</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n` +
        `<p>This address is a CDS Hooks service: an EHR calls it when a clinician signs, selects, dispatches or books a facet joint procedure. Start here:</p>\n<ul>\n${items}\n</ul>\n` +
        `<p>Set-up, configuration and connecting an EHR: README.md in the repository.</p>\n</body></html>\n`,
    );
  });
  return router;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
