import codingJson from '../../cds-services/facet-joint-interventions/coding.json';
import { levelsInText, levelsOf, regionOfLevel, rootsInText, sameOrAdjacentLevel, sharedLevels, spinalPositions } from '../../src/kit';

describe('facet levels', () => {
  it.each([
    ['L4-L5', ['L4-L5']],
    ['L4-5', ['L4-L5']],
    ['l5/s1 facet', ['L5-S1']],
    ['Bilateral C5–C6 and C6-C7', ['C5-C6', 'C6-C7']],
    ['L3-L5', ['L3-L4', 'L4-L5']],
    ['T12-L1', ['T12-L1']],
    ['C7 to T1', ['C7-T1']],
  ])('reads "%s"', (text, levels) => {
    expect(levelsInText(text)).toEqual(levels);
  });

  it.each(['L5-L4', 'C8-T1', 'L4', 'T1-L5', 'no levels here'])('ignores "%s"', (text) => {
    expect(levelsInText(text)).toEqual([]);
  });

  it('reads SNOMED facet joint codes before text, and sorts levels anatomically', () => {
    expect(
      levelsOf(
        [{ text: 'L5-S1' }, { coding: [{ system: 'http://snomed.info/sct', code: '1179749007', display: 'facet joint L3-L4' }], text: 'ignored L1-L2' }],
        codingJson,
      ),
    ).toEqual(['L3-L4', 'L5-S1']);
  });

  it('classifies a level by its upper vertebra', () => {
    expect(regionOfLevel('C7-T1')).toBe('cervical');
    expect(regionOfLevel('T12-L1')).toBe('thoracic');
    expect(regionOfLevel('L5-S1')).toBe('lumbar');
  });
});

describe('roots and positions along the spine (cyst and radiculopathy levels)', () => {
  it('reads single vertebrae or roots outside levels', () => {
    expect(rootsInText('Synovial cyst L4-L5 compressing the L5 nerve root')).toEqual(['L5']);
    expect(rootsInText('Left L5 radiculopathy / Radiculopathy, lumbar region')).toEqual(['L5']);
    expect(rootsInText('C6 and C7 radiculopathy')).toEqual(['C6', 'C7']);
    expect(rootsInText('Wedge compression fracture (S32.010A), C79.51')).toEqual([]);
  });

  it('places a level at its joint and a root at the joints above and below it', () => {
    const l4l5 = spinalPositions(['L4-L5'], []);
    const l5root = spinalPositions([], ['L5']);
    expect(l5root).toHaveLength(2);
    expect(sameOrAdjacentLevel(l4l5, l5root)).toBe(true);
    expect(sameOrAdjacentLevel(spinalPositions(['L3-L4'], []), l5root)).toBe(true);
    expect(sameOrAdjacentLevel(spinalPositions(['L1-L2'], []), l5root)).toBe(false);
    expect(sameOrAdjacentLevel(spinalPositions(['C5-C6'], []), l4l5)).toBe(false);
  });

  it('lists shared levels', () => {
    expect(sharedLevels(['L3-L4', 'L4-L5'], ['L4-L5', 'L5-S1'])).toEqual(['L4-L5']);
    expect(sharedLevels(['L2-L3'], ['L4-L5'])).toEqual([]);
  });
});
