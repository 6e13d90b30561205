import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { FhirResource } from 'fhir/r4';
import { buildReport, type Report } from '../../src/audit/report';
import { parseReportArgs, runReport } from '../../src/audit/report-cli';
import { reportPeriod } from '../../src/audit/report-format';
import type { Runtime } from '../../src/runtime';
import { PostgresStore } from '../../src/store/postgres-store';
import { SqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/types';
import { MEETS_POLICY, SERVICE_PATH, facetOrder, fullPrefetch, hookRequest } from '../helpers/builders';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { TEST_NOW, testRuntime } from '../helpers/runtime';
import { bareChart, documentedChart } from './charts';

const FEEDBACK_PATH = `${SERVICE_PATH}/feedback`;
const REASONS = 'http://facet-cds.dev/fhir/CodeSystem/override-reason';

type CardMade = { uuid: string; suggestions?: Array<{ uuid: string; label: string }> };
interface Made {
  /** The card explaining the decision. */
  card: CardMade;
  /** The first card offering suggestions (alternatives or companion orders), if any. */
  suggesting?: CardMade;
}

/** One hook call (the meets-policy cards on, as the test page asks); returns the decision's first card and its first card with suggestions. */
async function decide(runtime: Runtime, orders: FhirResource[], chart: FhirResource[], extra: Record<string, unknown> = {}): Promise<Made> {
  const res = await request(runtime.app)
    .post(SERVICE_PATH)
    .send({ ...hookRequest({ orders, prefetch: fullPrefetch(chart), extension: MEETS_POLICY }), ...extra });
  expect(res.status).toBe(200);
  return { card: res.body.cards[0], suggesting: res.body.cards.find((c: CardMade) => c.suggestions?.length) };
}

async function feedback(runtime: Runtime, items: unknown[]): Promise<void> {
  const res = await request(runtime.app).post(FEEDBACK_PATH).send({ feedback: items });
  expect(res.status).toBe(200);
}

const at = '2026-11-26T15:10:00Z';
const override = (card: string, code: string, userComment?: string) => ({
  card,
  outcome: 'overridden',
  overrideReason: { reason: { system: REASONS, code }, ...(userComment ? { userComment } : {}) },
  outcomeTimestamp: at,
});
const accept = (made: Made) => ({ card: made.suggesting!.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: made.suggesting!.suggestions![0]!.uuid }], outcomeTimestamp: at });

/**
 * A small clinic day through the real HTTP routes: every outcome, feedback of every kind, and one
 * decision outside the reported range.
 */
async function clinicDay(runtime: Runtime, setNow: (d: Date) => void): Promise<void> {
  const lumbar = () => [facetOrder('sr-1', '64493')];
  const conditional = [await decide(runtime, lumbar(), bareChart()), await decide(runtime, lumbar(), bareChart()), await decide(runtime, lumbar(), bareChart())];
  await decide(runtime, lumbar(), documentedChart());
  await decide(runtime, [facetOrder('sr-1', '64493'), facetOrder('sr-2', '64494')], documentedChart());
  const ultrasound = [await decide(runtime, [facetOrder('sr-1', '0216T')], documentedChart()), await decide(runtime, [facetOrder('sr-1', '0216T')], documentedChart())];
  const shortTherapy = await decide(runtime, lumbar(), documentedChart(2));
  // The EHR's FHIR server is down and procedures were not prefetched: indeterminate.
  const prefetch = fullPrefetch(documentedChart());
  delete prefetch.procedures;
  await decide(runtime, lumbar(), [], { prefetch, fhirServer: 'http://127.0.0.1:9/fhir' });
  setNow(new Date('2026-10-01T12:00:00Z'));
  await decide(runtime, lumbar(), bareChart()); // outside the range
  await runtime.deps.decisionLog.flush();

  await feedback(runtime, [
    override(conditional[0]!.card.uuid, 'documented-elsewhere'),
    accept(conditional[1]!),
    accept(ultrasound[0]!),
    override(ultrasound[1]!.card.uuid, 'clinical-exception', 'patient cannot lie prone'),
    override(shortTherapy.card.uuid, 'record-incorrect'),
  ]);
  // A repeat (deduped) and a change of mind (the latest counts): conditional[1] ends overridden.
  await feedback(runtime, [accept(conditional[1]!), { ...override(conditional[1]!.suggesting!.uuid, 'documented-elsewhere'), outcomeTimestamp: '2026-11-26T15:20:00Z' }]);
}

