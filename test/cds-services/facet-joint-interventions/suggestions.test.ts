import type { ServiceRequest } from 'fhir/r4';
import { cpt, icd, monthsBefore, order } from '../../helpers/chart';
import { NEXT_WEEK, RF_NOTE, afterTwoPositiveBlocks, lumbarCandidate } from './paths/base-charts';
import { decideScenario, pathTables } from './paths/run';
import type { PathScenario } from './paths/scenario';

/**
 * A suggestion is only worth offering if applying it fixes what it is for: each case below applies the
 * suggestion's actions to the draft orders as an EHR would, signs again, and reads the new decision.
 */
type Action = { type: 'create' | 'update' | 'delete'; resource?: ServiceRequest; resourceId?: string };
type Suggestion = { label: string; actions?: Action[] };
type Card = { summary: string; suggestions?: Suggestion[] };

function suggestionsOf(scenario: PathScenario): Suggestion[] {
  const { response } = decideScenario(scenario);
  return (response.cards as Card[]).flatMap((c) => c.suggestions ?? []);
}

function apply(orders: ServiceRequest[], suggestion: Suggestion): ServiceRequest[] {
  let next = [...orders];
  (suggestion.actions ?? []).forEach((action, i) => {
    if (action.type === 'delete') next = next.filter((o) => `ServiceRequest/${o.id}` !== action.resourceId);
    if (action.type === 'update') next = next.map((o) => (o.id === action.resource!.id ? action.resource! : o));
    if (action.type === 'create') next.push({ ...action.resource!, id: `new-${i}` });
  });
  return next;
}

/** The decision after applying the suggestion whose label matches, criterion id → status per order. */
function afterApplying(scenario: PathScenario, labelPattern: RegExp) {
  const suggestion = suggestionsOf(scenario).find((s) => labelPattern.test(s.label));
  expect(suggestion).toBeDefined();
  let orders: ServiceRequest[] = [];
  const again: PathScenario = {
    ...scenario,
    orders: (c) => (orders = apply(scenario.orders(c), suggestion!)),
  };
  const { decision } = decideScenario(again);
  const byOrder = Object.fromEntries(
    decision.units.flatMap((u) => u.unit.orders.map((o) => [o.id!, { outcome: u.outcome, criteria: Object.fromEntries(u.results.map((r) => [r.id, r.status])) }])),
  );
  return { suggestion: suggestion!, orders, byOrder };
}

const US_DETAIL = { coding: [cpt('76942')], text: 'Ultrasound guidance' };

