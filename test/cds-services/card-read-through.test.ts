import type { Runtime } from '../../src/runtime';
import { testRuntime } from '../helpers/runtime';
import { cardsOfEveryScenario, scenarioLibrary, scenarioToday } from '../helpers/scenario-cards';

/**
 * Read-through of every scenario patient's cards, CP.MP.171's and the Medicare LCD's, as a clinician reads
 * them: no phrase said twice in a row (a concept's text and its display both quoted, "Medial branch block
 * Medial branch block"), no placeholder leaking from the code that wrote the words, and no FHIR coding
 * (`system|code`, "Coverage.type …": the Medicaid card said "is Medicaid (Coverage.type https://nahdo.org/sopt|2
 * (Medicaid))"); how the service read the record in FHIR terms is for integrators, in the decision record.
 */
const library = scenarioLibrary;
const today = scenarioToday;

interface Card {
  summary: string;
  detail?: string;
  suggestions?: Array<{ label: string }>;
}

/** A word or run of words immediately repeated ("block block", "Medial branch block Medial branch block"). */
const REPEATED_PHRASE = /\b([a-z]{2,}(?: [a-z]+)*) \1\b/i;
const PLACEHOLDER = /\bundefined\b|\bNaN\b|\[object Object\]|\(\)/;
const FHIR_CODING = /https?:\/\/[^\s|)]+\|[^\s)]+|\b(?:Coverage|ServiceRequest|Condition|Observation|Procedure)\.[a-z]\w*/;

describe('scenario cards read as a clinician reads them', () => {
  let runtime: Runtime;
  const texts = new Map<string, string[]>();
  beforeAll(async () => {
    runtime = await testRuntime({ clock: () => new Date(`${today}T15:00:00Z`) });
    for (const [id, cards] of await cardsOfEveryScenario<Card>(runtime)) {
      texts.set(id, cards.flatMap((c) => [c.summary, ...(c.detail ?? '').split('\n'), ...(c.suggestions ?? []).map((s) => s.label)]));
    }
  });
  afterAll(() => runtime.close());

  it.each(library.scenarios.map((s) => [s.id]))('%s: no phrase said twice in a row, no placeholder, no FHIR coding', (id) => {
    for (const line of texts.get(id)!) {
      expect({ line, coding: line.match(FHIR_CODING)?.[0] }).toEqual({ line, coding: undefined });
      expect({ line, repeated: line.match(REPEATED_PHRASE)?.[0] }).toEqual({ line, repeated: undefined });
      expect({ line, placeholder: line.match(PLACEHOLDER)?.[0] }).toEqual({ line, placeholder: undefined });
    }
  });

  it('asks, for a cervical/thoracic code without a region, for what tells cervical from thoracic (not a lumbar diagnosis)', () => {
    const document = texts.get('facet-17-region-not-charted')!.filter((l) => l.includes('Document:'));
    expect(document).toEqual([expect.stringContaining('cervical or thoracic')]);
    expect(document.join('\n')).not.toMatch(/lumbar/);
  });
});