function expectClinicDayFigures(report: Report): void {
  expect(report).toMatchObject({ decisions: 9, orders: 10, procedures: 9 });
  expect(report.ordersByOutcome).toEqual({ conditional: 3, covered: 3, 'not-covered': 3, indeterminate: 1 });
  expect(report.policyVersions).toEqual({ 'CP.MP.171 rev. 05/26 (service 1.0.0)': 9 });
  const criterion = (id: string) => report.criteria.find((c) => c.id === id);
  expect(criterion('physical-therapy')).toMatchObject({ section: 'I.A.1.b.i', notMet: 1, notDocumented: 3, indeterminate: 1, evaluated: 9, cardsWithFeedback: 3, overridden: 3 });
  expect(criterion('image-guidance')).toMatchObject({ notMet: 2, notDocumented: 0, cardsWithFeedback: 2, overridden: 1 });
  expect(report.criteria[0]!.notMet + report.criteria[0]!.notDocumented).toBeGreaterThanOrEqual(4);
  // 9 decision cards, and 2 cards of alternatives (CRD Alternate Request): a fluoroscopic alternative for each
  // ultrasound one. The physical therapy referrals are offered on the decision cards (conservative care first:
  // a referral does not complete the order, so it is no CRD Additional Orders card).
  expect(report.feedback).toMatchObject({
    cards: 11,
    cardsWithFeedback: 5,
    accepted: 1,
    overridden: 4,
    overrideRate: 0.8,
    overridesWithComment: 1,
    byOutcome: {
      conditional: { cards: 3, withFeedback: 2, overridden: 2 },
      'not-covered': { cards: 5, withFeedback: 3, overridden: 2 },
      covered: { cards: 2, withFeedback: 0, overridden: 0 },
      indeterminate: { cards: 1, withFeedback: 0, overridden: 0 },
    },
    overrideReasons: [
      { code: 'documented-elsewhere', display: 'documented-elsewhere', count: 2 },
      { code: 'clinical-exception', display: 'clinical-exception', count: 1 },
      { code: 'record-incorrect', display: 'record-incorrect', count: 1 },
    ],
    acceptedSuggestions: [{ label: 'Order the same injection under fluoroscopic or CT guidance (CPT 64493)', count: 1 }],
  });
}

const backends: Array<[string, () => Promise<{ store: () => Promise<Store>; env: Record<string, string>; cleanup: () => Promise<void> }>]> = [
  [
    'sqlite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-report-'));
      return { store: async () => SqliteStore.inDataDir(dir), env: { DATA_DIR: dir }, cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];
const pgServer = process.env.TEST_DATABASE_URL?.trim();
if (pgServer) {
  backends.push([
    'postgres',
    async () => {
      const db: TestDatabase = await createTestDatabase(pgServer);
      return { store: () => PostgresStore.connect(db.url), env: { DATABASE_URL: db.url }, cleanup: () => db.drop() };
    },
  ]);
}

