import { runCriterion } from '../../src/decision/evaluate';
import type { Criterion, DataStatus } from '../../src/decision/types';
import { capturingLogger } from '../helpers/runtime';

/** How the engine runs one criterion against the data status of its prefetch keys. */
type Ctx = { value?: number };

const criterion = (evaluate: Criterion<Ctx>['evaluate'], dependsOn = ['conditions', 'procedures']): Criterion<Ctx> => ({
  id: 'pain-three-months',
  section: 'I.A.1.a',
  title: 'Pain for at least 3 months',
  dependsOn,
  appliesTo: () => true,
  evaluate,
});

const data = (keys: DataStatus['keys'], failures: DataStatus['failures'] = {}): DataStatus => ({ keys, failures });

describe('runCriterion', () => {
  it('returns the finding with the criterion\'s identity', () => {
    const result = runCriterion(criterion(() => ({ status: 'met', summary: 'Pain since March' })), {}, data({ conditions: 'provided', procedures: 'fetched' }));
    expect(result).toEqual({ id: 'pain-three-months', section: 'I.A.1.a', title: 'Pain for at least 3 months', categorical: false, status: 'met', summary: 'Pain since March', evidence: [] });
  });

  it('is indeterminate, without evaluating, when a key it depends on failed to fetch', () => {
    const evaluate = jest.fn();
    const result = runCriterion(criterion(evaluate), {}, data({ conditions: 'failed', procedures: 'provided' }, { conditions: 'the FHIR server failed (500)' }));
    expect(evaluate).not.toHaveBeenCalled();
    expect(result).toMatchObject({ status: 'indeterminate', summary: 'Could not be checked: conditions (the FHIR server failed (500))', evidence: [] });
  });

  it('asks dependsOnFor which keys this context needs: a failed key outside them does not matter', () => {
    const needs: Criterion<Ctx> = { ...criterion(() => ({ status: 'met', summary: 'ok' })), dependsOnFor: (ctx) => (ctx.value === undefined ? ['conditions', 'procedures'] : ['conditions']) };
    const failedProcedures = data({ conditions: 'provided', procedures: 'failed' });
    expect(runCriterion(needs, { value: 1 }, failedProcedures).status).toBe('met');
    expect(runCriterion(needs, {}, failedProcedures).status).toBe('indeterminate');
  });

  it('falls back to every declared key when dependsOnFor throws', () => {
    const broken: Criterion<Ctx> = { ...criterion(() => ({ status: 'met', summary: 'ok' })), dependsOnFor: () => { throw new Error('bug'); } };
    expect(runCriterion(broken, {}, data({ conditions: 'provided', procedures: 'failed' })).status).toBe('indeterminate');
  });

  it('is not affected by a failed key it does not depend on', () => {
    const result = runCriterion(criterion(() => ({ status: 'met', summary: 'ok' })), {}, data({ conditions: 'provided', procedures: 'provided', devices: 'failed' }));
    expect(result.status).toBe('met');
  });

  it('tells the clinician which keys the EHR did not send when something is not documented', () => {
    const result = runCriterion(criterion(() => ({ status: 'not-documented', summary: 'No pain diagnosis', missing: 'Chart the diagnosis.' })), {}, data({ conditions: 'missing', procedures: 'provided' }));
    expect(result.missing).toBe('Chart the diagnosis. (The EHR did not send: conditions.)');
  });

  it('turns a criterion that throws into indeterminate and logs it as an error, without the data', () => {
    const { logger, lines } = capturingLogger();
    const result = runCriterion(criterion(() => { throw new Error('Cannot read properties of undefined'); }), { value: 1 }, data({ conditions: 'provided', procedures: 'provided' }), logger);
    expect(result).toMatchObject({ status: 'indeterminate', summary: 'Could not be evaluated (internal error)' });
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged).toEqual([expect.objectContaining({ level: 50, msg: 'criterion failed', criterion: 'pain-three-months', err: expect.objectContaining({ message: 'Cannot read properties of undefined' }) })]);
  });
});
