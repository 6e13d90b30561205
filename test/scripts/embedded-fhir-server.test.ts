import axios from 'axios';
import { startEmbeddedFhirServer, toRepositoryUrl, type EmbeddedFhirServer } from '../../scripts/lib/embedded-fhir-server';

describe('embedded FHIR server (scripts/lib/embedded-fhir-server.ts)', () => {
  describe('toRepositoryUrl', () => {
    it('gives bare patient ids the Patient/ prefix, as MemoryRepository matches only full references', () => {
      expect(toRepositoryUrl('Coverage?patient=facet-05&status=active')).toBe('Coverage?patient=Patient%2Ffacet-05&status=active');
      expect(toRepositoryUrl('Device?patient=Patient/facet-05')).toBe('Device?patient=Patient%2Ffacet-05');
    });

    it('searches by subject where the patient parameter is the subject restricted to Patients (same matches, far faster)', () => {
      expect(toRepositoryUrl('Procedure?patient=facet-05')).toBe('Procedure?subject=Patient%2Ffacet-05');
      expect(toRepositoryUrl('Observation?patient=p1&code=http://loinc.org|72514-3,http://loinc.org|97909-6')).toBe(
        'Observation?subject=Patient%2Fp1&code=http%3A%2F%2Floinc.org%7C72514-3%2Chttp%3A%2F%2Floinc.org%7C97909-6',
      );
      // AllergyIntolerance and Device name the patient in `patient`, Coverage in `beneficiary`: left as they are
      expect(toRepositoryUrl('AllergyIntolerance?patient=p1')).toBe('AllergyIntolerance?patient=Patient%2Fp1');
      expect(toRepositoryUrl('Coverage?beneficiary=p1')).toBe('Coverage?beneficiary=Patient%2Fp1');
    });

    it('leaves reads and other parameters alone', () => {
      expect(toRepositoryUrl('Patient/facet-05')).toBe('Patient/facet-05');
      expect(toRepositoryUrl('Observation?code=http://loinc.org|1-8')).toBe('Observation?code=http%3A%2F%2Floinc.org%7C1-8');
    });
  });

  describe('over HTTP', () => {
    let server: EmbeddedFhirServer;
    beforeAll(async () => {
      server = await startEmbeddedFhirServer();
    }, 60_000);
    afterAll(() => server?.close());

    it('answers /metadata with a CapabilityStatement for FHIR 4.0.1', async () => {
      const res = await axios.get(`${server.baseUrl}/metadata`);
      expect(res.data).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    });

    it('keeps client-assigned ids from a PUT transaction and finds the resources by bare patient id', async () => {
      const bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: { resourceType: 'Patient', id: 'emb-1' }, request: { method: 'PUT', url: 'Patient/emb-1' } },
          {
            resource: { resourceType: 'Condition', id: 'emb-1-c', subject: { reference: 'Patient/emb-1' }, code: { text: 'back pain' } },
            request: { method: 'PUT', url: 'Condition/emb-1-c' },
          },
        ],
      };
      const loaded = await axios.post(server.baseUrl, bundle, { headers: { 'Content-Type': 'application/fhir+json' } });
      expect(loaded.data.type).toBe('transaction-response');
      expect((await axios.get(`${server.baseUrl}/Patient/emb-1`)).data.id).toBe('emb-1');
      const found = await axios.get(`${server.baseUrl}/Condition?patient=emb-1`);
      expect(found.data.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(['emb-1-c']);
      expect((await axios.get(`${server.baseUrl}/Condition?patient=someone-else`)).data.entry ?? []).toEqual([]);
    });

    it('answers an unknown resource with 404 and an OperationOutcome', async () => {
      const res = await axios.get(`${server.baseUrl}/Patient/does-not-exist`, { validateStatus: () => true });
      expect(res.status).toBe(404);
      expect(res.data.resourceType).toBe('OperationOutcome');
    });
  });
});
