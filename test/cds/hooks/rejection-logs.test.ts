import type { ServiceRequest } from 'fhir/r4';
import request from 'supertest';
import type { Runtime } from '../../../src/runtime';
import { HOOK_PATHS, fullPrefetch, searchset } from '../../helpers/builders';
import { capturingLogger, testRuntime } from '../../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../../fixtures/facet-chart';

/**
 * A refused hook call is logged without PHI: the log line of a 400 names what was wrong (the element), not the
 * patient or the values the EHR sent. The OperationOutcome the caller gets may say more; the log must not.
 */
const PATIENT_ID = 'pt-5d1e7a20';
const SENT_VALUE = 'Dr Quartermaine at Zebulon Clinic';

describe('the log of a refused hook call', () => {
  let runtime: Runtime;
  let lines: string[];
  beforeEach(async () => {
    const captured = capturingLogger();
    lines = captured.lines;
    runtime = await testRuntime({ logger: captured.logger });
    lines.length = 0;
  });
  afterEach(() => runtime.close());

  it('names neither the patient nor the values sent', async () => {
    const chart = lumbarBlockChart(PATIENT_ID);
    const ofAnother: ServiceRequest = { ...lumbarBlockOrder('sr-1'), status: 'active', subject: { reference: 'Patient/someone-else' } };
    const dispatch = (performer: string) => ({
      hook: 'order-dispatch',
      hookInstance: 'd3f1a2b4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
      context: { patientId: PATIENT_ID, dispatchedOrders: ['ServiceRequest/sr-1'], performer },
      prefetch: { ...fullPrefetch(chart), serviceRequests: searchset([ofAnother]) },
    });
    for (const body of [dispatch('Organization/pain-clinic'), dispatch(SENT_VALUE)]) {
      const res = await request(runtime.app).post(HOOK_PATHS['order-dispatch']).send(body);
      expect(res.status).toBe(400);
    }
    const log = lines.join('\n');
    expect(log).toContain('request rejected');
    expect(log).toContain('"expression":["context.performer"]');
    expect(log).not.toContain(PATIENT_ID);
    expect(log).not.toContain(SENT_VALUE);
  });
});
