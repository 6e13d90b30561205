import { criteriaOf, met, type Cited } from '../../src/kit';

/**
 * What a criterion declares besides its function (src/kit/criterion.ts): the pathways it applies on, and
 * whether it can be not documented (its citation says how to document it). Start-up checks each
 * questionnaire.json against both, so both must hold when the criterion runs.
 */
describe('criteria declare their pathways and whether they can be not documented (src/kit/criterion.ts)', () => {
  interface Ctx {
    pathway: string;
    adult: boolean;
  }
  const citations = {
    onset: { section: '1', title: 'Pain onset charted', text: 'Pain for 6 weeks.', howToDocument: 'Record the pain with its onset.' },
    age: { section: '2', title: 'Adult', text: 'The member is an adult.' },
  };
  const { criterion, notDocumented } = criteriaOf<Ctx, typeof citations>(citations, { pathwayOf: (ctx) => ctx.pathway });

  it('applies only on the pathways it declares, whatever appliesTo says, and appliesTo narrows within them', () => {
    const onset = criterion('onset', { dependsOn: [], pathways: ['first', 'repeat'], appliesTo: (ctx) => ctx.adult, evaluate: () => met('ok') });
    expect(onset.pathways).toEqual(['first', 'repeat']);
    expect(onset.appliesTo({ pathway: 'first', adult: true })).toBe(true);
    expect(onset.appliesTo({ pathway: 'repeat', adult: true })).toBe(true);
    expect(onset.appliesTo({ pathway: 'other', adult: true })).toBe(false);
    expect(onset.appliesTo({ pathway: 'first', adult: false })).toBe(false);
  });

  it('applies on every pathway when it declares none, and always when it has no appliesTo', () => {
    const age = criterion('age', { dependsOn: [], evaluate: () => met('ok') });
    expect(age.pathways).toBeUndefined();
    expect(age.appliesTo({ pathway: 'anything', adult: false })).toBe(true);
  });

  it('refuses pathways when the policy gave no way to read a unit’s pathway', () => {
    const plain = criteriaOf<Ctx, typeof citations>(citations);
    expect(() => plain.criterion('onset', { dependsOn: [], pathways: ['first'], evaluate: () => met('ok') })).toThrow(/criterion onset declares pathways, but criteriaOf was given no pathwayOf/);
  });

  it('answers not documented with how to document it, from the citation', () => {
    expect(notDocumented('onset', 'No pain on record')).toEqual({ status: 'not-documented', summary: 'No pain on record', evidence: [], missing: 'Record the pain with its onset.' });
  });

  it('lets only a criterion whose citation says how to document it answer not documented', () => {
    // @ts-expect-error "age" has no howToDocument: the type already says it cannot be not documented.
    expect(() => notDocumented('age', 'No birth date')).toThrow(/criterion age answered not documented, but its citation has no howToDocument/);
    // Citations widened with Cited keep which ones say how to document.
    const cited = citations as Cited<typeof citations>;
    const widened = criteriaOf<Ctx, typeof cited>(cited);
    expect(widened.notDocumented('onset', 'No pain').missing).toBe('Record the pain with its onset.');
    // @ts-expect-error as above, through Cited.
    expect(() => widened.notDocumented('age', 'No birth date')).toThrow(/no howToDocument/);
  });
});
