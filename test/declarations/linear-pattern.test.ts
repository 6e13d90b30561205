import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SERVICES_DIR, readDeclarations } from '../../src/declarations/load';
import { checkLinearPattern } from '../../src/declarations/linear-pattern';
import type { ValueSetJson } from '../../src/declarations/types';
import { adversarialTexts, searchSteps } from '../helpers/backtracking-steps';
import { regexLiterals } from '../helpers/regex-literals';

/**
 * Text matching costs time linear in the text (issue 12). A pattern the check accepts is run by a
 * backtracking search whose work, counted step by step in a model of the engine, grows in proportion to
 * the text on texts built to make it work hard; a pattern it refuses is one whose work grows faster.
 * Work is counted, never timed.
 */

/** How much the counted work grows when the text is 4× longer: 4 is linear, 16 quadratic. */
function worstGrowth(source: string, flags: string, stopAbove = Infinity): { growth: number; text: string } {
  let worst = { growth: 0, text: '' };
  for (const make of adversarialTexts(source, flags)) {
    const short = searchSteps(source, flags, make(300), 1_000_000);
    if (short.exhausted) return { growth: Infinity, text: make(24) };
    const long = searchSteps(source, flags, make(1200), 5_000_000);
    const growth = long.exhausted ? Infinity : long.steps / Math.max(short.steps, 1);
    if (growth > worst.growth) worst = { growth, text: make(24) };
    if (growth > stopAbove) break;
  }
  return worst;
}

const SUPER_LINEAR: Array<[string, string, RegExp]> = [
  // The two patterns of the unlisted-procedure description before issue 12: quadratic on "facet facet facet…".
  ['(facet|medial branch|zygapophys|z-joint)[\\s\\S]*(denervat|neurotom|ablat|radiofrequency|\\bRFA\\b|\\bPRF\\b|rhizotom|neurolys)', 'i', /unbounded "\[\\s\\S\]\*".*an unbounded wildcard between groups/],
  ['(denervat|neurotom|ablat|radiofrequency|\\bRFA\\b|\\bPRF\\b|rhizotom|neurolys)[\\s\\S]*(facet|medial branch|zygapophys|z-joint)', 'i', /unbounded "\[\\s\\S\]\*"/],
  ['(MRI|\\bCT\\b|x-?ray)[\\s\\S]*(spine|lumbar)', 'i', /unbounded "\[\\s\\S\]\*"/],
  ['zygapophys[a-z]* (joint )?(pain|syndrome|arthropathy)', 'i', /unbounded "\[a-z\]\*"/],
  ['a+b', '', /unbounded "a\+"/],
  ['\\/+$', '', /unbounded "\\\/\+"/],
  ['[\\s,;:(—-]+$', '', /unbounded/],
  ['\\s*\\s*x', '', /is followed by "\\s\*", which can match the same characters/],
  ['^a*[ab]*c', '', /is followed by "\[ab\]\*"/],
  ['(a+)+$', '', /nested quantifiers \(\(a\+\)\+\)/],
  ['(\\w+\\s?)+$', '', /nested quantifiers/],
  ['(a|aa)*b', '', /alternatives under an unbounded quantifier/],
  ['(\\w|\\d)*!', '', /alternatives under an unbounded quantifier/],
];

const LINEAR: Array<[string, string]> = [
  ['facet|medial branch|zygapophys|z-joint', 'i'],
  ['denervat|neurotom|ablat|radiofrequency|\\bRFA\\b|\\bPRF\\b|rhizotom|neurolys', 'i'],
  ['zygapophys[a-z]{0,12} (joint )?(pain|syndrome|arthropathy)', 'i'],
  ['^\\s*diagnostic( (block|injection|intent|medial branch block|facet (joint )?(block|injection)))?\\s*$', 'i'],
  ['\\s+', 'g'],
  ['^Bearer +([A-Za-z0-9_\\-.]+)\\s*$', 'i'],
  ['(?:^|\\/)([A-Z][A-Za-z]+)\\/([A-Za-z0-9\\-.]{1,64})$', ''],
  [';\\s*charset\\s*=\\s*([^;\\s]+)', 'i'],
  ['^127(\\.\\d{1,3}){3}$', ''],
];

