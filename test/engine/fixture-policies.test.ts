import path from 'node:path';
import type { FhirResource } from 'fhir/r4';
import request from 'supertest';
import { compileService, loadServices, readDeclarations } from '../../src/declarations/load';
import type { ServiceDefinition } from '../../src/declarations/types';
import { StartupError } from '../../src/errors';
import type { Runtime } from '../../src/runtime';
import { activeCoverage, facetOrder, hookRequest, patient, searchset } from '../helpers/builders';
import { TEST_NOW, testRuntime } from '../helpers/runtime';

/**
 * The engine on a tiny fixture (test/fixtures/policies, docs/architecture.md "Adding a policy"): a service
 * (lumbar spine MRI, its own policy FX.1) and a policy folder it applies to Medicare members (FX.M). Nothing
 * here knows about facet joints.
 */
export const FIXTURE_DIR = path.resolve(__dirname, '../fixtures/policies');
const SERVICE = '/cds-services/fixture-imaging';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';

function chart(options: { painSince: string; coverage?: Record<string, unknown>; therapy?: boolean }): FhirResource[] {
  return [
    patient(),
    activeCoverage('cov-1', options.coverage ?? {}),
    {
      resourceType: 'Condition',
      id: 'lbp',
      subject: { reference: 'Patient/pat-1' },
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: ICD10, code: 'M54.50', display: 'Low back pain, unspecified' }] },
      onsetDateTime: options.painSince,
    } as FhirResource,
    ...(options.therapy ? [{ resourceType: 'Procedure', id: 'pt-1', status: 'completed', subject: { reference: 'Patient/pat-1' }, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '97110', display: 'Therapeutic exercises' }] }, performedDateTime: '2026-10-20' } as FhirResource] : []),
  ];
}

function prefetch(resources: FhirResource[]): Record<string, unknown> {
  const of = (type: string) => searchset(resources.filter((r) => r.resourceType === type));
  return { patient: resources.find((r) => r.resourceType === 'Patient'), coverage: of('Coverage'), conditions: of('Condition'), procedures: of('Procedure') };
}

const MEDICARE = { type: { coding: [{ system: 'https://nahdo.org/sopt', code: '121', display: 'Medicare FFS' }] }, payor: [{ display: 'Centers for Medicare & Medicaid Services' }] };
const FIVE_WEEKS_AGO = '2026-10-22';

