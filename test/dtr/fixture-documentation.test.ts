import type { FhirResource, Questionnaire, QuestionnaireItem, QuestionnaireResponse } from 'fhir/r4';
import nock from 'nock';
import request from 'supertest';
import { loadServices } from '../../src/declarations/load';
import type { Runtime } from '../../src/runtime';
import path from 'node:path';
import { activeCoverage, facetOrder, hookRequest, patient, searchset } from '../helpers/builders';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * Documentation in place (Da Vinci DTR) on the fixture policies (test/fixtures/policies, nothing of facet
 * joints): the questionnaire generated from questionnaire.json, the CRD link to it, the package and $populate
 * prefilled from the record, and attested answers deciding only what the record leaves not documented.
 * TEST_NOW is 2026-11-26.
 */
const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/policies');
const SERVICE = '/cds-services/fixture-imaging';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';
const FHIR = 'http://127.0.0.1:9931/fhir';
const FX1 = 'https://plan.example.org/fhir/Questionnaire/fixture-imaging-mri';
const FXM = 'https://medicare.example.org/fhir/Questionnaire/fixture-imaging-medicare-mri';
const MEDICARE = { type: { coding: [{ system: 'https://nahdo.org/sopt', code: '121', display: 'Medicare FFS' }] } };
const ORDER = facetOrder('sr-mri', '72148');

function pain(since?: string): FhirResource {
  return {
    resourceType: 'Condition',
    id: 'lbp',
    subject: { reference: 'Patient/pat-1' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: ICD10, code: 'M54.50', display: 'Low back pain, unspecified' }] },
    ...(since ? { onsetDateTime: since } : {}),
  } as FhirResource;
}

/** A completed, attested response to `questionnaire`, based on the order, with these answers (linkId → answer). */
function response(id: string, questionnaire: string, answers: Record<string, Record<string, unknown>>, extra: Partial<QuestionnaireResponse> = {}): QuestionnaireResponse {
  const groups = new Map<string, Array<{ linkId: string; answer: Array<Record<string, unknown>> }>>();
  for (const [linkId, answer] of Object.entries(answers)) {
    const group = linkId.split('.')[0]!;
    groups.set(group, [...(groups.get(group) ?? []), { linkId, answer: [answer] }]);
  }
  return {
    resourceType: 'QuestionnaireResponse',
    id,
    questionnaire: `${questionnaire}|0.1.0`,
    status: 'completed',
    subject: { reference: 'Patient/pat-1' },
    basedOn: [{ reference: 'ServiceRequest/sr-mri' }],
    author: { reference: 'Practitioner/dr-1' },
    authored: '2026-11-26T14:00:00Z',
    item: [...[...groups].map(([linkId, item]) => ({ linkId, item })), { linkId: 'attestation', answer: [{ valueBoolean: true }] }],
    ...extra,
  } as QuestionnaireResponse;
}

function prefetch(resources: FhirResource[]): Record<string, unknown> {
  const of = (type: string) => searchset(resources.filter((r) => r.resourceType === type));
  return { patient: resources.find((r) => r.resourceType === 'Patient'), coverage: of('Coverage'), conditions: of('Condition'), procedures: of('Procedure'), questionnaireResponses: of('QuestionnaireResponse') };
}

function linkIds(items: QuestionnaireItem[] | undefined): string[] {
  return (items ?? []).flatMap((i) => [i.linkId, ...linkIds(i.item)]);
}

