import facet from '../../cds-services/facet-joint-interventions';
import lcd from '../../cds-services/lcd-l38841-facet-joint-interventions';
import { compileOwnPolicy, MAX_BRIEF_CHARS } from '../../src/declarations/policies';
import { StartupError } from '../../src/errors';

/**
 * clinical-text.json (issue 13): the clinician's words for each criterion, next to its citation. The card
 * summary is built from the short ones, so they stay short; a word for a criterion that does not exist is a
 * mistake that stops start-up, naming it.
 */
describe('clinical-text.json', () => {
  it.each([
    ['CP.MP.171', facet.citations, facet.clinicalText!],
    ['LCD L38841', lcd.citations, lcd.clinicalText!],
  ])('%s: every criterion that can be undocumented says, in clinical words, what to document; every short text fits a summary', (_policy, citations, text) => {
    for (const [id, citation] of Object.entries(citations)) {
      // A criterion with FHIR charting advice (howToDocument) can be "not documented": the card needs the clinician's version.
      if (citation.howToDocument) expect({ id, toDocument: typeof text[id]?.toDocument, brief: typeof text[id]?.toDocumentBrief }).toEqual({ id, toDocument: 'string', brief: 'string' });
    }
    for (const [id, words] of Object.entries(text)) {
      expect(citations[id]).toBeDefined();
      for (const short of [words.notMet, words.toDocumentBrief]) if (short) expect(short.length).toBeLessThanOrEqual(MAX_BRIEF_CHARS);
      // No FHIR in the clinician's words.
      expect(JSON.stringify(words)).not.toMatch(/bodySite|reasonCode|orderDetail|partOf|Observation|MedicationStatement|LOINC|SNOMED/);
    }
  });

  it('stops start-up on words for a criterion the policy does not have, or a summary text too long', () => {
    expect(() => compileOwnPolicy({ ...facet, clinicalText: { 'no-such-criterion': { notMet: 'x' } } })).toThrow(StartupError);
    expect(() => compileOwnPolicy({ ...facet, clinicalText: { 'no-such-criterion': { notMet: 'x' } } })).toThrow(/clinical-text\.json names "no-such-criterion"/);
    expect(() => compileOwnPolicy({ ...facet, clinicalText: { 'nsaid-trial': { notMet: 'x'.repeat(61) } } })).toThrow(/nsaid-trial\.notMet is 61 characters/);
    expect(() => compileOwnPolicy({ ...facet, clinicalText: { 'nsaid-trial': { toDocument: '' } } })).toThrow(/must be a non-empty string/);
  });
});
