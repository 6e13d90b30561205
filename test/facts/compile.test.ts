import fhirpath from 'fhirpath';
import request from 'supertest';
import { compileFacts, compileFhirPath } from '../../src/facts/compile';
import { compileValueSets } from '../../src/declarations/value-sets';
import { StartupError } from '../../src/errors';
import { SERVICE_PATH, fullPrefetch, hookRequest, MEETS_POLICY } from '../helpers/builders';
import { testRuntime } from '../helpers/runtime';
import { lumbarBlockChart, lumbarBlockOrder } from '../fixtures/facet-chart';

/** Chart facts are FHIRPath expressions from the declaration, compiled once at start-up (issue 2, item 6). */
describe('compileFhirPath', () => {
  it('compiles against the R4 model: choice types and ofType work', () => {
    const value = compileFhirPath('value.ofType(Quantity).value', 'test.value');
    const effective = compileFhirPath('effective.ofType(dateTime) | effective.ofType(Period).start', 'test.effective');
    const obs = { resourceType: 'Observation', valueQuantity: { value: 36 }, effectivePeriod: { start: '2026-11-02' } };
    expect(value(obs)).toEqual([36]);
    expect(effective(obs)).toEqual(['2026-11-02']);
  });

  it('stops start-up on a broken expression, with its name', () => {
    const compile = () => compileFhirPath("code.coding.where(system = 'x'", 'facet-joint-interventions.conditions.codings');
    expect(compile).toThrow(StartupError);
    expect(compile).toThrow(/^FHIRPath expression facet-joint-interventions\.conditions\.codings does not compile: /);
  });
});

describe('compileFacts', () => {
  const valueSets = compileValueSets({ pain: { title: 'Pain', include: [{ system: 'http://snomed.info/sct', codes: ['279039007'] }] } });
  const fact = { resourceTypes: ['Condition'], from: 'chart' as const, fields: { codings: 'code.coding' } };

  it('compiles every field of every fact', () => {
    const [compiled] = compileFacts('svc', { conditions: { ...fact, select: { valueSets: ['pain'], matchText: true } } }, valueSets);
    expect(compiled).toMatchObject({ name: 'conditions', resourceTypes: ['Condition'], from: 'chart', select: { matchText: true } });
    expect(compiled!.fields.map(([field]) => field)).toEqual(['codings']);
  });

  it.each([
    ['a broken field expression', { ...fact, fields: { codings: 'code.coding.(' } }, /FHIRPath expression svc\.conditions\.codings does not compile/],
    ['no resource types', { ...fact, resourceTypes: [] }, /svc fact "conditions": resourceTypes must list at least one FHIR resource type/],
    ['an unknown source', { ...fact, from: 'prefetch' }, /svc fact "conditions": from must be "chart" or "draftOrders"/],
    ['an unknown value set', { ...fact, select: { valueSets: ['nope'] } }, /svc fact "conditions": select names unknown value set "nope"/],
    ['no fields', { ...fact, fields: {} }, /svc fact "conditions": declares no fields/],
  ])('refuses %s, naming the fact', (_what, broken, message) => {
    expect(() => compileFacts('svc', { conditions: broken as never }, valueSets)).toThrow(message);
  });
});

describe('at request time', () => {
  it('evaluates the compiled facts without compiling or parsing any FHIRPath', async () => {
    const runtime = await testRuntime();
    const compile = jest.spyOn(fhirpath, 'compile');
    const evaluate = jest.spyOn(fhirpath, 'evaluate');
    const parse = jest.spyOn(fhirpath, 'parse');
    try {
      const res = await request(runtime.app).post(SERVICE_PATH).send(hookRequest({ orders: [lumbarBlockOrder('sr-1')], prefetch: fullPrefetch(lumbarBlockChart()), extension: MEETS_POLICY }));
      expect(res.status).toBe(200);
      expect(res.body.cards[0].summary).toMatch(/^Meets policy/);
      expect(compile).not.toHaveBeenCalled();
      expect(evaluate).not.toHaveBeenCalled();
      expect(parse).not.toHaveBeenCalled();
    } finally {
      jest.restoreAllMocks();
      await runtime.close();
    }
  });
});