describe('documentation in place (DTR) on the fixture policies', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime({ services: loadServices(FIXTURE_DIR) });
  });
  afterAll(() => runtime.close());
  afterEach(() => nock.cleanAll());

  async function sign(resources: FhirResource[]) {
    const body = hookRequest({ orders: [ORDER], prefetch: prefetch(resources), extension: { 'davinci-crd.configuration': { 'meets-policy': true } } });
    const res = await request(runtime.app).post(SERVICE).send(body);
    expect(res.status).toBe(200);
    const info = res.body.systemActions[0].resource.extension.at(-1).extension as Array<Record<string, any>>;
    return { card: res.body.cards[0], covered: info.find((e) => e.url === 'covered')!.valueCode as string, part: (url: string) => info.filter((e) => e.url === url) };
  }

  describe('the questionnaire, generated from questionnaire.json', () => {
    it('has a group per criterion of the pathway, its linkId the criterion id, the policy section as prefix and the citation as help', async () => {
      const res = await request(runtime.app).get('/fhir/Questionnaire/fixture-imaging-medicare-mri');
      expect(res.status).toBe(200);
      const q = res.body as Questionnaire;
      expect(q).toMatchObject({ url: FXM, version: '0.2.0', status: 'active', meta: { profile: expect.arrayContaining(['http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire']) } });
      expect(q.item!.map((i) => [i.linkId, i.prefix, i.type])).toEqual([
        ['pain-duration', 'M.1', 'group'],
        ['therapy-tried', 'M.2', 'group'],
        ['attestation', undefined, 'boolean'],
      ]);
      expect(linkIds(q.item)).toEqual(expect.arrayContaining(['therapy-tried.status', 'therapy-tried.record', 'therapy-tried.tried', 'therapy-tried.sessions', 'therapy-tried.why-not']));
      const therapy = q.item![1]!;
      expect(therapy.item![0]).toMatchObject({ type: 'display', text: expect.stringContaining('Physical therapy was tried (secondary source).') });
      // A question is asked only when the record leaves the criterion not documented, and after the answer it depends on.
      const sessions = therapy.item!.find((i) => i.linkId === 'therapy-tried.sessions')!;
      expect(sessions).toMatchObject({ type: 'integer', required: true, enableBehavior: 'all' });
      expect(sessions.enableWhen).toEqual([
        { question: 'therapy-tried.status', operator: '=', answerCoding: { system: 'http://facet-cds.dev/fhir/CodeSystem/criterion-status-in-record', code: 'not-documented' } },
        { question: 'therapy-tried.tried', operator: '=', answerBoolean: true },
      ]);
    });

    it('is found by its canonical URL', async () => {
      const res = await request(runtime.app).get('/fhir/Questionnaire').query({ url: `${FX1}|0.1.0` });
      expect(res.body.entry.map((e: { resource: Questionnaire }) => e.resource.id)).toEqual(['fixture-imaging-mri']);
    });

    it('an unknown canonical finds nothing: a searchset with total 0 and no entry (FHIR JSON has no empty arrays)', async () => {
      const res = await request(runtime.app).get('/fhir/Questionnaire').query({ url: 'http://example.org/Questionnaire/unknown' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ resourceType: 'Bundle', type: 'searchset', total: 0 });
    });
  });

  describe('the CRD answer for an order that needs documentation', () => {
    it('names the questionnaire in the coverage information with doc-needed, and links the documentation app with an appContext', async () => {
      const { card, covered, part } = await sign([patient(), activeCoverage(), pain()]);
      expect(covered).toBe('conditional');
      expect(part('doc-needed')[0]!.valueCode).toBe('clinical');
      expect(part('questionnaire')).toEqual([{ url: 'questionnaire', valueCanonical: `${FX1}|0.1.0` }]);
      const smart = card.links.find((l: { type: string }) => l.type === 'smart');
      expect(smart).toMatchObject({ type: 'smart', url: expect.stringMatching(/\/dtr\/launch\.html$/) });
      const assertionId = part('coverage-assertion-id')[0]!.valueString;
      expect(JSON.parse(smart.appContext)).toEqual({ questionnaire: [`${FX1}|0.1.0`], order: ['ServiceRequest/sr-mri'], coverage: 'Coverage/cov-1', coverageAssertionId: assertionId });
    });

    it('names no questionnaire and no app for an order the record decides', async () => {
      const { card, part } = await sign([patient(), activeCoverage(), pain('2026-09-01')]);
      expect(part('questionnaire')).toEqual([]);
      expect(card.links.some((l: { type: string }) => l.type === 'smart')).toBe(false);
    });
  });

  describe('attested answers', () => {
    it('turn a not-documented criterion into met, the card citing the QuestionnaireResponse, its author and date, and the record keeping the answers used', async () => {
      const qr = response('qr-1', FX1, { 'pain-duration.onset': { valueDate: '2026-09-15' } });
      const { card, covered } = await sign([patient(), activeCoverage(), pain(), qr]);
      expect(covered).toBe('covered');
      expect(card.detail).toContain('Attested by Practitioner/dr-1 on 2026-11-26 (QuestionnaireResponse), not from the record: When did the low back pain begin? 2026-09-15');
      expect(card.detail).toContain('(QuestionnaireResponse/qr-1)');
      await runtime.deps.decisionLog.flush();
      const records = await runtime.deps.store.listDecisions(new Date(0), new Date(TEST_NOW.getTime() + 1));
      const criterion = (records.at(-1) as any).units[0].criteria.find((c: { id: string }) => c.id === 'pain-duration');
      expect(criterion.attestation).toEqual({ questionnaireResponse: 'QuestionnaireResponse/qr-1', questionnaire: FX1, author: 'Practitioner/dr-1', authored: '2026-11-26T14:00:00Z', answers: ['pain-duration.onset'] });
    });

    it('never override the record: a criterion the chart shows unmet stays unmet whatever the answer', async () => {
      const qr = response('qr-1', FX1, { 'pain-duration.onset': { valueDate: '2026-01-01' } });
      const { card, covered } = await sign([patient(), activeCoverage(), pain('2026-11-10'), qr]);
      expect(covered).toBe('not-covered');
      expect(card.detail).not.toContain('Attested');
    });

    it('decide the criterion not met when the answer does not satisfy it (pain for under 6 weeks)', async () => {
      const qr = response('qr-1', FX1, { 'pain-duration.onset': { valueDate: '2026-11-01' } });
      const { card, covered } = await sign([patient(), activeCoverage(), pain(), qr]);
      expect(covered).toBe('not-covered');
      expect(card.detail).toContain('Attested answer does not meet the criterion: When did the low back pain begin? 2026-11-01');
    });

    it('count only completed, attested responses based on the order being decided', async () => {
      const answers = { 'pain-duration.onset': { valueDate: '2026-09-15' } };
      const unattested = response('qr-1', FX1, answers);
      unattested.item = unattested.item!.filter((i) => i.linkId !== 'attestation');
      for (const qr of [unattested, response('qr-2', FX1, answers, { status: 'in-progress' }), response('qr-3', FX1, answers, { basedOn: [{ reference: 'ServiceRequest/other' }] }), response('qr-4', FXM, answers)]) {
        expect((await sign([patient(), activeCoverage(), pain(), qr])).covered).toBe('conditional');
      }
    });

    it('follow the enabled questions: "not tried" with a reason does not meet "physical therapy tried"; tried with sessions does', async () => {
      const medicare = activeCoverage('cov-1', MEDICARE);
      const notTried = response('qr-1', FXM, { 'therapy-tried.tried': { valueBoolean: false }, 'therapy-tried.why-not': { valueString: 'Could not travel' } });
      expect((await sign([patient(), medicare, pain('2026-10-01'), notTried])).covered).toBe('not-covered');
      const tried = response('qr-2', FXM, { 'therapy-tried.tried': { valueBoolean: true }, 'therapy-tried.sessions': { valueInteger: 8 } });
      expect((await sign([patient(), medicare, pain('2026-10-01'), tried])).covered).toBe('covered');
      const partly = response('qr-3', FXM, { 'therapy-tried.tried': { valueBoolean: true } });
      expect((await sign([patient(), medicare, pain('2026-10-01'), partly])).covered).toBe('conditional');
    });
  });

  describe('POST /fhir/Questionnaire/$questionnaire-package (DTR)', () => {
    function chartOnServer(resources: FhirResource[], token?: string) {
      const scope = nock('http://127.0.0.1:9931', token ? { reqheaders: { authorization: `Bearer ${token}` } } : undefined).persist();
      scope.get('/fhir/Patient/pat-1').reply(200, resources.find((r) => r.resourceType === 'Patient')!);
      for (const [path, type] of [['Condition', 'Condition'], ['Procedure', 'Procedure'], ['QuestionnaireResponse', 'QuestionnaireResponse'], ['Coverage', 'Coverage']] as const) {
        scope.get(`/fhir/${path}`).query(true).reply(200, searchset(resources.filter((r) => r.resourceType === type)));
      }
    }

    const packageRequest = (extra: Array<Record<string, unknown>> = []) => ({
      resourceType: 'Parameters',
      parameter: [{ name: 'order', resource: ORDER }, { name: 'coverage', resource: activeCoverage() }, { name: 'fhirServer', valueUrl: FHIR }, { name: 'fhirAccessToken', valueString: 'tok-1' }, ...extra],
    });

    it('returns the package Bundle: the questionnaire and the response prefilled from the record, each answer marked as from the server with its source', async () => {
      chartOnServer([patient(), activeCoverage(), pain('2026-11-10')], 'tok-1');
      const res = await request(runtime.app).post('/fhir/Questionnaire/$questionnaire-package').set('content-type', 'application/fhir+json').send(packageRequest());
      expect(res.status).toBe(200);
      expect(res.body.resourceType).toBe('Parameters');
      const bundle = res.body.parameter[0];
      expect(bundle.name).toBe('PackageBundle');
      const [questionnaire, qr] = bundle.resource.entry.map((e: { resource: FhirResource }) => e.resource);
      expect(questionnaire).toMatchObject({ resourceType: 'Questionnaire', url: FX1 });
      expect(qr).toMatchObject({ resourceType: 'QuestionnaireResponse', questionnaire: `${FX1}|0.1.0`, status: 'in-progress', subject: { reference: 'Patient/pat-1' }, basedOn: [{ reference: 'ServiceRequest/sr-mri' }] });
      const status = qr.item[0].item[0];
      expect(status.linkId).toBe('pain-duration.status');
      expect(status.answer[0].valueCoding.code).toBe('not-met');
      expect(status.answer[0].extension).toEqual([
        { url: 'http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/information-origin', extension: [{ url: 'source', valueCode: 'auto-server' }] },
        { url: 'http://facet-cds.dev/fhir/StructureDefinition/answer-source', valueReference: { reference: 'Condition/lbp' } },
      ]);
      expect(qr.item[0].item[1].answer[0].valueString).toMatch(/^Low back pain since 2026-11-10: under 6 weeks/);
    });

    it('asks exactly for what the record lacks: the status of an undocumented criterion is not-documented, and its questions are unanswered', async () => {
      chartOnServer([patient(), activeCoverage(), pain()]);
      const res = await request(runtime.app).post('/fhir/Questionnaire/$questionnaire-package').send({ resourceType: 'Parameters', parameter: packageRequest().parameter.filter((p) => p.name !== 'fhirAccessToken') });
      expect(res.status).toBe(200);
      const qr = res.body.parameter[0].resource.entry.at(-1).resource as QuestionnaireResponse;
      expect(qr.item![0]!.item!.map((i) => [i.linkId, i.answer?.[0]?.valueCoding?.code])).toEqual([
        ['pain-duration.status', 'not-documented'],
        ['pain-duration.record', undefined],
      ]);
    });

    it.each([
      ['a body that is not Parameters', { resourceType: 'Bundle' }, 400, 'Parameters'],
      ['no order', { resourceType: 'Parameters', parameter: [{ name: 'coverage', resource: activeCoverage() }] }, 400, 'Parameters.parameter'],
      ['an order that is not a ServiceRequest', { resourceType: 'Parameters', parameter: [{ name: 'order', resource: patient() }] }, 400, 'Parameters.parameter[0].resource'],
      ['an order without its patient', { resourceType: 'Parameters', parameter: [{ name: 'order', resource: { ...ORDER, subject: undefined } }] }, 400, 'Parameters.parameter[0].resource.subject'],
      ['a token without fhirServer', { resourceType: 'Parameters', parameter: [{ name: 'order', resource: ORDER }, { name: 'fhirAccessToken', valueString: 'x' }] }, 400, 'Parameters.parameter[1]'],
      ['a FHIR server not allowed', { resourceType: 'Parameters', parameter: [{ name: 'order', resource: ORDER }, { name: 'fhirServer', valueUrl: 'https://ehr.example.org/fhir' }] }, 400, 'Parameters.parameter[1]'],
      ['an order outside the service', { resourceType: 'Parameters', parameter: [{ name: 'order', resource: facetOrder('sr-x', '99213') }] }, 400, 'Parameters.parameter[0].resource.code'],
      ['a parameter without a name', { resourceType: 'Parameters', parameter: [{ resource: ORDER }] }, 400, 'Parameters.parameter[0].name'],
    ])('answers %s with a 4xx OperationOutcome naming it', async (_what, body, status, expression) => {
      const res = await request(runtime.app).post('/fhir/Questionnaire/$questionnaire-package').send(body);
      expect(res.status).toBe(status);
      expect(res.body.resourceType).toBe('OperationOutcome');
      expect(res.body.issue[0].expression).toEqual(expect.arrayContaining([expression]));
    });

    it('answers 412 naming the required data when there is no FHIR server to read the chart from', async () => {
      const res = await request(runtime.app).post('/fhir/Questionnaire/$questionnaire-package').send({ resourceType: 'Parameters', parameter: [{ name: 'order', resource: ORDER }] });
      expect(res.status).toBe(412);
      expect(res.body.issue[0].expression).toEqual(expect.arrayContaining(['prefetch.patient']));
    });

    it('answers 404 naming the questionnaires that apply when another is asked for', async () => {
      chartOnServer([patient(), activeCoverage(), pain()]);
      const res = await request(runtime.app)
        .post('/fhir/Questionnaire/$questionnaire-package')
        .send({ resourceType: 'Parameters', parameter: [{ name: 'order', resource: ORDER }, { name: 'fhirServer', valueUrl: FHIR }, { name: 'questionnaire', valueCanonical: FXM }] });
      expect(res.status).toBe(404);
      expect(res.body.issue[0].diagnostics).toContain(`these do: ${FX1}|0.1.0`);
    });
  });

  describe('POST /fhir/Questionnaire/$populate (SDC)', () => {
    it('returns the response prefilled from the record for the order in context', async () => {
      nock('http://127.0.0.1:9931').persist().get('/fhir/Patient/pat-1').reply(200, patient()).get(/\/fhir\/\w+\?/).reply(200, (uri) => searchset(uri.startsWith('/fhir/Coverage') ? [activeCoverage('cov-1', MEDICARE)] : uri.startsWith('/fhir/Condition') ? [pain('2026-10-01')] : []));
      const res = await request(runtime.app)
        .post('/fhir/Questionnaire/fixture-imaging-medicare-mri/$populate')
        .send({ resourceType: 'Parameters', parameter: [{ name: 'subject', valueReference: { reference: 'Patient/pat-1' } }, { name: 'context', part: [{ name: 'name', valueString: 'order' }, { name: 'content', resource: ORDER }] }, { name: 'fhirServer', valueUrl: FHIR }] });
      expect(res.status).toBe(200);
      const qr = res.body.parameter[0].resource as QuestionnaireResponse;
      expect(res.body.parameter[0].name).toBe('response');
      expect(qr.questionnaire).toBe(`${FXM}|0.2.0`);
      expect(qr.item!.map((i) => [i.linkId, i.item![0]!.answer![0]!.valueCoding!.code])).toEqual([
        ['pain-duration', 'met'],
        ['therapy-tried', 'not-documented'],
      ]);
    });

    it('answers a subject that is not the order\'s patient with a 400 naming it', async () => {
      const res = await request(runtime.app)
        .post('/fhir/Questionnaire/$populate')
        .send({ resourceType: 'Parameters', parameter: [{ name: 'questionnaire', valueCanonical: FX1 }, { name: 'subject', valueReference: { reference: 'Patient/other' } }, { name: 'context', part: [{ name: 'name', valueString: 'order' }, { name: 'content', resource: ORDER }] }] });
      expect(res.status).toBe(400);
      expect(res.body.issue[0].expression).toEqual(['Parameters.parameter[1].valueReference']);
    });
  });
});

