import request from 'supertest';
import { loadServices } from '../../src/declarations/load';
import type { Runtime } from '../../src/runtime';
import { ScenarioLibrary } from '../../src/scenarios/catalog';
import { scenarioHookRequest } from '../../scripts/lib/scenarios';
import { MEETS_POLICY } from './builders';

/** The facet service's scenario patients (CP.MP.171's and the Medicare LCD's) and their reference date. */
export const scenarioService = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
export const scenarioLibrary = ScenarioLibrary.forServiceAndPolicies(scenarioService)!;
export const scenarioToday = scenarioLibrary.catalog.referenceDate;

/** Signs every scenario patient's orders (order-sign, the meets-policy card on) and keeps each answer's cards by scenario id. */
export async function cardsOfEveryScenario<Card>(runtime: Runtime): Promise<Map<string, Card[]>> {
  const answers = new Map<string, Card[]>();
  for (const scenario of scenarioLibrary.scenarios) {
    const body = { ...scenarioHookRequest('order-sign', scenarioService, scenarioLibrary, scenario, scenarioToday), extension: MEETS_POLICY };
    const res = await request(runtime.app).post('/cds-services/facet-joint-interventions').send(body);
    if (res.status !== 200) throw new Error(`${scenario.id}: order-sign answered ${res.status}: ${JSON.stringify(res.body)}`);
    answers.set(scenario.id, res.body.cards as Card[]);
  }
  return answers;
}
