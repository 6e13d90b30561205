import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Report } from '../../src/audit/report';
import { runReport } from '../../src/audit/report-cli';
import { loadServices } from '../../src/declarations/load';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { SqliteStore } from '../../src/store/sqlite-store';
import { MEETS_POLICY, SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';

interface UnitCard {
  uuid: string;
  links?: unknown[];
  detail?: string;
  suggestions?: Array<{ uuid: string; label: string }>;
  extension?: { 'davinci-crd.associated-resource'?: Array<{ reference: string }> };
}

/**
 * The report over a run of the scenario suite (every patient the declaration ships, through HTTP),
 * with clinicians' feedback on each card. The expected figures come from the scenario catalog and
 * the answers, not from the decision records the report reads.
 */
describe('npm run report over the scenario suite', () => {
  const library = ScenarioLibrary.forServiceAndPolicies(loadServices().find((s) => s.id === 'facet-joint-interventions')!)!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-scenario-report-'));
  const expected = { ordersByOutcome: {} as Record<string, number>, notMet: {} as Record<string, number>, notDocumented: {} as Record<string, number> };
  const sent = { accepted: 0, overridden: 0, cards: 0, acceptedLabels: {} as Record<string, number> };

  beforeAll(async () => {
    const runtime = await testRuntime({ store: SqliteStore.inDataDir(dir), clock: () => new Date(`${library.catalog.referenceDate}T15:00:00Z`) });
    const feedback: unknown[] = [];
    for (const scenario of library.scenarios) {
      const body = hookRequest({ orders: library.orders(scenario), prefetch: fullPrefetch(library.patientResources(scenario)), patientId: scenario.patientId, extension: MEETS_POLICY });
      const res = await request(runtime.app).post(SERVICE_PATH).send(body);
      expect(res.status).toBe(200);
      for (const e of scenario.expected) expected.ordersByOutcome[e.outcome] = (expected.ordersByOutcome[e.outcome] ?? 0) + 1;
      const unitCards = (res.body.cards as UnitCard[]).filter((c) => c.extension?.['davinci-crd.associated-resource']);
      for (const card of unitCards) {
        const orders = card.extension!['davinci-crd.associated-resource']!.map((r) => r.reference.replace('ServiceRequest/', ''));
        const e = scenario.expected.find((x) => orders.includes(x.order))!;
        // A unit's criteria count once, on the card explaining it (its alternatives and companion orders have cards of their own, without links).
        // A card speaking for conflicting procedures of one visit explains each of them (one order each in the scenarios).
        const explained = card.detail?.includes('**Orders on this visit:**') ? scenario.expected.filter((x) => orders.includes(x.order)) : [e];
        if (card.links?.length) {
          for (const one of explained) {
            for (const id of one.notMet ?? []) expected.notMet[id] = (expected.notMet[id] ?? 0) + 1;
            for (const id of one.notDocumented ?? []) expected.notDocumented[id] = (expected.notDocumented[id] ?? 0) + 1;
          }
        }
        sent.cards++;
        // Clinicians: take the first suggestion when there is one, else override what advises against the order.
        const outcomeTimestamp = `${library.catalog.referenceDate}T15:05:00Z`;
        if (card.suggestions?.length) {
          feedback.push({ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[0]!.uuid }], outcomeTimestamp });
          sent.accepted++;
          const kind = card.suggestions[0]!.label.replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<date>');
          sent.acceptedLabels[kind] = (sent.acceptedLabels[kind] ?? 0) + 1;
        } else if (e.outcome !== 'covered') {
          const code = e.outcome === 'conditional' ? 'documented-elsewhere' : 'clinical-exception';
          feedback.push({ card: card.uuid, outcome: 'overridden', overrideReason: { reason: { system: 'http://facet-cds.dev/fhir/CodeSystem/override-reason', code } }, outcomeTimestamp });
          sent.overridden++;
        }
      }
    }
    const fb = await request(runtime.app).post(`${SERVICE_PATH}/feedback`).send({ feedback });
    expect(fb.body).toEqual({ received: feedback.length, stored: feedback.length, duplicates: 0 });
    await runtime.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints the scenario run: every decision, outcome, unmet criterion and feedback counted', async () => {
    let json = '';
    let text = '';
    const range = ['--from', library.catalog.referenceDate, '--to', library.catalog.referenceDate];
    expect(await runReport([...range, '--json'], { DATA_DIR: dir }, (t) => (json += t), () => undefined)).toBe(0);
    expect(await runReport(range, { DATA_DIR: dir }, (t) => (text += t), () => undefined)).toBe(0);
    const report = JSON.parse(json) as Report;

    expect(report.decisions).toBe(library.scenarios.length);
    expect(report.ordersByOutcome).toEqual(expected.ordersByOutcome);
    const counted = (field: 'notMet' | 'notDocumented') => Object.fromEntries(report.criteria.filter((c) => c[field] > 0).map((c) => [c.id, c[field]]));
    expect(counted('notMet')).toEqual(expected.notMet);
    expect(counted('notDocumented')).toEqual(expected.notDocumented);
    expect(report.feedback).toMatchObject({ cards: sent.cards, cardsWithFeedback: sent.accepted + sent.overridden, accepted: sent.accepted, overridden: sent.overridden });
    expect(Object.fromEntries(report.feedback.acceptedSuggestions.map((s) => [s.label, s.count]))).toEqual(sent.acceptedLabels);
    expect(text).toContain(`Decisions (hook calls): ${library.scenarios.length}`);
  });
});