describe('a broken questionnaire.json stops start-up, naming what is wrong', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compileQuestionnaire } = require('../../src/dtr/declaration') as typeof import('../../src/dtr/declaration');
  const citations = { 'pain-duration': { section: '1.a', title: 'Pain', text: 'Pain for 6 weeks.', howToDocument: 'Record the pain with its onset.' } };
  const policy = { id: 'fx', version: '1', citations, thresholds: { painWeeks: 6, label: 'six' }, valueSets: {}, criteria: [{ id: 'pain-duration' }] };
  const base = () => ({
    canonicalBase: 'https://plan.example.org/fhir',
    title: 'T',
    attestation: 'I attest',
    pathways: { mri: { title: 'MRI', criteria: ['pain-duration'] } },
    criteria: { 'pain-duration': { questions: [{ id: 'onset', text: 'When?', type: 'date' as const, accept: { atLeastWeeksAgo: 'painWeeks' } }] } },
  });
  it.each([
    ['a criterion the policy does not have', (q: any) => (q.criteria.other = q.criteria['pain-duration']), 'criterion "other" is not a criterion of fx'],
    ['a pathway asking an undeclared criterion', (q: any) => q.pathways.mri.criteria.push('nothing'), 'pathways.mri asks criterion "nothing"'],
    ['a threshold that is not a number', (q: any) => (q.criteria['pain-duration'].questions[0].accept = { atLeastWeeksAgo: 'label' }), 'accept.atLeastWeeksAgo must be a number or a number in thresholds.json'],
    ['an unknown answer type', (q: any) => (q.criteria['pain-duration'].questions[0].type = 'quantity'), 'type must be one of'],
    ['enableWhen naming no earlier question', (q: any) => (q.criteria['pain-duration'].questions[0].enableWhen = { question: 'later', answer: true }), 'enableWhen.question must name an earlier question'],
    ['several pathways without pathwayOf', (q: any) => (q.pathways.other = { title: 'O', criteria: [] }), 'pathwayOf is required'],
  ])('%s', (_what, breakIt, message) => {
    const q = base();
    breakIt(q);
    expect(() => compileQuestionnaire('policy fx', q as any, policy)).toThrow(message);
  });
});