describe('checkLinearPattern', () => {
  it.each(SUPER_LINEAR)('refuses %s, saying why', (source, flags, reason) => {
    const verdict = checkLinearPattern(source, flags);
    expect(verdict.linear).toBe(false);
    expect(verdict.linear ? '' : verdict.reason).toMatch(reason);
  });

  it.each(SUPER_LINEAR)('(what it refuses does super-linear work: %s)', (source, flags) => {
    expect(worstGrowth(source, flags, 10).growth).toBeGreaterThan(10);
  });

  it.each(LINEAR)('accepts %s, which does linear work', (source, flags) => {
    expect(checkLinearPattern(source, flags)).toEqual({ linear: true });
    expect(worstGrowth(source, flags).growth).toBeLessThanOrEqual(6);
  });

  it('refuses what it cannot reason about: lookaround and backreferences', () => {
    expect(checkLinearPattern('(?=a)a', '')).toEqual({ linear: false, reason: expect.stringMatching(/lookaround/) });
    expect(checkLinearPattern('(a)\\1', '')).toEqual({ linear: false, reason: expect.stringMatching(/backreference/) });
    expect(checkLinearPattern('(', '')).toEqual({ linear: false, reason: expect.stringMatching(/not a valid regular expression/) });
  });
});

/** Every declaration folder (services and policy folders) under these folders, by folder name, with its own value sets. */
function declarationFolders(...dirs: string[]): Array<{ folder: string; valueSets: Record<string, ValueSetJson> }> {
  return dirs.flatMap((dir) => {
    const { services, policies } = readDeclarations(dir);
    return [
      ...services.map((d) => ({ folder: `${path.basename(dir)}/${d.service.id}`, valueSets: d.valueSets })),
      ...Object.values(policies).map((d) => ({ folder: `${path.basename(dir)}/${d.declaration.id}`, valueSets: d.valueSets })),
    ];
  });
}

const FIXTURE_POLICIES = path.resolve(__dirname, '../fixtures/policies');

describe('every regular expression the service runs is linear', () => {
  const folders = declarationFolders(DEFAULT_SERVICES_DIR, FIXTURE_POLICIES);
  const declared = folders.flatMap(({ folder, valueSets }) =>
    Object.entries(valueSets).flatMap(([name, vs]) =>
      (vs.textPatterns ?? []).flatMap((entry) => (typeof entry === 'string' ? [entry] : entry)).map((source) => ({ where: `${folder} value set ${name}`, source, flags: 'i' })),
    ),
  );
  const written = regexLiterals(['src', 'cds-services', 'test/fixtures/policies']);

  it('reads every declaration folder under cds-services/ (services and the policies they apply) and the fixture policies', () => {
    const onDisk = fs.readdirSync(DEFAULT_SERVICES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(path.join(DEFAULT_SERVICES_DIR, d.name, 'index.ts'))).map((d) => `cds-services/${d.name}`);
    expect(onDisk).toEqual(expect.arrayContaining(['cds-services/facet-joint-interventions', 'cds-services/lcd-l38841-facet-joint-interventions']));
    expect(folders.map((f) => f.folder)).toEqual(expect.arrayContaining([...onDisk, 'policies/fixture-imaging', 'policies/fixture-imaging-medicare']));
    for (const folder of ['cds-services/facet-joint-interventions', 'cds-services/lcd-l38841-facet-joint-interventions', 'policies/fixture-imaging']) {
      expect({ folder, patterns: declared.some((d) => d.where.startsWith(`${folder} `)) }).toEqual({ folder, patterns: true });
    }
  });

  it('finds the regexes written in src/ (the engine and the kit) and cds-services/', () => {
    expect(written.length).toBeGreaterThan(50);
    expect(written.some((r) => r.where.startsWith('src/kit/negation.ts'))).toBe(true);
    expect(written.some((r) => r.where.startsWith('src/kit/'))).toBe(true);
    // The policy folders' TypeScript (cds-services/*/policy) is scanned too; today its matching is all in the kit.
  });

  it('passes the check: every declaration text pattern, every regex literal in src/ and cds-services/', () => {
    const refused = [...declared, ...written]
      .map((r) => ({ ...r, verdict: checkLinearPattern(r.source, r.flags) }))
      .filter((r) => !r.verdict.linear)
      .map((r) => `${r.where}: /${r.source}/${r.flags}: ${r.verdict.linear ? '' : r.verdict.reason}`);
    expect(refused).toEqual([]);
  });

  it('does linear work on texts built to make it work hard (counted)', () => {
    const superLinear = [...declared, ...written]
      .map((r) => ({ ...r, ...worstGrowth(r.source, r.flags) }))
      .filter((r) => r.growth > 6)
      .map((r) => `${r.where}: /${r.source}/${r.flags}: work ×${r.growth.toFixed(1)} for 4× the text (${JSON.stringify(r.text)}…)`);
    expect(superLinear).toEqual([]);
  }, 60_000);
});
