import { buildResponse, crdConfiguration } from '../../../../src/cards/build-response';
import { resolveMemberCoverage } from '../../../../src/cds/member-coverage';
import { policyForCall } from '../../../../src/cds/policy-for-call';
import { inScopeOrders } from '../../../../src/cds/relevance';
import { decideChart } from '../../../../src/decision/decide-chart';
import { loadServices } from '../../../../src/declarations/load';
import { REFERENCE_DATE } from '../../../helpers/chart';
import { sequentialIds } from '../../../helpers/runtime';
import { buildChart, dataStatus, type PathScenario } from '../../facet-joint-interventions/paths/scenario';
import { deformityPaths } from './deformity.paths';
import { indicationPaths, selectionPaths } from './indications.paths';
import { diagnosticPaths, limitationPaths, sessionPaths } from './procedures.paths';
import { radiofrequencyPaths, therapeuticPaths } from './treatment.paths';
import { verificationPaths } from './verification.paths';

export const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
export const lcd = service.policies.find((p) => p.id === 'lcd-l38841-facet-joint-interventions')!;

/**
 * Decides a scenario as the service does, as a pure function of (record, orders, today, declaration): the
 * member's coverage chooses the policy (src/cds/policy-for-call.ts), which decides; then the response.
 */
export function decideScenario(scenario: PathScenario) {
  const { builder, orders } = buildChart(scenario);
  const draftOrders = { resourceType: 'Bundle' as const, type: 'collection' as const, entry: orders.map((resource) => ({ resource })) };
  const data = dataStatus(scenario.failedKeys);
  const memberCoverage = resolveMemberCoverage(builder.resources, REFERENCE_DATE, data, service.hooks[0]!.prefetch);
  const choice = policyForCall(service, { memberCoverage, resources: builder.resources, today: REFERENCE_DATE });
  const { decision } = decideChart({
    service,
    policy: choice.policy,
    ...(choice.because ? { because: choice.because } : {}),
    orders: inScopeOrders(draftOrders, service),
    draftOrders: orders,
    resources: builder.resources,
    patientId: builder.patientId,
    today: REFERENCE_DATE,
    data,
  });
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
    memberCoverage,
  });
  return { decision, response, choice };
}

export const pathTables: Array<[string, PathScenario[]]> = [
  ['which policy decides', selectionPaths],
  ['C1-C5 indications of every facet procedure', indicationPaths],
  ['C4 significant deformity by its Cobb angle', deformityPaths],
  ['D diagnostic blocks, IA or MBB', diagnosticPaths],
  ['T therapeutic injections, intra-articular only', therapeuticPaths],
  ['R radiofrequency ablation', radiofrequencyPaths],
  ['S sessions, levels and regions; X1 other blocks', sessionPaths],
  ['N non-coverage list, A anesthesia, DOC documentation', limitationPaths],
  ['rules of limited verification (◐, ○)', verificationPaths],
];