describe('questionnaire.json asks every criterion that can be not documented on each pathway, and only those', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compileService, readDeclarations } = require('../../src/declarations/load') as typeof import('../../src/declarations/load');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compileQuestionnaire } = require('../../src/dtr/declaration') as typeof import('../../src/dtr/declaration');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StartupError } = require('../../src/errors') as typeof import('../../src/errors');
  type Json = import('../../src/dtr/declaration').QuestionnaireJson;

  describe('on the fixture declarations', () => {
    const { services, policies } = readDeclarations(FIXTURE_DIR);
    const service = services[0]!;
    const medicare = policies['fixture-imaging-medicare']!;
    const copy = (q: Json | undefined): Json => structuredClone(q!);

    it('loads them as they are: each pathway asks what can be not documented', () => {
      expect(() => compileService(service, policies)).not.toThrow();
    });

    it('stops start-up when a policy folder’s questionnaire misses a criterion that can be not documented, naming it and the file', () => {
      const questionnaire = copy(medicare.questionnaire);
      questionnaire.pathways.mri!.criteria = ['pain-duration'];
      delete questionnaire.criteria['therapy-tried'];
      const broken = { ...policies, 'fixture-imaging-medicare': { ...medicare, questionnaire } };
      expect(() => compileService(service, broken)).toThrow(StartupError);
      expect(() => compileService(service, broken)).toThrow(
        'policy fixture-imaging-medicare (applied by service fixture-imaging): questionnaire.json: pathways.mri does not ask criterion "therapy-tried", which can be not documented on that pathway (its citation says how to document it)',
      );
    });

    it('stops start-up when a questionnaire names a criterion its policy does not have (another policy’s)', () => {
      const questionnaire = copy(service.questionnaire);
      questionnaire.criteria['therapy-tried'] = copy(medicare.questionnaire).criteria['therapy-tried']!;
      questionnaire.pathways.mri!.criteria.push('therapy-tried');
      expect(() => compileService({ ...service, questionnaire }, policies)).toThrow('service fixture-imaging: questionnaire.json: criterion "therapy-tried" is not a criterion of fixture-imaging');
    });
  });

  describe('per pathway (pathwayOf), against the pathways each criterion declares', () => {
    const how = (title: string) => ({ section: title, title, text: title, howToDocument: `Chart ${title}.` });
    const policy = {
      id: 'fx',
      version: '1',
      thresholds: {},
      valueSets: {},
      citations: { onset: how('onset'), therapy: how('therapy'), everywhere: how('everywhere'), age: { section: 'age', title: 'age', text: 'age' } },
      criteria: [{ id: 'onset', pathways: ['first', 'repeat'] }, { id: 'therapy', pathways: ['repeat'] }, { id: 'everywhere' }, { id: 'age', pathways: ['first'] }],
    };
    const question = { questions: [{ id: 'q', text: 'Yes?', type: 'boolean' as const, accept: { equals: true } }] };
    const valid = (): Json => ({
      canonicalBase: 'https://plan.example.org/fhir',
      title: 'T',
      attestation: 'I attest',
      pathwayOf: 'pathway',
      pathways: { first: { title: 'First', criteria: ['onset', 'everywhere'] }, repeat: { title: 'Repeat', criteria: ['onset', 'therapy', 'everywhere'] } },
      criteria: { onset: question, therapy: question, everywhere: question },
    });
    const compile = (q: Json) => () => compileQuestionnaire('policy fx', q, policy);

    it('accepts a questionnaire asking exactly what can be not documented on each pathway', () => {
      expect(compile(valid())).not.toThrow();
    });

    it.each([
      ['misses a criterion on one of its pathways', (q: Json) => (q.pathways.repeat!.criteria = ['onset', 'everywhere']), 'pathways.repeat does not ask criterion "therapy", which can be not documented on that pathway'],
      ['misses a criterion that declares no pathways (so applies on all)', (q: Json) => (q.pathways.first!.criteria = ['onset']), 'pathways.first does not ask criterion "everywhere"'],
      ['asks a criterion on a pathway it does not apply on', (q: Json) => q.pathways.first!.criteria.push('therapy'), 'pathways.first asks criterion "therapy", which does not apply on that pathway (it applies on repeat)'],
      ['asks a criterion that can never be not documented', (q: Json) => ((q.criteria.age = question), q.pathways.first!.criteria.push('age')), 'pathways.first asks criterion "age", which can never be not documented (its citation in citations.json has no howToDocument)'],
      ['has no pathway where a criterion can be not documented', (q: Json) => delete q.pathways.repeat, 'criterion "onset" can be not documented on pathway "repeat", for which pathways has no questionnaire'],
      ['declares questions for a criterion no pathway asks', (q: Json) => ((q.criteria.age = question), undefined), 'criteria.age is asked on no pathway'],
    ])('stops start-up when it %s', (_what, breakIt, message) => {
      const q = valid();
      breakIt(q);
      expect(compile(q)).toThrow(`policy fx: questionnaire.json: ${message}`);
    });
  });
});