describe.each(backends)('npm run report (%s store)', (_name, setup) => {
  let backend: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    backend = await setup();
    let now = TEST_NOW;
    const runtime = await testRuntime({ store: await backend.store(), clock: () => now });
    await clinicDay(runtime, (d) => (now = d));
    await runtime.close();
  });
  afterAll(() => backend.cleanup());

  it('counts decisions by outcome, unmet and undocumented criteria, accepted suggestions and override rates with reasons', async () => {
    const store = await backend.store();
    try {
      expectClinicDayFigures(await buildReport(store, new Date('2026-11-26T00:00:00Z'), new Date('2026-11-27T00:00:00Z'), 2));
    } finally {
      await store.close();
    }
  });

  it('prints the figures for a date range from the command line, and JSON with --json', async () => {
    let out = '';
    let err = '';
    const code = await runReport(['--from', '2026-11-26', '--to', '2026-11-26'], backend.env, (t) => (out += t), (t) => (err += t));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('Decisions (hook calls): 9   orders: 10   procedures: 9');
    expect(out).toMatch(/^ {2}not-covered\s+3\s+30\.0%$/m);
    expect(out).toMatch(/^ {2}physical-therapy\s+I\.A\.1\.b\.i\s+1\s+3\s+1\s+9\s+3\/3 \(100\.0%\)$/m);
    expect(out).toContain('Override rate: 80.0% of cards with feedback');
    expect(out).toMatch(/^ {2}documented-elsewhere\s+2\s+50\.0%/m);
    expect(out).toContain('1 override(s) carried a free-text comment (not printed: it may hold PHI)');
    expect(out).not.toContain('patient cannot lie prone');
    expect(out).toMatch(/^ {2}1\s+Order the same injection under fluoroscopic or CT guidance \(CPT 64493\)$/m);

    let json = '';
    expect(await runReport(['--from=2026-11-26', '--to=2026-11-26', '--json'], backend.env, (t) => (json += t), () => undefined)).toBe(0);
    expectClinicDayFigures(JSON.parse(json) as Report);

    let october = '';
    await runReport(['--from', '2026-10-01', '--to', '2026-10-31'], backend.env, (t) => (october += t), () => undefined);
    expect(october).toContain('Decisions (hook calls): 1   orders: 1   procedures: 1');
    expect(october).toContain('facet-cds decision report: 2026-10-01 to 2026-10-31 (UTC days, inclusive)');
  });
});

describe('report period in the text report', () => {
  it('prints --to as the inclusive day the user gave, not the exclusive end', () => {
    const { from, to } = parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-30']);
    expect(reportPeriod(from.toISOString(), to.toISOString())).toBe('2026-11-01 to 2026-11-30 (UTC days, inclusive)');
    const oneDay = parseReportArgs(['--from', '2026-11-26', '--to', '2026-11-26']);
    expect(reportPeriod(oneDay.from.toISOString(), oneDay.to.toISOString())).toBe('2026-11-26 to 2026-11-26 (UTC days, inclusive)');
  });

  it('prints date-times as given, saying the end is not included', () => {
    expect(reportPeriod('2026-11-26T10:00:00.000Z', '2026-11-26T11:00:00.000Z')).toBe('2026-11-26T10:00:00.000Z up to 2026-11-26T11:00:00.000Z (not included)');
  });
});

describe('report arguments', () => {
  const now = new Date('2026-11-26T15:00:00Z');
  it('reads --from and --to as whole UTC days, and defaults to the last 30 days', () => {
    expect(parseReportArgs(['--from', '2026-11-01', '--to', '2026-11-30'], now)).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      json: false,
    });
    expect(parseReportArgs([], now)).toEqual({ from: new Date('2026-10-28T00:00:00Z'), to: new Date('2026-11-27T00:00:00Z'), json: false });
    expect(parseReportArgs(['--from', '2026-11-26T10:00:00Z', '--to', '2026-11-26T11:00:00Z'], now).to).toEqual(new Date('2026-11-26T11:00:00Z'));
  });

  it.each([
    [['--from', '2026-13-01'], '--from: "2026-13-01" is not a calendar date'],
    [['--from', 'yesterday'], '--from: "yesterday" is not a date (YYYY-MM-DD or an ISO 8601 date-time)'],
    [['--from'], '--from needs a date, e.g. --from 2026-11-01'],
    [['--from', '2026-11-20', '--to', '2026-11-10'], '--from (2026-11-20T00:00:00.000Z) must be before --to (2026-11-11T00:00:00.000Z)'],
    [['--since', '2026-11-01'], 'Unknown option "--since"'],
  ])('refuses %j with exit code 2: %s', async (argv, message) => {
    let err = '';
    expect(await runReport(argv, {}, () => undefined, (t) => (err += t))).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('Usage: npm run report');
  });

  it('says where it looked when there is no database', async () => {
    let err = '';
    expect(await runReport([], { DATA_DIR: '/nonexistent/facet-cds' }, () => undefined, (t) => (err += t))).toBe(1);
    expect(err).toBe('No decisions database at /nonexistent/facet-cds/facet-cds.sqlite: set DATA_DIR to the service\'s data folder, or DATABASE_URL.\n');
  });
});

