import type { ServiceRequest } from 'fhir/r4';
import { decideScenario, pathTables } from './paths/run';

/**
 * The "Alternatives that meet policy" card (CRD Propose Alternate Request) under the Medicare LCD, as under
 * CP.MP.171 (test/cds-services/facet-joint-interventions/suggestions.test.ts): each suggestion on it, applied as
 * an EHR would and signed again, leaves orders the LCD decides as covered.
 */
type Action = { type: 'create' | 'update' | 'delete'; resource?: ServiceRequest; resourceId?: string };
type Suggestion = { label: string; actions?: Action[] };
type Card = { summary: string; suggestions?: Suggestion[] };

function apply(orders: ServiceRequest[], suggestion: Suggestion): ServiceRequest[] {
  let next = [...orders];
  (suggestion.actions ?? []).forEach((action, i) => {
    if (action.type === 'delete') next = next.filter((o) => `ServiceRequest/${o.id}` !== action.resourceId);
    if (action.type === 'update') next = next.map((o) => (o.id === action.resource!.id ? action.resource! : o));
    if (action.type === 'create') next.push({ ...action.resource!, id: `new-${i}` });
  });
  return next;
}

describe('LCD L38841: every suggestion on the "Alternatives that meet policy" card gives, once applied, an order that meets policy', () => {
  const scenarios = pathTables.flatMap(([, list]) => list).filter((s) => !s.failedKeys?.length);
  const offered = scenarios.flatMap((scenario) =>
    (decideScenario(scenario).response.cards as Card[])
      .filter((c) => /^Alternatives that meet policy/.test(c.summary))
      .flatMap((c) => (c.suggestions ?? []).map((s) => [`${scenario.name}: ${s.label}`, scenario, s] as const)),
  );
  it('has alternatives to check', () => expect(offered.length).toBeGreaterThan(0));
  it.each(offered)('%s', (_name, scenario, suggestion) => {
    const { decision } = decideScenario({ ...scenario, orders: (c) => apply(scenario.orders(c), suggestion) });
    const touched = new Set((suggestion.actions ?? []).map((a) => (a.type === 'delete' ? a.resourceId! : a.type === 'create' ? 'new' : `ServiceRequest/${a.resource!.id}`)));
    const outcomes = decision.units
      .filter((u) => u.unit.orders.some((o) => touched.has(`ServiceRequest/${o.id}`) || (touched.has('new') && o.id!.startsWith('new-'))))
      .map((u) => ({ order: u.unit.label, outcome: u.outcome, gaps: u.results.filter((r) => r.status !== 'met').map((r) => `${r.section} ${r.status}`) }));
    expect(outcomes).toEqual(outcomes.map((o) => ({ ...o, outcome: 'covered', gaps: [] })));
  });
});

describe('LCD L38841: a suggestion that leaves a criterion to document says so, and is not offered as an alternative that meets policy', () => {
  it('an initial ablation after two intra-articular blocks: the medial branch block would be a third diagnostic session, which needs its reason and KX (D5)', () => {
    const scenario = pathTables.flatMap(([, list]) => list).find((s) => /^R1 an initial ablation after two intra-articular blocks/.test(s.name))!;
    const cards = decideScenario(scenario).response.cards as Card[];
    expect(cards.map((c) => c.summary)).not.toContainEqual(expect.stringMatching(/^Alternatives that meet policy/));
    expect(cards[0]!.suggestions!.map((s) => s.label)).toEqual(['Order a diagnostic medial branch block instead (CPT 64493) (a further diagnostic session: document why and bill with KX, D5)']);
  });
});
