import fs from 'node:fs';
import path from 'node:path';
import { DATA_PROFILE, profileTargets, renderDataProfile, renderProfile } from '../../scripts/generate-data-profile';
import { loadServices } from '../../src/declarations/load';

describe('docs/data-profile.md', () => {
  const text = fs.readFileSync(DATA_PROFILE, 'utf8');

  it('lists the code sets and thresholds the service actually uses (regenerate with npm run docs:generate)', () => {
    expect(text).toBe(renderDataProfile(text));
  });

  it('documents every prefetch key and every criterion section of the declaration', () => {
    const service = loadServices().find((s) => s.id === 'facet-joint-interventions')!;
    for (const key of Object.keys(service.definition.service.prefetch)) expect(text).toContain(`| ${key} |`);
    for (const criterion of service.definition.policy.criteria) {
      const sections = criterion.section.split(';')[0]!.trim();
      expect({ id: criterion.id, documented: text.toLowerCase().includes(sections.toLowerCase()) }).toEqual({ id: criterion.id, documented: true });
    }
  });
});

describe('every policy a service decides with has its data profile (docs/<profile>.md)', () => {
  const targets = profileTargets();

  it('the facet service has two: CP.MP.171 and the Medicare LCD', () => {
    expect(targets.map((t) => [t.policy.id, path.basename(t.file)])).toEqual([
      ['facet-joint-interventions', 'data-profile.md'],
      ['lcd-l38841-facet-joint-interventions', 'lcd-l38841-data-profile.md'],
    ]);
  });

  it.each(targets.map((t) => [path.basename(t.file), t] as const))('%s is current (regenerate with npm run docs:generate)', (_name, target) => {
    const current = fs.readFileSync(target.file, 'utf8');
    expect(current).toBe(renderProfile(target, current));
  });

  describe('docs/lcd-l38841-data-profile.md', () => {
    const lcd = targets.find((t) => t.policy.id === 'lcd-l38841-facet-joint-interventions')!;
    const text = fs.readFileSync(lcd.file, 'utf8');

    it('describes every rule of the LCD notes, and lists each criterion with its rule, source and verification', () => {
      for (const rule of ['C1', 'C2', 'C3', 'C4', 'C5', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'T1', 'T2', 'T3', 'T4', 'T5', 'R1', 'R2', 'R3', 'R4', 'S1', 'S2', 'S3', 'S4', 'S5', 'N1', 'N2', 'N3', 'N4', 'N5', 'A1', 'A2', 'X1', 'DOC1', 'DOC2', 'DOC3', 'DOC4']) {
        expect({ rule, described: new RegExp(`\\*\\*[^*]*\\b${rule}\\b[^*]*\\*\\*`).test(text) }).toEqual({ rule, described: true });
      }
      for (const criterion of lcd.policy.module.criteria) {
        const citation = lcd.policy.citations[criterion.id]!;
        expect(text).toContain(`| ${citation.section} | \`${criterion.id}\``);
      }
    });

    it('answers every open question of the notes (§6) in its Interpretations', () => {
      const interpretations = text.slice(text.indexOf('## Interpretations'), text.indexOf('## What the service answers'));
      for (let q = 1; q <= 10; q++) expect(interpretations).toContain(`**Q${q} —`);
    });

    it('says how the chart tells an intra-articular injection from a medial branch block', () => {
      expect(text).toContain('### Medial branch block or intra-articular injection');
      expect(text).toContain('`medial-branch-block`');
      expect(text).toContain('`intra-articular`');
    });

    it('lists its own value sets and names those it reads of the service, which it does not copy', () => {
      for (const name of lcd.policy.data.ownValueSets) expect(text).toContain(`### \`${name}\`:`);
      const shared = text.slice(text.indexOf('### Shared with CP.MP.171'));
      for (const name of ['radiculopathy', 'facetSynovialCyst', 'painConditions', 'physicalTherapy']) expect(shared).toContain(`\`${name}\``);
    });
  });
});
