import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Bundle, FhirResource } from 'fhir/r4';
import { localDate } from '../cds/hook-handler';
import { BadRequestError, NotFoundError, PayloadTooLargeError } from '../errors';
import { FHIR_ID } from '../fhir/references';
import { aboutPatient } from '../fhir/patient-compartment';
import type { ScenarioLibrary } from '../scenarios/catalog';
import { searchChart } from './chart-prefetch';
import { searchsetBundle } from '../fhir/searchset';

/**
 * The sandbox's FHIR server (development only, under /sandbox/fhir): the scenario patients (dates moved to
 * today) as an open FHIR R4 server the documentation app launches against, standing in for the EHR. It
 * answers reads and the patient searches the prefetch templates make, and keeps what the app writes: the
 * draft orders being documented (PUT) and the QuestionnaireResponses saved (POST), in memory, bounded.
 */

/** Resources written through the sandbox server, all patients together: past it, writes are refused (413). */
export const MAX_SANDBOX_WRITES = 500;
const WRITABLE = new Set(['ServiceRequest', 'QuestionnaireResponse']);

export class SandboxFhirStore {
  private seededFor?: string;
  private chart = new Map<string, FhirResource>();
  private patients = new Map<string, string>();
  private readonly written = new Map<string, FhirResource>();

  constructor(
    private readonly libraries: ScenarioLibrary[],
    private readonly clock: () => Date,
  ) {}

  /** The scenario patients' charts, dates moved to today (again when the day changes). */
  private seed(): void {
    const today = localDate(this.clock());
    if (this.seededFor === today) return;
    this.chart = new Map();
    this.patients = new Map();
    for (const library of this.libraries) {
      for (const scenario of library.scenarios) {
        this.patients.set(scenario.patientId, scenario.id);
        for (const resource of library.patientResources(scenario, today)) this.chart.set(`${resource.resourceType}/${resource.id}`, resource);
      }
    }
    this.seededFor = today;
  }

  read(type: string, id: string): FhirResource | undefined {
    this.seed();
    return this.written.get(`${type}/${id}`) ?? this.chart.get(`${type}/${id}`);
  }

  search(type: string, params: URLSearchParams): FhirResource[] {
    this.seed();
    const patient = ['patient', 'subject', 'beneficiary'].map((p) => params.get(p)).find((v) => v)?.replace(/^Patient\//, '');
    if (!patient) throw new BadRequestError('The sandbox FHIR server answers searches for one patient: give patient, subject or beneficiary', 'patient', 'required');
    return searchChart(this.all(), type, params, patient);
  }

  /** The QuestionnaireResponses saved for a patient (for the sandbox page's prefetch). */
  responses(patientId: string): FhirResource[] {
    const about = aboutPatient(patientId);
    return [...this.written.values()].filter((r) => r.resourceType === 'QuestionnaireResponse' && about(r));
  }

  write(resource: unknown, type: string, id?: string): FhirResource {
    this.seed();
    const r = resource as FhirResource | null;
    if (!WRITABLE.has(type)) throw new BadRequestError(`The sandbox FHIR server keeps ${[...WRITABLE].join(' and ')} only`, 'resourceType', 'not-supported');
    if (!r || typeof r !== 'object' || r.resourceType !== type) throw new BadRequestError(`The body must be a ${type}`, 'resourceType', 'structure');
    if (id !== undefined && !FHIR_ID.test(id)) throw new BadRequestError('Not a FHIR id', 'id', 'value');
    if (id !== undefined && r.id !== id) throw new BadRequestError(`The body's id must be ${id}`, 'id', 'value');
    const subject = (r as { subject?: { reference?: unknown } }).subject?.reference;
    const patient = typeof subject === 'string' && subject.startsWith('Patient/') ? subject.slice(8) : undefined;
    if (!patient || !this.patients.has(patient)) throw new BadRequestError('subject must be one of the sandbox patients ("Patient/<id>")', 'subject', 'value');
    const key = `${type}/${id ?? ''}`;
    if (!this.written.has(key) && this.written.size >= MAX_SANDBOX_WRITES) throw new PayloadTooLargeError(`The sandbox FHIR server keeps at most ${MAX_SANDBOX_WRITES} written resources; restart the service to clear them`);
    const stored = { ...r, id: id ?? randomUUID(), meta: { lastUpdated: this.clock().toISOString() } } as FhirResource;
    this.written.set(`${type}/${stored.id}`, stored);
    return stored;
  }

  private all(): FhirResource[] {
    const merged = new Map(this.chart);
    for (const [key, resource] of this.written) merged.set(key, resource);
    return [...merged.values()];
  }
}

export function sandboxFhirRouter(store: SandboxFhirStore): express.Router {
  const router = express.Router();
  const fhir = (res: Response, status: number, body: unknown) => res.status(status).type('application/fhir+json').send(JSON.stringify(body));
  router.use(express.json({ limit: '1mb', type: ['application/json', 'application/fhir+json'] }));
  router.get('/metadata', (_req, res) => {
    fhir(res, 200, { resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'], date: '2026-01-01', software: { name: 'facet-cds sandbox FHIR server' }, rest: [{ mode: 'server' }] });
  });
  router.get('/:type', (req: Request, res: Response) => {
    const params = new URLSearchParams(req.url.split('?')[1] ?? '');
    const found = store.search(String(req.params.type), params);
    fhir(res, 200, searchsetBundle(found.map((resource) => ({ resource }))));
  });
  router.get('/:type/:id', (req, res) => {
    const found = store.read(String(req.params.type), String(req.params.id));
    if (!found) throw new NotFoundError(`No ${String(req.params.type)}/${String(req.params.id)} on the sandbox FHIR server`);
    fhir(res, 200, found);
  });
  router.put('/:type/:id', (req, res) => {
    fhir(res, 200, store.write(req.body, String(req.params.type), String(req.params.id)));
  });
  router.post('/:type', (req, res) => {
    const stored = store.write(req.body, String(req.params.type));
    res.setHeader('Location', `${req.baseUrl}/${stored.resourceType}/${stored.id}`);
    fhir(res, 201, stored);
  });
  return router;
}
