import path from 'node:path';
import type { FhirResource, QuestionnaireResponse } from 'fhir/r4';
import request from 'supertest';
import { compileService, readDeclarations } from '../../src/declarations/load';
import type { QuestionnaireJson } from '../../src/dtr/declaration';
import { attestationSuggestion } from '../../src/dtr/attestation-suggestion';
import type { Runtime } from '../../src/runtime';
import { activeCoverage, facetOrder, hookRequest, patient, searchset } from '../helpers/builders';
import { cdsResponseProblems } from '../helpers/cds-response';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * The card's plain suggestion for documentation (src/dtr/attestation-suggestion.ts), on the fixture policies:
 * where all the record lacks is yes/no answers the clinician can attest, the decision card suggests creating
 * the attested QuestionnaireResponse (CDS Hooks 2.0.1 Suggestion, one `create`); accepting it and signing again
 * decides the order with it. Where more is needed (a date, a number), the SMART link alone is offered.
 * FX.M (Medicare): pain for 4 weeks and physical therapy tried. TEST_NOW is 2026-11-26.
 */
const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/policies');
const SERVICE = '/cds-services/fixture-imaging';
const FXM = 'https://medicare.example.org/fhir/Questionnaire/fixture-imaging-medicare-mri';
const MEDICARE = activeCoverage('cov-1', { type: { coding: [{ system: 'https://nahdo.org/sopt', code: '121', display: 'Medicare FFS' }] } });
const ORDER = facetOrder('sr-mri', '72148');

