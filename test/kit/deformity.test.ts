import { cobbAngles } from '../../src/kit';
import { COBB_PATTERNS } from '../../src/kit/spine/deformity';
import { checkLinearPattern } from '../../src/declarations/linear-pattern';

describe('Cobb angles read from words (src/kit/spine/deformity.ts)', () => {
  it.each([
    ['Severe degenerative lumbar scoliosis (Cobb 38 degrees)', [38]],
    ['Cobb angle 38 degrees, apex L2', [38]],
    ['Cobb angle of 38°', [38]],
    ['Cobb angle: 22.5°', [22.5]],
    ['a 42-degree curve of the lumbar spine', [42]],
    ['40° scoliosis', [40]],
  ])('reads %s', (text, angles) => expect(cobbAngles(text)).toEqual(angles));

  it.each(['Pain on 30 degrees of extension', 'Lumbar lordosis 38 degrees', 'Cobb angle not measured', 'scoliosis, 2 levels'])('reads no Cobb angle in: %s', (text) =>
    expect(cobbAngles(text)).toEqual([]),
  );

  it('uses linear patterns only', () => {
    for (const p of COBB_PATTERNS) expect({ p: p.source, verdict: checkLinearPattern(p.source, 'i') }).toEqual({ p: p.source, verdict: { linear: true } });
  });
});