describe('the engine on a fixture service with two policies', () => {
  const services = loadServices(FIXTURE_DIR);
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await testRuntime({ services });
  });
  afterAll(() => runtime.close());

  async function sign(resources: FhirResource[], extension?: Record<string, unknown>) {
    const body = hookRequest({ orders: [facetOrder('sr-mri', '72148')], prefetch: prefetch(resources), extension: { 'davinci-crd.configuration': { 'meets-policy': true }, ...extension } });
    const res = await request(runtime.app).post(SERVICE).send(body);
    expect(res.status).toBe(200);
    const info = res.body.systemActions[0].resource.extension.at(-1).extension as Array<Record<string, any>>;
    return { body: res.body, card: res.body.cards[0], info, part: (url: string) => info.filter((e) => e.url === url) };
  }

  it('loads a service folder and a policy folder, the policy applied by the service', () => {
    expect(services.map((s) => s.id)).toEqual(['fixture-imaging']);
    const [service] = services;
    expect(service!.policies.map((p) => [p.id, p.document.id, p.version])).toEqual([
      ['fixture-imaging', 'FX.1', '0.1.0'],
      ['fixture-imaging-medicare', 'FX.M', '0.2.0'],
    ]);
    expect(service!.hooks.map((h) => h.id)).toEqual(['fixture-imaging', 'fixture-imaging-order-dispatch']);
    expect(Object.keys(readDeclarations(FIXTURE_DIR).policies)).toEqual(['fixture-imaging-medicare']);
  });

  it('gives a policy the service\'s value sets and facts, and what it adds: a value set, a fact', () => {
    const [own, medicare] = services.find((s) => s.id === 'fixture-imaging')!.policies;
    expect(Object.keys(own!.valueSets)).not.toContain('therapyTried');
    expect(Object.keys(medicare!.valueSets)).toEqual(expect.arrayContaining(['lumbarMri', 'lowBackPain', 'medicare', 'therapyTried']));
    expect(own!.facts.map((f) => f.name)).toEqual(['conditions', 'coverages']);
    expect(medicare!.facts.map((f) => f.name)).toEqual(['conditions', 'coverages', 'procedures']);
    expect(medicare!.data.ownValueSets).toEqual(['therapyTried']);
  });

  it('decides a commercial member under the service\'s own policy, and names it on the card and in the coverage information', async () => {
    const { card, part } = await sign(chart({ painSince: FIVE_WEEKS_AGO }));
    expect(part('covered')[0]!.valueCode).toBe('not-covered');
    expect(card.detail).toMatch(/^\*\*Not covered\.\*\* Decided under FX\.1 Lumbar Spine MRI \(rev\. 01\/26\)\.\n/);
    expect(card.links[0]).toEqual({ label: 'FX.1 Lumbar Spine MRI (policy)', url: 'https://plan.example.org/policies/fx-1.pdf', type: 'absolute' });
    expect(part('reason')[0]!.valueCodeableConcept.text).toMatch(/^FX\.1 Lumbar Spine MRI: not met: 1\.a Low back pain for at least 6 weeks/);
  });

  it('decides a Medicare member under the policy the selection names for Medicare, and says why', async () => {
    const { card, part } = await sign(chart({ painSince: FIVE_WEEKS_AGO, coverage: MEDICARE }));
    expect(card.detail).toMatch(/^\*\*Prior authorization needed\.\*\* .* Decided under FX\.M Lumbar Spine MRI \(Medicare\) \(rev\. 02\/26\)\. Medicare members: the Medicare policy applies \(fixture\)\.\n/);
    expect(card.detail).toContain('**Met (1):** Low back pain for at least 4 weeks (M.1).');
    // A rule from a secondary source says so in plain words where the record must document it; its source tags are for the analyst (decision record).
    expect(card.detail).toContain('- Physical therapy tried (M.2; rule not confirmed in the policy text): No physical therapy on record');
    expect(card.detail).not.toContain('FX-NOTES');
    expect(part('covered')[0]!.valueCode).toBe('conditional');
    expect(part('reason')[0]!.valueCodeableConcept.text).toMatch(/^FX\.M Lumbar Spine MRI \(Medicare\): documentation needed: M\.2 /);
    // The data profile linked is the one of the policy applied.
    // …and the documentation app (DTR) opens on the policy's questionnaire (test/dtr/fixture-documentation.test.ts).
    expect(card.links.map((l: { url: string }) => l.url)).toEqual([
      'https://medicare.example.org/fx-m',
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/docs\/fixture-imaging-medicare-profile$/),
      expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/dtr\/launch\.html$/),
    ]);
  });

  it('links the policy applied in CRD 2.2 coverage information (detail policy-link); CRD 2.0.1 names it in the reason only', async () => {
    const resources = chart({ painSince: FIVE_WEEKS_AGO, coverage: MEDICARE, therapy: true });
    const v22 = await sign(resources);
    expect(v22.part('covered')[0]!.valueCode).toBe('covered');
    expect(v22.part('detail')).toEqual([
      {
        url: 'detail',
        extension: [
          { url: 'category', valueCode: 'cat-other' },
          { url: 'code', valueCodeableConcept: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/crd-coverage-detail', code: 'policy-link', display: 'Policy link' }], text: 'FX.M Lumbar Spine MRI (Medicare)' } },
          { url: 'value', valueUrl: 'https://medicare.example.org/fx-m' },
        ],
      },
    ]);
    const v20 = await sign(resources, { 'davinci-crd.requestedVersion': '2.0' });
    expect(v20.part('detail')).toEqual([]);
    expect(v20.part('reason')[0]!.valueCodeableConcept.text).toBe('FX.M Lumbar Spine MRI (Medicare): every applicable criterion is met by the record');
  });

  it('reads a Coverage\'s names up to the service\'s per-field bound when choosing the policy: "Medicare" past it is not read', async () => {
    const named = (payor: string) => chart({ painSince: FIVE_WEEKS_AGO, coverage: { payor: [{ display: payor }] } });
    const within = await sign(named('Medicare Part B'));
    expect(within.card.detail).toMatch(/^\*\*Prior authorization needed\.\*\* .* Decided under FX\.M /);
    const filler = 'Regional Health Plan Administrators. '.repeat(300); // 11,100 characters: past the 10,000 read
    const past = await sign(named(`${filler}Medicare Part B`));
    expect(past.card.detail).toMatch(/^\*\*Not covered\.\*\* Decided under FX\.1 /);
    expect(past.card.detail).toContain(`the rest of Coverage/cov-1 payorNames (${(filler.length + 15).toLocaleString('en-US')} characters) was not`);
  });

  it('keeps the policy applied, its id, revision and version, in the decision record', async () => {
    await sign(chart({ painSince: FIVE_WEEKS_AGO, coverage: MEDICARE, therapy: true }));
    await runtime.deps.decisionLog.flush();
    const records = await runtime.deps.store.listDecisions(new Date(0), new Date(TEST_NOW.getTime() + 1));
    expect(records.at(-1)).toMatchObject({ serviceId: 'fixture-imaging', serviceVersion: '0.1.0', policyId: 'FX.M', policyRevision: '02/26', policyDeclaration: 'fixture-imaging-medicare', policyVersion: '0.2.0' });
  });

  it('gives a policy without suggest, notices or coverage the defaults: no suggestions, no notices, the active Coverage', async () => {
    const { body } = await sign(chart({ painSince: FIVE_WEEKS_AGO }));
    expect(body.cards).toHaveLength(1);
    expect(body.cards[0].suggestions).toBeUndefined();
    expect(body.systemActions[0].resource.extension.at(-1).extension.find((e: { url: string }) => e.url === 'coverage').valueReference).toEqual({ reference: 'Coverage/cov-1' });
  });
});

