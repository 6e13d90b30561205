import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { Runtime } from '../../src/runtime';
import { SERVICE_PATH, fullPrefetch, hookRequest } from '../helpers/builders';
import { TEST_NOW, testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/** POST /cds-services/{id}/feedback (CDS Hooks 2.0.1 "Feedback", invariants cds-fb-1..3; issue 2, item 8). */
const FEEDBACK_PATH = `${SERVICE_PATH}/feedback`;
const EXAMPLES = path.join(__dirname, '..', 'fixtures', 'examples', 'cds-hooks');
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));

const accepted = () => ({ card: 'card-uuid-1', outcome: 'accepted', acceptedSuggestions: [{ id: 'suggestion-uuid-1' }], outcomeTimestamp: '2026-11-26T15:01:02Z' });
const overridden = () => ({
  card: 'card-uuid-2',
  outcome: 'overridden',
  overrideReason: { reason: { system: 'http://facet-cds.dev/fhir/CodeSystem/override-reason', code: 'documented-elsewhere', display: 'Documented elsewhere' }, userComment: 'PT notes are in the outside record' },
  outcomeTimestamp: '2026-11-26T15:02:03.456+01:00',
});

describe('feedback', () => {
  let runtime: Runtime;
  beforeEach(async () => {
    runtime = await testRuntime();
  });
  afterEach(() => runtime.close());

  const send = (body: unknown) => request(runtime.app).post(FEEDBACK_PATH).send(body as object);
  const stored = () => runtime.deps.store.listFeedback(new Date(0), new Date(TEST_NOW.getTime() + 1));

  it('stores accepted and overridden feedback and says how many it stored', async () => {
    const res = await send({ feedback: [accepted(), overridden()] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 2, stored: 2, duplicates: 0 });
    const rows = await stored();
    expect(rows).toEqual([
      expect.objectContaining({ serviceId: 'facet-joint-interventions', ...accepted(), receivedAt: TEST_NOW.toISOString() }),
      expect.objectContaining({ serviceId: 'facet-joint-interventions', ...overridden() }),
    ]);
  });

  it('is idempotent: the same feedback sent twice is stored once', async () => {
    await send({ feedback: [accepted()] });
    const again = await send({ feedback: [accepted()] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: 1, stored: 0, duplicates: 1 });
    expect(await stored()).toHaveLength(1);
  });

  it.each(['spec-2.0.1_feedback-accepted.json', 'spec-2.0.1_feedback-overridden.json', 'spec-2.0.1_feedback-overridden-with-reason.json'])('accepts the official example %s', async (file) => {
    const res = await send(example(file));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: 1, stored: 1, duplicates: 0 });
  });

  it('takes feedback on a card this service returned, by its uuid', async () => {
    const hook = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1', '0216T')], prefetch: fullPrefetch(lumbarBlockChart()) }));
    // The fluoroscopic alternative is on the Alternate Request card (CRD response types).
    const card = hook.body.cards.find((c: any) => c.suggestions);
    const res = await send({ feedback: [{ card: card.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card.suggestions[0].uuid }], outcomeTimestamp: '2026-11-26T15:05:00Z' }] });
    expect(res.body).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect((await stored())[0]).toMatchObject({ card: card.uuid, acceptedSuggestions: [{ id: card.suggestions[0].uuid }] });
  });

  type Case = [what: string, body: unknown, expression: string, message: RegExp];
  const item = (change: Record<string, unknown>) => ({ feedback: [{ ...accepted(), ...change }] });
  const cases: Case[] = [
    ['a body that is an array', [accepted()], '(request body)', /must be a JSON object/],
    ['no feedback array', { card: 'x' }, 'feedback', /feedback must be a non-empty array/],
    ['an empty feedback array', { feedback: [] }, 'feedback', /feedback must be a non-empty array/],
    ['over 100 entries', { feedback: Array.from({ length: 101 }, accepted) }, 'feedback', /at most 100 entries/],
    ['an entry that is not an object', { feedback: ['card-uuid-1'] }, 'feedback[0]', /feedback\[0\] must be an object/],
    ['no card', item({ card: undefined }), 'feedback[0].card', /feedback\[0\]\.card must be a non-empty string/],
    ['an outcome other than accepted or overridden (cds-fb-1)', item({ outcome: 'dismissed' }), 'feedback[0].outcome', /must be "accepted" or "overridden"/],
    ['no outcomeTimestamp', item({ outcomeTimestamp: undefined }), 'feedback[0].outcomeTimestamp', /must be a non-empty string/],
    ['an outcomeTimestamp without a time zone', item({ outcomeTimestamp: '2026-11-26T15:01:02' }), 'feedback[0].outcomeTimestamp', /ISO 8601 date-time/],
    ['an outcomeTimestamp that is not a date', item({ outcomeTimestamp: '2026-13-45T99:01:02Z' }), 'feedback[0].outcomeTimestamp', /ISO 8601 date-time/],
    ['accepted without acceptedSuggestions (cds-fb-2)', item({ acceptedSuggestions: undefined }), 'feedback[0].acceptedSuggestions', /required when outcome is "accepted"/],
    ['accepted with an empty acceptedSuggestions (cds-fb-2)', item({ acceptedSuggestions: [] }), 'feedback[0].acceptedSuggestions', /required when outcome is "accepted"/],
    ['acceptedSuggestions not an array', item({ acceptedSuggestions: { id: 's' } }), 'feedback[0].acceptedSuggestions', /must be an array/],
    ['an accepted suggestion without an id', item({ acceptedSuggestions: [{ uuid: 's' }] }), 'feedback[0].acceptedSuggestions[0].id', /must be a non-empty string/],
    ['an overrideReason with neither reason nor userComment (cds-fb-3)', { feedback: [{ ...overridden(), overrideReason: {} }] }, 'feedback[0].overrideReason', /needs a reason or a userComment/],
    ['an overrideReason that is not an object', { feedback: [{ ...overridden(), overrideReason: 'other' }] }, 'feedback[0].overrideReason', /must be an object/],
    ['an override reason that is not a Coding', { feedback: [{ ...overridden(), overrideReason: { reason: 'documented-elsewhere' } }] }, 'feedback[0].overrideReason.reason', /must be a Coding/],
    ['an override reason without a code', { feedback: [{ ...overridden(), overrideReason: { reason: { system: 'http://x' } } }] }, 'feedback[0].overrideReason.reason.code', /must be a non-empty string/],
  ];

  it.each(cases)('refuses %s with 400 naming the field', async (_what, body, expression, message) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].expression).toEqual([expression]);
    expect(res.body.issue[0].diagnostics).toMatch(message);
    expect(await stored()).toEqual([]);
  });

  it('refuses the whole body when one entry is bad, storing none of it', async () => {
    const res = await send({ feedback: [accepted(), { ...overridden(), outcome: 'ignored' }] });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['feedback[1].outcome']);
    expect(await stored()).toEqual([]);
  });
});

describe('feedback storage', () => {
  it('is an SQLite database in DATA_DIR that survives a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facet-cds-data-'));
    try {
      const first = await testRuntime({ env: { DATA_DIR: dataDir }, store: undefined });
      await request(first.app).post(FEEDBACK_PATH).send({ feedback: [accepted()] });
      await first.close();

      const second = await testRuntime({ env: { DATA_DIR: dataDir }, store: undefined });
      const repeat = await request(second.app).post(FEEDBACK_PATH).send({ feedback: [accepted()] });
      expect(repeat.body).toEqual({ received: 1, stored: 0, duplicates: 1 });
      await second.close();

      const db = new Database(path.join(dataDir, 'facet-cds.sqlite'), { readonly: true });
      try {
        expect(db.prepare('SELECT card, outcome FROM feedback').all()).toEqual([{ card: 'card-uuid-1', outcome: 'accepted' }]);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