const PAIN_SINCE_OCTOBER: FhirResource = {
  resourceType: 'Condition',
  id: 'lbp',
  subject: { reference: 'Patient/pat-1' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M54.50', display: 'Low back pain, unspecified' }] },
  onsetDateTime: '2026-10-01',
} as FhirResource;

/** FX.M's questionnaire with "therapy tried" asked as a yes/no only (the number of sessions left out). */
function yesNoTherapy(questionnaire: QuestionnaireJson): QuestionnaireJson {
  const q = structuredClone(questionnaire);
  q.criteria['therapy-tried']!.questions = q.criteria['therapy-tried']!.questions.filter((question) => question.id !== 'sessions');
  return q;
}

function prefetch(resources: FhirResource[]): Record<string, unknown> {
  const of = (type: string) => searchset(resources.filter((r) => r.resourceType === type));
  return { patient: resources.find((r) => r.resourceType === 'Patient'), coverage: of('Coverage'), conditions: of('Condition'), procedures: of('Procedure'), questionnaireResponses: of('QuestionnaireResponse') };
}

describe('the card suggests the attested answers when all that is missing is a yes/no', () => {
  const { services, policies } = readDeclarations(FIXTURE_DIR);
  const medicare = policies['fixture-imaging-medicare']!;
  let yesNo: Runtime;
  let stock: Runtime;
  beforeAll(async () => {
    yesNo = await testRuntime({ services: [compileService(services[0]!, { ...policies, 'fixture-imaging-medicare': { ...medicare, questionnaire: yesNoTherapy(medicare.questionnaire!) } })] });
    stock = await testRuntime({ services: [compileService(services[0]!, policies)] });
  });
  afterAll(async () => {
    await yesNo.close();
    await stock.close();
  });

  async function sign(runtime: Runtime, resources: FhirResource[]) {
    const body = hookRequest({ orders: [ORDER], prefetch: prefetch(resources), extension: { 'davinci-crd.configuration': { 'meets-policy': true } } });
    const res = await request(runtime.app).post(SERVICE).send(body);
    expect(res.status).toBe(200);
    expect(cdsResponseProblems(res.body)).toEqual([]);
    const info = res.body.systemActions[0].resource.extension.at(-1).extension as Array<Record<string, any>>;
    return { body: res.body, card: res.body.cards[0], covered: info.find((e) => e.url === 'covered')!.valueCode as string };
  }

  it('offers, on the decision card next to the SMART link, one suggestion creating the completed, attested QuestionnaireResponse', async () => {
    const { body, card, covered } = await sign(yesNo, [patient(), MEDICARE, PAIN_SINCE_OCTOBER]);
    expect(covered).toBe('conditional');
    // One card: the suggestion is not an order, so it makes no CRD additional-orders card.
    expect(body.cards).toHaveLength(1);
    expect(card.links.some((l: { type: string }) => l.type === 'smart')).toBe(true);
    expect(card.selectionBehavior).toBe('at-most-one');
    expect(card.suggestions).toHaveLength(1);
    const suggestion = card.suggestions[0];
    expect(suggestion).toMatchObject({ label: 'Attest “Yes” to “Was physical therapy tried?”', uuid: expect.any(String) });
    expect(suggestion.isRecommended).toBeUndefined();
    expect(suggestion.actions).toHaveLength(1);
    const action = suggestion.actions[0];
    expect(action.type).toBe('create');
    expect(action.description).toContain('authored by Practitioner/dr-1: Was physical therapy tried? Yes.');
    expect(action.description).toContain("I attest that these answers are true and documented in the patient's medical record.");
    const qr = action.resource as QuestionnaireResponse;
    expect(qr).toMatchObject({
      resourceType: 'QuestionnaireResponse',
      questionnaire: `${FXM}|0.2.0`,
      status: 'completed',
      subject: { reference: 'Patient/pat-1' },
      basedOn: [{ reference: 'ServiceRequest/sr-mri' }],
      author: { reference: 'Practitioner/dr-1' },
      authored: TEST_NOW.toISOString(),
    });
    const therapy = qr.item!.find((i) => i.linkId === 'therapy-tried')!;
    // What the chart shows stays marked as from the server; the attested answer is the clinician's.
    expect(therapy.item!.find((i) => i.linkId === 'therapy-tried.status')!.answer![0]!.valueCoding!.code).toBe('not-documented');
    expect(therapy.item!.find((i) => i.linkId === 'therapy-tried.tried')!.answer).toEqual([
      { extension: [{ url: 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin', extension: [{ url: 'source', valueCode: 'manual' }] }], valueBoolean: true },
    ]);
    expect(therapy.item!.map((i) => i.linkId)).not.toContain('therapy-tried.why-not');
    expect(qr.item!.at(-1)).toMatchObject({ linkId: 'attestation', answer: [{ valueBoolean: true }] });
  });

  it('once accepted (the EHR saves the response) the same order signs as covered, the checklist citing the attestation', async () => {
    const first = await sign(yesNo, [patient(), MEDICARE, PAIN_SINCE_OCTOBER]);
    const saved = { ...first.card.suggestions[0].actions[0].resource, id: 'qr-accepted' } as FhirResource;
    const again = await sign(yesNo, [patient(), MEDICARE, PAIN_SINCE_OCTOBER, saved]);
    expect(again.covered).toBe('covered');
    expect(again.card.detail).toContain('Attested by Practitioner/dr-1 on 2026-11-26 (QuestionnaireResponse), not from the record: Was physical therapy tried? yes');
    expect(again.card.suggestions).toBeUndefined();
  });

  it('is not offered where the record lacks more than a yes/no (a number of sessions): the SMART link alone', async () => {
    const { card, covered } = await sign(stock, [patient(), MEDICARE, PAIN_SINCE_OCTOBER]);
    expect(covered).toBe('conditional');
    expect(card.links.some((l: { type: string }) => l.type === 'smart')).toBe(true);
    expect(card.suggestions).toBeUndefined();
  });

  it('is not offered where one of the criteria not documented needs a date, though another is a yes/no', async () => {
    const undated = { ...PAIN_SINCE_OCTOBER, onsetDateTime: undefined } as FhirResource;
    const { card, covered } = await sign(yesNo, [patient(), MEDICARE, undated]);
    expect(covered).toBe('conditional');
    expect(card.suggestions).toBeUndefined();
  });

  it('is not offered when the record shows a criterion unmet: attesting the rest would not make it covered', async () => {
    const recent = { ...PAIN_SINCE_OCTOBER, onsetDateTime: '2026-11-20' } as FhirResource;
    const { card, covered } = await sign(yesNo, [patient(), MEDICARE, recent]);
    expect(covered).toBe('not-covered');
    expect((card.suggestions ?? []).filter((s: { label: string }) => s.label.startsWith('Attest'))).toEqual([]);
  });

  it('names its author: not offered for a user who is not a practitioner', () => {
    const service = yesNo.deps.services[0]!;
    const q = service.policies.find((p) => p.id === 'fixture-imaging-medicare')!.questionnaire!;
    const unit = {
      unit: { id: 'u', label: 'MRI', orders: [ORDER as any], context: undefined, readAs: [], summary: {} },
      outcome: 'conditional' as const,
      results: [{ id: 'therapy-tried', section: 'M.2', title: 'Physical therapy tried', categorical: false, status: 'not-documented' as const, summary: 'No physical therapy on record', evidence: [] }],
      suggestions: [],
    };
    const input = { questionnaire: q, pathway: 'mri', unit, patientId: 'pat-1', authored: '2026-11-26T12:00:00Z', today: '2026-11-26' };
    expect(attestationSuggestion({ ...input, author: 'PractitionerRole/role-1' })).toBeDefined();
    expect(attestationSuggestion({ ...input, author: 'Patient/pat-1' })).toBeUndefined();
  });

  it('names a practitioner that can be resolved: not offered for an id of dots only ("Practitioner/.." is the server base, not a practitioner)', () => {
    const service = yesNo.deps.services[0]!;
    const q = service.policies.find((p) => p.id === 'fixture-imaging-medicare')!.questionnaire!;
    const unit = {
      unit: { id: 'u', label: 'MRI', orders: [ORDER as any], context: undefined, readAs: [], summary: {} },
      outcome: 'conditional' as const,
      results: [{ id: 'therapy-tried', section: 'M.2', title: 'Physical therapy tried', categorical: false, status: 'not-documented' as const, summary: 'No physical therapy on record', evidence: [] }],
      suggestions: [],
    };
    const input = { questionnaire: q, pathway: 'mri', unit, patientId: 'pat-1', authored: '2026-11-26T12:00:00Z', today: '2026-11-26' };
    for (const author of ['Practitioner/..', 'Practitioner/.', 'PractitionerRole/...']) expect(attestationSuggestion({ ...input, author })).toBeUndefined();
    expect(attestationSuggestion({ ...input, author: 'Practitioner/dr.1' })).toBeDefined();
    expect(attestationSuggestion({ ...input, author: `Practitioner/${'a'.repeat(64)}` })).toBeDefined();
  });
});
