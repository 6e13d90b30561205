import { buildResponse, crdConfiguration } from '../../../../src/cards/build-response';
import { inScopeOrders } from '../../../../src/cds/relevance';
import { decideChart } from '../../../../src/decision/decide-chart';
import { loadServices } from '../../../../src/declarations/load';
import { REFERENCE_DATE } from '../../../helpers/chart';
import { sequentialIds } from '../../../helpers/runtime';
import { diagnosticPaths, oddDurationPaths, sessionContextPaths } from './diagnostic.paths';
import { radiofrequencyPaths } from './radiofrequency.paths';
import { cystPaths, levelPaths, regionPaths, reportWordPaths, timelinePaths, visitPaths } from './readings.paths';
import { cystWordPaths } from './cyst-words.paths';
import { imagingKindPaths } from './imaging-kind.paths';
import { negationPaths } from './negation.paths';
import { reliefPeriodPaths } from './relief-period.paths';
import { buildChart, dataStatus, type PathScenario } from './scenario';
import { sessionPaths } from './session.paths';
import { therapeuticPaths } from './therapeutic.paths';

export const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;

/** Decides a scenario as a pure function of (record, orders, today, declaration), and builds the response. */
export function decideScenario(scenario: PathScenario) {
  const { builder, orders } = buildChart(scenario);
  const draftOrders = { resourceType: 'Bundle' as const, type: 'collection' as const, entry: orders.map((resource) => ({ resource })) };
  const inScope = inScopeOrders(draftOrders, service);
  const data = dataStatus(scenario.failedKeys);
  const { decision } = decideChart({ service, orders: inScope, draftOrders: orders, resources: builder.resources, patientId: builder.patientId, today: REFERENCE_DATE, data });
  const { response } = buildResponse({
    service,
    decision,
    data,
    sourceLabel: 'Test Health Plan',
    baseUrl: 'https://cds.example.org',
    assertionId: 'assertion-1',
    today: REFERENCE_DATE,
    newId: sequentialIds(),
    configuration: crdConfiguration(service, undefined),
  });
  return { decision, response };
}

export const pathTables: Array<[string, PathScenario[]]> = [
  ['I.A.1 diagnostic blocks', diagnosticPaths],
  ['orders in context', sessionContextPaths],
  ['odd data', oddDurationPaths],
  ['I.B radiofrequency neurotomy', radiofrequencyPaths],
  ['I.D therapeutic injections', therapeuticPaths],
  ['I, imaging guidance, regions, sessions, coverage', sessionPaths],
  ['reading the chart: region of the evidence', regionPaths],
  ['reading the chart: the synovial cyst', cystPaths],
  ['reading the chart: imaging report words', reportWordPaths],
  ['reading the chart: timeline and baselines', timelinePaths],
  ['reading the chart: levels, same site, MCID', levelPaths],
  ['reading the chart: one procedure per visit, facet joint', visitPaths],
  ['reading the chart: negated words on the order', negationPaths],
  ['reading the chart: function during the relief period', reliefPeriodPaths],
  ['reading the chart: imaging that only guided a needle', imagingKindPaths],
  ['reading the chart: the synovial cyst in report words', cystWordPaths],
];