describe('applying a suggestion fixes what it was for', () => {
  it('the fluoroscopic alternative to 0216T leaves no ultrasound code, detail or note, and image guidance is met', () => {
    const scenario: PathScenario = {
      name: 'ultrasound-guided block with ultrasound everywhere',
      chart: (c) => lumbarCandidate(c),
      orders: () => [order('sr-us', ['0216T', '76942'], { levels: ['L4-L5'], date: NEXT_WEEK, note: [...RF_NOTE, { text: 'Ultrasound-guided medial branch block' }], orderDetail: [US_DETAIL] })],
      expect: {},
    };
    const { orders, byOrder } = afterApplying(scenario, /^Order the same injection under fluoroscopic or CT guidance \(CPT 64493\)/);
    expect(JSON.stringify(orders)).not.toMatch(/0216T|76942|ultrasound/i);
    expect(orders[0]!.note).toEqual(RF_NOTE); // the clinician's other notes stay
    expect(byOrder['sr-us']!.criteria['image-guidance']).toBe('met');
    expect(byOrder['sr-us']!.outcome).toBe('covered');
  });

  it('a 64493 order that only says "ultrasound-guided" is offered the same order without the ultrasound guidance', () => {
    const scenario: PathScenario = {
      name: '64493 saying ultrasound',
      chart: (c) => lumbarCandidate(c),
      orders: () => [order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: [...RF_NOTE, { text: 'Ultrasound-guided medial branch block' }] })],
      expect: {},
    };
    const { byOrder } = afterApplying(scenario, /^Order the same injection under fluoroscopic or CT guidance \(CPT 64493\)/);
    expect(byOrder['sr-block']!.outcome).toBe('covered');
  });

  it('dropping levels beyond the third makes the level criterion met', () => {
    const scenario: PathScenario = {
      name: 'four levels',
      chart: (c) => lumbarCandidate(c),
      orders: () => [
        order('sr-l1', '64493', { levels: ['L2-L3'], date: NEXT_WEEK, note: RF_NOTE }),
        order('sr-l2', '64494', { levels: ['L3-L4'], date: NEXT_WEEK }),
        order('sr-l3', '64495', { levels: ['L4-L5', 'L5-S1'], date: NEXT_WEEK, quantityQuantity: { value: 2 } }),
      ],
      expect: {},
    };
    const { byOrder } = afterApplying(scenario, /^Treat at most 3 levels/);
    expect(byOrder['sr-l1']!.criteria['levels-diagnostic']).toBe('met');
    expect(byOrder['sr-l1']!.outcome).toBe('covered');
  });

  it('a neurotomy at L4-L5 and L5-S1 after two positive blocks at L4-L5 only is offered the neurotomy of L4-L5, which qualifies', () => {
    const scenario: PathScenario = {
      name: 'RF beyond the blocked levels',
      chart: (c) => afterTwoPositiveBlocks(c),
      orders: () => [order('sr-rf', '64635', { levels: ['L4-L5', 'L5-S1'], date: NEXT_WEEK }), order('sr-rf2', '64636', { levels: ['L5-S1'], date: NEXT_WEEK })],
      expect: {},
    };
    const { orders, byOrder } = afterApplying(scenario, /^Treat only L4-L5, the levels with two positive diagnostic blocks/);
    expect(orders.map((o) => o.id)).toEqual(['sr-rf']);
    expect(orders[0]!.bodySite).toEqual([{ text: 'L4-L5' }]);
    expect(byOrder['sr-rf']!.criteria['rf-two-positive-blocks']).toBe('met');
    expect(byOrder['sr-rf']!.outcome).toBe('covered');
  });

  it('an epidural ordered for the same visit is cancelled by "keep only this" block, and the block then qualifies', () => {
    const scenario: PathScenario = {
      name: 'block and epidural',
      chart: (c) => lumbarCandidate(c),
      orders: () => [
        order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE }),
        { ...order('sr-esi', '64483', { date: NEXT_WEEK }), code: { coding: [cpt('64483', 'Transforaminal epidural injection, lumbar, single level')] } },
      ],
      expect: {},
    };
    const { orders, byOrder } = afterApplying(scenario, /^Keep only this/);
    expect(orders.map((o) => o.id)).toEqual(['sr-block']);
    expect(byOrder['sr-block']!.outcome).toBe('covered');
  });

  it('an SI joint injection ordered under 64493 is offered cancellation, saying what it appears to be', () => {
    const scenario: PathScenario = {
      name: 'SI joint under a facet code',
      chart: (c) => lumbarCandidate(c),
      orders: () => [order('sr-si', '64493', { date: NEXT_WEEK, bodySite: [{ text: 'Left sacroiliac joint' }] })],
      expect: {},
    };
    const { orders } = afterApplying(scenario, /^Cancel this order; re-enter it with the code for what it is \(a sacroiliac joint injection \(usually CPT 27096/);
    expect(orders).toEqual([]);
  });

  it('a neurotomy after two blocks, one under 80%, is not offered a third block (not covered either) but a cancellation', () => {
    const scenario: PathScenario = {
      name: 'RF after a negative block',
      chart: (c) => afterTwoPositiveBlocks(c, [90, 60]),
      orders: () => [order('sr-rf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
      expect: {},
    };
    const labels = suggestionsOf(scenario).map((s) => s.label);
    expect(labels).not.toContainEqual(expect.stringMatching(/diagnostic medial branch block/));
    expect(labels).toContainEqual(expect.stringMatching(/^Cancel this Lumbar radiofrequency neurotomy.*no further block is covered/));
  });

  it('pulsed radiofrequency four months after a conventional neurotomy is offered conventional RF on its first eligible date, which qualifies', () => {
    const scenario: PathScenario = {
      name: 'pulsed repeat RF too early',
      chart: (c) => {
        lumbarCandidate(c, ['adl']);
        c.block({ date: monthsBefore(12), relief: 90 });
        c.block({ date: monthsBefore(11), relief: 85 });
        c.functional('oswestry', 40, `${monthsBefore(4)}T08:00:00Z`);
        c.painScore(8, `${monthsBefore(4)}T08:15:00Z`);
        c.procedure(cpt('64635'), { date: `${monthsBefore(4)}T09:00:00Z`, bodySite: ['L4-L5'] });
        for (const m of [3, 2, 1]) c.painScore(3, `${monthsBefore(m)}T09:00:00Z`);
        c.functional('oswestry', 22, `${monthsBefore(1)}T09:00:00Z`);
      },
      orders: () => [order('sr-prf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK, note: [{ text: 'Pulsed RF, 42 °C' }] })],
      expect: {},
    };
    const before = suggestionsOf(scenario).map((s) => s.label);
    expect(before).not.toContainEqual(expect.stringMatching(/diagnostic medial branch block/));
    const { orders, byOrder } = afterApplying(scenario, /^Order conventional radiofrequency neurotomy on \d{4}-\d{2}-\d{2}, the first date it qualifies, instead/);
    const created = orders.find((o) => o.id === 'new-1')!;
    expect(created.occurrenceDateTime).toBe(monthsBefore(-2));
    expect(byOrder['new-1']!.criteria).toMatchObject({ 'pulsed-radiofrequency': 'met', 'repeat-rf-interval': 'met' });
  });

  it('a created order without reasons on the order it replaces gives the patient\'s pain diagnosis as its reason', () => {
    const scenario: PathScenario = {
      name: 'no physical therapy',
      chart: (c) => lumbarCandidate(c, ['pt']),
      orders: () => [order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE })],
      expect: {},
    };
    const referral = suggestionsOf(scenario).find((s) => /physical therapy referral/.test(s.label))!;
    const created = referral.actions![0]!.resource!;
    expect(created.reasonReference).toEqual([expect.objectContaining({ reference: expect.stringMatching(/^Condition\//) })]);
    expect(created.reasonReference![0]!.display).toMatch(new RegExp(icd('M47.816').display!.slice(0, 20)));
  });
});

/**
 * The "Alternatives that meet policy" card (CRD Propose Alternate Request) says each of its suggestions revises
 * or replaces the order so that it meets the policy. Every path scenario holds it to that: each suggestion on
 * it, applied as an EHR would and signed again, leaves orders the policy decides as covered.
 */
describe('every suggestion on the "Alternatives that meet policy" card gives, once applied, an order that meets policy', () => {
  const scenarios = pathTables.flatMap(([, list]) => list).filter((s) => !s.failedKeys?.length);
  const offered = scenarios.flatMap((scenario) =>
    (decideScenario(scenario).response.cards as Array<Card & { summary: string }>)
      .filter((c) => /^Alternatives that meet policy/.test(c.summary))
      .flatMap((c) => (c.suggestions ?? []).map((s) => [`${scenario.name}: ${s.label}`, scenario, s] as const)),
  );
  it.each(offered)('%s', (_name, scenario, suggestion) => {
    let orders: ServiceRequest[] = [];
    const { decision } = decideScenario({ ...scenario, orders: (c) => (orders = apply(scenario.orders(c), suggestion)) });
    const touched = new Set((suggestion.actions ?? []).map((a) => (a.type === 'delete' ? a.resourceId! : a.type === 'create' ? 'new' : `ServiceRequest/${a.resource!.id}`)));
    const outcomes = decision.units
      .filter((u) => u.unit.orders.some((o) => touched.has(`ServiceRequest/${o.id}`) || (touched.has('new') && o.id!.startsWith('new-'))))
      .map((u) => ({ order: u.unit.label, outcome: u.outcome, gaps: u.results.filter((r) => r.status !== 'met').map((r) => `${r.section} ${r.status}`) }));
    expect(orders.length).toBeGreaterThan(0);
    expect(outcomes).toEqual(outcomes.map((o) => ({ ...o, outcome: 'covered', gaps: [] })));
  });
});

describe('a suggestion that fixes only part of what is missing says so, and is not offered as an alternative that meets policy', () => {
  const scenario = (pattern: RegExp) => pathTables.flatMap(([, list]) => list).find((s) => pattern.test(s.name))!;
  type Shown = { summary: string; suggestions?: Suggestion[] };

  it('a repeat neurotomy too early whose lasting relief (I.B.2.b) is not documented: "Schedule on …" names what is still to document, on the decision card', () => {
    const cards = decideScenario(scenario(/^a repeat neurotomy four months after the last is too early/)).response.cards as Shown[];
    expect(cards.map((c) => c.summary)).not.toContainEqual(expect.stringMatching(/^Alternatives that meet policy/));
    const [decision] = cards;
    expect(decision!.summary).toBe('Not covered: under 6 months since the last neurotomy');
    expect(decision!.suggestions!.map((s) => s.label)).toEqual([expect.stringMatching(/^Schedule on \d{4}-\d{2}-\d{2}, the earliest date the timing allows \(still to document: I\.B\.2\.b\)$/)]);
    expect(JSON.stringify(cards)).not.toMatch(/the first date the order qualifies/);
  });

  it('four levels of a repeat neurotomy, one without two positive blocks: "Treat at most 3 levels" names I.B.1.b as still not met; "Treat only L4-L5" stays the alternative', () => {
    const cards = decideScenario(scenario(/^a repeat neurotomy of four joints is over the limit/)).response.cards as Shown[];
    const alternatives = cards.find((c) => /^Alternatives that meet policy/.test(c.summary))!;
    expect(alternatives.suggestions!.map((s) => s.label)).toEqual([expect.stringMatching(/^Treat only L4-L5/)]);
    expect(cards[0]!.suggestions!.map((s) => s.label)).toContainEqual('Treat at most 3 levels (drop L5-S1) (still not met: I.B.1.b)');
  });

  it('a scheduling suggestion where time is all that is missing is still the alternative that meets policy', () => {
    const cards = decideScenario(scenario(/^a second block ten days after the first is too early/)).response.cards as Shown[];
    const alternatives = cards.find((c) => /^Alternatives that meet policy/.test(c.summary))!;
    expect(alternatives.suggestions!.map((s) => s.label)).toEqual([expect.stringMatching(/^Schedule on \d{4}-\d{2}-\d{2}, the first date the order qualifies$/)]);
  });
});

/**
 * CP.MP.171 I.A.1.b.i: the member "has failed to respond to conservative therapy within the past year,
 * including ≥ four weeks physical therapy or prescribed home exercise program". A referral made today does not
 * satisfy it: the referral is the other path (conservative care first, the procedure ordered after), offered on
 * the decision card and saying so, never as a companion order beside the procedure as if it completed it.
 */
describe('a physical therapy referral is offered as conservative care first, not as a companion order that completes this one', () => {
  const scenario = (pattern: RegExp) => pathTables.flatMap(([, list]) => list).find((s) => pattern.test(s.name))!;
  type Shown = { summary: string; suggestions?: Suggestion[] };

  it.each([
    [/^no physical therapy on record: not documented/, 'If not done yet: physical therapy referral (4+ weeks) first; this order qualifies only after it (I.A.1.b.i)'],
    [/^two weeks of physical therapy in the past year is not enough/, 'Conservative care first: physical therapy referral (4+ weeks); this order qualifies only after it (I.A.1.b.i)'],
  ])('%s', (name, label) => {
    const cards = decideScenario(scenario(name)).response.cards as Shown[];
    expect(cards.map((c) => c.summary)).not.toContainEqual(expect.stringMatching(/^Companion order/));
    expect(cards[0]!.suggestions!.map((s) => s.label)).toContain(label);
    expect(JSON.stringify(cards)).not.toMatch(/as a companion order/);
  });
});
