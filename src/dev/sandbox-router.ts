import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Patient } from 'fhir/r4';
import { localDate } from '../cds/hook-handler';
import type { LoadedService } from '../declarations/types';
import { NotFoundError } from '../errors';
import { ScenarioLibrary } from '../scenarios/catalog';
import { prefetchFromChart } from './chart-prefetch';
import { SandboxFhirStore, sandboxFhirRouter } from './sandbox-fhir';

/**
 * The order-entry test page (development only, see app.ts): static files from public/sandbox, and two
 * read-only routes with the scenario patients, their dates moved to today, for the page to build
 * order-sign requests from. The page then calls the CDS service itself, exactly as an EHR does.
 */

/** public/sandbox, whether the code runs from src/ (tsx, jest) or dist/src/ (npm start). */
export function sandboxAssetsDir(): string | undefined {
  const candidates = [path.resolve(__dirname, '../../public/sandbox'), path.resolve(__dirname, '../../../public/sandbox')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
}

/** Scripts and styles from this origin only, nothing inline: card text can never become code. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface ProcedureChoice {
  code: string;
  display: string;
  regions: string[];
}

interface SandboxService {
  service: LoadedService;
  library: ScenarioLibrary;
  procedures: ProcedureChoice[];
}

export function sandboxRouter(services: LoadedService[], clock: () => Date, assetsDir: string): express.Router {
  // A service's scenario patients with those of the policies it applies (the Medicare LCD's for facet).
  const withScenarios: SandboxService[] = services.flatMap((service) => {
    const library = ScenarioLibrary.forServiceAndPolicies(service);
    return library ? [{ service, library, procedures: procedureChoices(service) }] : [];
  });
  const router = express.Router();
  // The EHR's FHIR server for the documentation app (/dtr): the scenario patients, and what the app saves.
  const fhirStore = new SandboxFhirStore(
    withScenarios.map((s) => s.library),
    clock,
  );
  router.use('/fhir', sandboxFhirRouter(fhirStore));
  router.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  router.get('/api/catalog', (_req, res) => {
    const today = localDate(clock());
    res.json({
      today,
      services: withScenarios.map(({ service, library, procedures }) => ({
        id: service.id,
        title: service.definition.service.title,
        // One CDS service per hook (the page's hook selector calls the chosen one).
        hooks: service.hooks.map((h) => ({ hook: h.hook.name, id: h.id, primary: h.hook.primary })),
        procedures,
        // The policies that decide its members, for grouping the scenario patients.
        policies: service.policies.map((p) => ({ id: p.id, title: `${p.document.id} ${p.document.title}`, ...(p === service.policy ? {} : { selectedFor: service.selection.rules.filter((r) => r.policy === p).flatMap((r) => r.programs) }) })),
        scenarios: library.scenarios.map((scenario) => ({
          id: scenario.id,
          policy: scenario.policy,
          title: scenario.title,
          description: scenario.description,
          patientId: scenario.patientId,
          patient: patientCard(library.patientResources(scenario, today).find((r) => r.resourceType === 'Patient') as Patient | undefined),
          orders: library.orders(scenario, today),
          expected: scenario.expected,
        })),
      })),
    });
  });

  router.get('/api/services/:serviceId/scenarios/:scenarioId/prefetch', (req, res) => {
    const entry = withScenarios.find((s) => s.service.id === req.params.serviceId);
    if (!entry) throw new NotFoundError(`No service with scenarios named "${String(req.params.serviceId)}"`);
    const scenario = entry.library.find(String(req.params.scenarioId));
    if (!scenario) throw new NotFoundError(`No scenario "${String(req.params.scenarioId)}" for ${entry.service.id}`);
    // The chart, with the documentation (QuestionnaireResponses) saved for this patient through the sandbox FHIR server.
    const chart = [...entry.library.patientResources(scenario, localDate(clock())), ...fhirStore.responses(scenario.patientId)];
    const userId = typeof req.query.userId === 'string' && /^Practitioner(Role)?\/[A-Za-z0-9\-.]{1,64}$/.test(req.query.userId) ? req.query.userId : 'Practitioner/sandbox-clinician';
    res.json(prefetchFromChart(entry.service, chart, { patientId: scenario.patientId, userId }));
  });

  // The page at /sandbox as well as /sandbox/ (its assets use absolute paths, so both work).
  router.get('/', (_req, res) => {
    res.sendFile(path.join(assetsDir, 'index.html'));
  });
  router.use(express.static(assetsDir, { index: false, redirect: false, fallthrough: true, maxAge: 0 }));
  return router;
}

/** The procedure codes the composer offers: the service's code table (its definition's `coding.procedures`) when it has one. */
function procedureChoices(service: LoadedService): ProcedureChoice[] {
  const coding = service.policy.coding as { procedures?: Record<string, { display?: string; regions?: string[] }> } | undefined;
  return Object.entries(coding?.procedures ?? {}).map(([code, p]) => ({ code, display: p.display ?? code, regions: p.regions ?? [] }));
}

function patientCard(patient: Patient | undefined): { name: string; gender?: string; birthDate?: string } | undefined {
  if (!patient) return undefined;
  const name = patient.name?.[0];
  return {
    name: name ? [...(name.given ?? []), name.family].filter(Boolean).join(' ') : `Patient/${patient.id}`,
    ...(patient.gender ? { gender: patient.gender } : {}),
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
  };
}
