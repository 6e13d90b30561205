import fs from 'node:fs';
import { DATA_PROFILE, renderDataProfile } from '../../scripts/generate-data-profile';
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
