import fs from 'node:fs';
import path from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import axios from 'axios';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { PATIENT_ID, SERVICE_PATH, fullPrefetch, hookRequest, MEETS_POLICY } from '../helpers/builders';
import { expectValidCdsResponse } from '../helpers/cds-response';
import { startFhirServer, type FhirTestServer } from '../helpers/fhir-server';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/**
 * The service against a real FHIR R4 REST server on localhost (@medplum/fhir-router 4.5.2 over HTTP,
 * test/helpers/fhir-server.ts) holding the patient's chart: no prefetch, every key fetched through
 * axios with the hook's access token, and a real decision.
 */
const TOKEN = 'integration-token-7c1d';

function coverageInformation(body: any): Record<string, any> {
  const ext = body.systemActions[0].resource.extension.find((e: any) => e.url.endsWith('ext-coverage-information')).extension as any[];
  return Object.fromEntries(ext.map((e) => [e.url, e.valueCode ?? e.valueReference ?? e.valueCodeableConcept ?? e.valueString ?? e.valueDate ?? e.valueCoding]));
}

describe('against a FHIR server on localhost', () => {
  let fhir: FhirTestServer;
  let runtime: Runtime;
  beforeAll(async () => {
    fhir = await startFhirServer({ resources: lumbarBlockChart() as Resource[] });
    runtime = await testRuntime(); // open mode: loopback FHIR servers are allowed
  });
  afterAll(async () => {
    await runtime.close();
    await fhir.close();
  });
  beforeEach(() => {
    fhir.requests.length = 0;
  });

  const declared = () => runtime.deps.services.find((s) => s.id === 'facet-joint-interventions')!.definition.service.prefetch;

  it('fetches every declared key from the FHIR server, with the Bearer token, and decides', async () => {
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], fhirServer: fhir.baseUrl, accessToken: TOKEN, extension: MEETS_POLICY }));
    expect(res.status).toBe(200);
    expectValidCdsResponse(res.body);

    const expectedUrls = Object.values(declared()).map((p) => p.template.replace('{{context.patientId}}', PATIENT_ID));
    expect(fhir.requests.map((r) => r.url).sort()).toEqual(expectedUrls.sort());
    expect(fhir.requests.every((r) => r.method === 'GET' && r.authorization === `Bearer ${TOKEN}`)).toBe(true);

    expect(res.body.cards[0].summary).toBe('Meets policy, no prior auth needed');
    expect(coverageInformation(res.body)).toMatchObject({ covered: 'covered', 'pa-needed': 'no-auth', coverage: { reference: 'Coverage/cov-1' } });
    // The evidence came from the server's resources: the decision record names them (the card speaks in words, not ids).
    await runtime.deps.decisionLog.flush();
    const record = JSON.stringify(await runtime.deps.store.getDecision(coverageInformation(res.body)['coverage-assertion-id']));
    for (const evidence of ['Condition/cond-spondylosis', 'Observation/obs-odi', 'Procedure/proc-pt', 'MedicationRequest/med-ibuprofen', 'Procedure/proc-mri']) {
      expect(record).toContain(evidence);
    }
  });

  it('fetches only what the prefetch lacks', async () => {
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart(), { omit: ['conditions', 'observations'] }), fhirServer: fhir.baseUrl, accessToken: TOKEN }));
    expect(res.status).toBe(200);
    expect(fhir.requests.map((r) => r.url.split('?')[0])).toEqual(expect.arrayContaining(['Condition', 'Observation']));
    expect(fhir.requests).toHaveLength(2);
    expect(coverageInformation(res.body).covered).toBe('covered');
  });

  it('reads a chart change on the next call: without physical therapy on record, documentation is needed', async () => {
    await fhir.repo.deleteResource('Procedure', 'proc-pt');
    try {
      const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], fhirServer: fhir.baseUrl, accessToken: TOKEN }));
      expect(res.status).toBe(200);
      expect(coverageInformation(res.body).covered).toBe('conditional');
      expect(res.body.cards[0].detail).toContain('**To document (1):**\n\n- At least 4 weeks of physical therapy or home exercise in the past year (I.A.1.b.i)');
    } finally {
      await fhir.seed(lumbarBlockChart().filter((r) => r.id === 'proc-pt') as Resource[]);
    }
  });

  it('decides nothing for a patient the server does not know: the chart is empty, not another patient\'s', async () => {
    const res = await request(runtime.app)
      .post(SERVICE_PATH)
      .send(hookRequest({ orders: [{ ...lumbarBlockOrder('sr-1'), subject: { reference: 'Patient/unknown-9' } }], patientId: 'unknown-9', fhirServer: fhir.baseUrl, accessToken: TOKEN }));
    expect(res.status).toBe(200);
    expect(res.body.systemActions).toBeUndefined(); // no Coverage for this patient
    // No Coverage either: the card says so first, and gives what the policy needs without a prior-authorization answer.
    expect(res.body.cards[0].summary).toMatch(/^No active coverage found\. Policy criteria to document: pain onset date/);
  });
});

describe('startFhirServer (test/helpers/fhir-server.ts)', () => {
  let fhir: FhirTestServer;
  beforeAll(async () => {
    fhir = await startFhirServer();
  });
  afterAll(() => fhir.close());

  it('loads a transaction Bundle with the ids it gives (the scenario patients\' format)', async () => {
    const file = path.resolve(__dirname, '../../cds-services/facet-joint-interventions/scenarios/patients/facet-01-first-block-covered.json');
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
    await fhir.seed([bundle]);
    const patient = bundle.entry.find((e: any) => e.resource.resourceType === 'Patient').resource;
    const read = await axios.get(`${fhir.baseUrl}/Patient/${patient.id}`);
    expect(read.data).toMatchObject({ resourceType: 'Patient', id: patient.id });
    const conditions = await axios.get(`${fhir.baseUrl}/Condition?patient=${patient.id}`);
    expect(conditions.data.total).toBe(bundle.entry.filter((e: any) => e.resource.resourceType === 'Condition').length);
  });

  it('answers metadata, 404 with an OperationOutcome, and POSTed transactions', async () => {
    expect((await axios.get(`${fhir.baseUrl}/metadata`)).data).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    const missing = await axios.get(`${fhir.baseUrl}/Patient/nobody`, { validateStatus: () => true });
    expect(missing.status).toBe(404);
    expect(missing.data.resourceType).toBe('OperationOutcome');
    const tx = await axios.post(
      fhir.baseUrl,
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Patient', id: 'tx-1' }, request: { method: 'PUT', url: 'Patient/tx-1' } }] },
      { headers: { 'Content-Type': 'application/fhir+json' } },
    );
    expect(tx.data.type).toBe('transaction-response');
    expect((await axios.get(`${fhir.baseUrl}/Patient/tx-1`)).status).toBe(200);
  });
});
