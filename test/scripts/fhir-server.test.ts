import http from 'node:http';
import axios from 'axios';
import type { Patient } from 'fhir/r4';
import { DEFAULT_PORT, main } from '../../scripts/fhir-server';
import { main as loadPatients } from '../../scripts/load-patients';
import { startEmbeddedFhirServer } from '../../scripts/lib/embedded-fhir-server';
import { memoryOutput } from '../../scripts/lib/terminal';

describe('npm run fhir-server (scripts/fhir-server.ts)', () => {
  it('serves the in-memory FHIR server on the port given, prints its base URL, takes a scenario patient, and stops', async () => {
    const io = memoryOutput();
    let base = '';
    const code = await main(['--port', '0'], io, process.env, async (server) => {
      base = server.baseUrl;
      expect(io.text()).toContain(`FHIR R4 server (in memory) at ${server.baseUrl}`);
      expect(io.text()).toContain(`npm run load-patients -- --fhir-server ${server.baseUrl}`);
      const load = memoryOutput();
      expect(await loadPatients(['--fhir-server', server.baseUrl, '--scenario', 'facet-05-ultrasound-guided'], load)).toBe(0);
      expect(load.text()).toContain('Loading 1 scenario patient into');
      expect(load.text()).toMatch(/Loaded 1 of 1 patient \(\d+ resources\)\./);
      const patient = (await axios.get<Patient>(`${server.baseUrl}/Patient/facet-05`)).data;
      expect(patient).toMatchObject({ resourceType: 'Patient', id: 'facet-05' });
    });
    expect(code).toBe(0);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
    expect(io.text()).toContain('FHIR server stopped.');
    await expect(axios.get(`${base}/metadata`, { timeout: 2000, httpAgent: new http.Agent({ keepAlive: false }) })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 60_000);

  it(`defaults to port ${DEFAULT_PORT}, not docker compose's 8080`, async () => {
    expect(DEFAULT_PORT).toBe(8090);
    const io = memoryOutput();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.text()).toContain(`default ${DEFAULT_PORT}`);
  });

  it('says when the port is taken (exit 1), and refuses a bad --port (exit 2)', async () => {
    const taken = await startEmbeddedFhirServer();
    try {
      const port = new URL(taken.baseUrl).port;
      const io = memoryOutput();
      expect(await main(['--port', port], io, process.env, () => Promise.reject(new Error('must not serve')))).toBe(1);
      expect(io.errText()).toContain(`cannot listen on 127.0.0.1:${port}: port ${port} is in use; choose another with --port`);
    } finally {
      await taken.close();
    }
    const bad = memoryOutput();
    expect(await main(['--port', 'eighty'], bad)).toBe(2);
    expect(bad.errText()).toContain('--port must be a whole number from 0 to 65535, got "eighty"');
  });
});