describe('records written before issue 12 (format 1: criteria on every order)', () => {
  const legacyOrder = (ref: string) => ({
    orderRef: ref,
    codes: [ref.endsWith('1') ? '64493' : '64494'],
    levels: 2,
    outcome: 'not-covered',
    unit: { id: 'u-1', label: 'Lumbar facet joint injection, 2 levels', facts: { pathway: 'diagnostic' } },
    cardUuid: 'card-legacy',
    suggestionUuids: ['sugg-legacy'],
    suggestions: [{ uuid: 'sugg-legacy', label: 'Order the same injection under fluoroscopic or CT guidance (CPT 64493)' }],
    criteria: [
      { id: 'image-guidance', section: 'Table 2', title: 'Imaging guidance', status: 'not-met', summary: 'Ultrasound guidance', evidence: [] },
      { id: 'pain-three-months', section: 'I.A.1.a', title: 'Pain', status: 'met', summary: 'Since March', evidence: [] },
    ],
  });
  const legacy = {
    coverageAssertionId: 'ca-legacy',
    hookInstance: 'hi-legacy',
    hook: 'order-sign',
    serviceId: 'facet-joint-interventions',
    serviceVersion: '1.0.0',
    policyId: 'CP.MP.171',
    policyRevision: '05/26',
    decidedAt: '2026-11-26T10:00:00.000Z',
    patientRef: 'Patient/pat-1',
    orders: [legacyOrder('ServiceRequest/sr-1'), legacyOrder('ServiceRequest/sr-2')],
    responseTimeMs: 12,
  };

  it('are still counted by the report, each procedure once, and joined to their feedback', async () => {
    const store = new SqliteStore(':memory:');
    try {
      await store.saveDecision(legacy);
      await store.saveFeedback('facet-joint-interventions', [{ card: 'card-legacy', outcome: 'accepted', acceptedSuggestions: [{ id: 'sugg-legacy' }], outcomeTimestamp: at }], TEST_NOW);
      const report = await buildReport(store, new Date('2026-11-26T00:00:00Z'), new Date('2026-11-27T00:00:00Z'));
      expect(report).toMatchObject({ decisions: 1, orders: 2, procedures: 1, ordersByOutcome: { 'not-covered': 2 } });
      expect(report.criteria).toEqual([expect.objectContaining({ id: 'image-guidance', evaluated: 1, notMet: 1, cardsWithFeedback: 1, overridden: 0 })]);
      expect(report.feedback).toMatchObject({ cards: 1, cardsWithFeedback: 1, accepted: 1, acceptedSuggestions: [{ label: 'Order the same injection under fluoroscopic or CT guidance (CPT 64493)', count: 1 }] });
      expect(await store.getDecision('ca-legacy')).toEqual(legacy);
    } finally {
      await store.close();
    }
  });

  it('written by every hook (issue 17): the related cards on each order count with their decision, each once', async () => {
    // Format 1 as main wrote it once every hook was served: the unit's alternatives card named on each of its orders.
    const withRelated = (ref: string) => ({ ...legacyOrder(ref), relatedCardUuids: ['card-legacy-alternatives'] });
    const store = new SqliteStore(':memory:');
    try {
      await store.saveDecision({ ...legacy, coverageAssertionId: 'ca-17', hook: 'order-select', serviceId: 'facet-joint-interventions-order-select', orders: [withRelated('ServiceRequest/sr-1'), withRelated('ServiceRequest/sr-2')] });
      await store.saveFeedback('facet-joint-interventions-order-select', [{ ...override('card-legacy-alternatives', 'clinical-exception'), outcome: 'overridden' as const }], TEST_NOW);
      const report = await buildReport(store, new Date('2026-11-26T00:00:00Z'), new Date('2026-11-27T00:00:00Z'));
      expect(report).toMatchObject({ decisions: 1, orders: 2, procedures: 1 });
      expect(report.feedback).toMatchObject({ cards: 2, cardsWithFeedback: 1, overridden: 1, byOutcome: { 'not-covered': { cards: 2, withFeedback: 1, overridden: 1 } } });
      expect(report.criteria).toEqual([expect.objectContaining({ id: 'image-guidance', notMet: 1, cardsWithFeedback: 1, overridden: 1 })]);
    } finally {
      await store.close();
    }
  });
});