describe('a broken fixture declaration stops start-up, naming what is wrong', () => {
  const { services, policies } = readDeclarations(FIXTURE_DIR);
  const service = services.find((s) => s.service.id === 'fixture-imaging') as ServiceDefinition<unknown>;
  const copy = (change: (d: ServiceDefinition<unknown>) => void) => {
    const d = { ...service, service: structuredClone(service.service), facts: structuredClone(service.facts), valueSets: structuredClone(service.valueSets) };
    change(d);
    return d;
  };

  it.each<[string, (d: ServiceDefinition<unknown>) => void, RegExp]>([
    [
      'a fact field the chart model reads, misspelt in facts.json',
      (d) => {
        d.facts.conditions!.fields.onsett = d.facts.conditions!.fields.onset!;
        delete d.facts.conditions!.fields.onset;
      },
      /service fixture-imaging: the policy reads conditions\.onset, which facts\.json does not declare/,
    ],
    ['a fact the policy reads, missing', (d) => delete d.facts.coverages, /the policy reads fact "coverages", which facts\.json does not declare/],
    ['a value set the policy reads, missing', (d) => delete d.valueSets.lowBackPain, /value set lowBackPain|the policy reads value set "lowBackPain"|select names unknown value set "lowBackPain"/],
    ['a selection naming a policy that does not exist', (d) => (d.service.policySelection!.rules[0]!.policy = 'nope'), /policySelection\.rules\[0\]\.policy names policy "nope", which is neither this service nor a policy folder under cds-services\/ \(known: fixture-imaging, fixture-imaging-medicare\)/],
    ['a selection rule for an unknown program', (d) => ((d.service.policySelection!.rules[0]!.programs as string[]) = ['veterans']), /rules\[0\]\.programs must list programs among medicare, medicaid, commercial/],
    ['a value set the policy declares that the service declares too', (d) => (d.valueSets.therapyTried = { title: 'Therapy' }), /policy fixture-imaging-medicare \(applied by service fixture-imaging\): value set "therapyTried" is also the service's; give a differing set its own name/],
    [
      'a policy declaring a whole fact the service declares too',
      (d) => (d.facts.procedures = { ...structuredClone(policies['fixture-imaging-medicare']!.facts!.procedures), select: { valueSets: ['lowBackPain'] } } as never),
      /fact "procedures" is the service's: a policy may add value sets to its select and fields, not change its resource types/,
    ],
  ])('%s', (_what, breakIt, message) => {
    expect(() => compileService(copy(breakIt), policies)).toThrow(StartupError);
    expect(() => compileService(copy(breakIt), policies)).toThrow(message);
  });

  it('a text pattern of a policy folder the service applies that can backtrack super-linearly, naming the folder, the value set and the pattern', () => {
    const applied = structuredClone(policies['fixture-imaging-medicare']!.valueSets);
    applied.therapyTried!.textPatterns = ['(physical|occupational)[\\s\\S]*therapy'];
    const broken = { ...policies, 'fixture-imaging-medicare': { ...policies['fixture-imaging-medicare']!, valueSets: applied } };
    expect(() => compileService(service, broken)).toThrow(
      /^policy fixture-imaging-medicare \(applied by service fixture-imaging\): value set therapyTried: text pattern "\(physical\|occupational\)\[\\\\s\\\\S\]\*therapy" can take super-linear time/,
    );
    // Written as a pattern group ("both occur"), it loads and matches both ways round.
    applied.therapyTried!.textPatterns = [['physical|occupational', 'therapy']];
    const loaded = compileService(service, broken).policies.find((p) => p.id === 'fixture-imaging-medicare')!;
    expect(loaded.valueSets.therapyTried!.matchesText('therapy: physical, 6 weeks')).toBe(true);
    expect(loaded.valueSets.therapyTried!.matchesText('physical exam only')).toBe(false);
  });

  it('limits declared by a policy folder: they are the service\'s (service.json), whichever policy decides', () => {
    const declaration = { ...policies['fixture-imaging-medicare']!.declaration, limits: { maxTextCharsPerField: 50_000 } };
    const broken = { ...policies, 'fixture-imaging-medicare': { ...policies['fixture-imaging-medicare']!, declaration } };
    expect(() => compileService(service, broken)).toThrow(
      'policy fixture-imaging-medicare (applied by service fixture-imaging): policy.json declares limits; limits belong to the service (service.json `limits`) and bound every policy it applies',
    );
  });

  it('a super-linear text pattern in the service itself, naming the service', () => {
    const broken = copy((d) => (d.valueSets.lowBackPain!.textPatterns = ['(low back|lumbar)[\\s\\S]*pain']));
    expect(() => compileService(broken, policies)).toThrow(/^service fixture-imaging: value set lowBackPain: text pattern .* can take super-linear time/);
  });
});
