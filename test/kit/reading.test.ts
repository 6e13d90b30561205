import { attachmentText, splitByDate } from '../../src/kit';
import { imagingRegions, regionFit } from '../../src/kit';
import { reportFindings, sentencesOf } from '../../src/kit';
import { siteMatch, newLevels } from '../../src/kit';
import { afterProcedure, beforeProcedure, evidenceCutoff } from '../../src/kit';
import type { ChartObservation, PriorSession } from '../../src/kit';
import { loadServices } from '../../src/declarations/load';
import { CPT } from '../helpers/builders';

const vs = loadServices().find((s) => s.id === 'facet-joint-interventions')!.valueSets;

const score = (effective: string) => ({ effective, date: effective.slice(0, 10) }) as ChartObservation;

describe('the timeline', () => {
  const block = { date: '2026-10-01', start: '2026-10-01T09:00:00Z' };

  it('reads a baseline strictly before the procedure: by the clock when both have a time, else on an earlier day', () => {
    expect(beforeProcedure(score('2026-10-01T08:30:00Z'), block)).toBe(true);
    expect(beforeProcedure(score('2026-10-01T09:00:00Z'), block)).toBe(false);
    expect(beforeProcedure(score('2026-10-01T10:00:00Z'), block)).toBe(false);
    expect(beforeProcedure(score('2026-10-01'), block)).toBe(false); // same day, no time: cannot be told
    expect(beforeProcedure(score('2026-09-30'), block)).toBe(true);
    expect(beforeProcedure(score('2026-10-01T08:30:00Z'), { date: '2026-10-01' })).toBe(false);
  });

  it('reads a post-procedure score strictly after it', () => {
    expect(afterProcedure(score('2026-10-01T10:00:00Z'), block)).toBe(true);
    expect(afterProcedure(score('2026-10-01'), block)).toBe(false);
    expect(afterProcedure(score('2026-10-02'), block)).toBe(true);
  });

  it('takes evidence up to the decision date, or the order date when that is earlier', () => {
    expect(evidenceCutoff('2026-11-26', '2026-12-03')).toBe('2026-11-26');
    expect(evidenceCutoff('2026-11-26', '2026-10-01')).toBe('2026-10-01');
  });

  it('sets aside records dated after today; undated ones stay', () => {
    const { by, after } = splitByDate([{ d: '2026-11-26' }, { d: '2026-11-27' }, { d: undefined }], (r) => r.d, '2026-11-26');
    expect(by.map((r) => r.d)).toEqual(['2026-11-26', undefined]);
    expect(after.map((r) => r.d)).toEqual(['2026-11-27']);
  });
});

describe('imaging studies and report words', () => {
  it('reads a study\'s region from its code, name or whole-spine wording', () => {
    expect(imagingRegions([{ system: CPT, code: '72148' }], 'MRI', vs)).toEqual(['lumbar']);
    expect(imagingRegions([{ system: CPT, code: '72141' }], 'MRI', vs)).toEqual(['cervical']);
    expect(imagingRegions([{ system: CPT, code: '72080' }], '', vs)).toEqual(['thoracic', 'lumbar']);
    expect(imagingRegions([], 'MRI entire spine with and without contrast', vs)).toEqual(['cervical', 'thoracic', 'lumbar']);
    expect(imagingRegions([], 'MRI spine', vs)).toEqual([]);
    expect(regionFit([], 'lumbar')).toBe('unnamed');
    expect(regionFit(['cervical'], 'lumbar')).toBe('other');
    expect(regionFit(['cervical'], undefined)).toBe('same');
  });

  it('reads each sentence negation-aware, with the regions it names', () => {
    const findings = reportFindings(['Old healed T8 compression fracture. No fracture at L4. Pars defect with fracture at L5.'], ['fractureReportText'], vs);
    expect(findings.map((f) => [f.quote, f.negated, f.regions])).toEqual([
      ['Old healed T8 compression fracture', false, ['thoracic']],
      ['No fracture at L4', true, []],
      ['Pars defect with fracture at L5', false, ['lumbar']],
    ]);
    expect(sentencesOf(['One.  Two;three\nfour', ''])).toEqual(['One', 'Two', 'three', 'four']);
  });

  it('reads a plain-text presentedForm (already cut to the per-field bound by the facts: test/facts/text-bound.test.ts)', () => {
    expect(attachmentText({ contentType: 'text/plain', data: Buffer.from('L1 burst fracture').toString('base64') })).toBe('L1 burst fracture');
    expect(attachmentText({ contentType: 'application/pdf', data: 'JVBERi0=' })).toBeUndefined();
    expect(attachmentText({ contentType: 'text/html', data: Buffer.from('<p>No <b>fracture</b></p>').toString('base64') })).toMatch(/No\s+fracture/);
  });

  it('reads HTML tags as spaces in one pass, as /<[^>]*>/g would, a "<" never closed kept', () => {
    const html = (text: string) => attachmentText({ contentType: 'text/html; charset=utf-8', data: Buffer.from(text).toString('base64') });
    for (const text of ['a<b c<d>e', '<p>L1 <i>burst</i> fracture</p>', 'x < 3 and no tag', '<<<>>>', 'a<b', '']) {
      expect(html(text)).toBe(text.replace(/<[^>]*>/g, ' '));
    }
    // A run of "<" with no ">": the regex scans to the end from each (quadratic); one pass does not need to.
    expect(html('<'.repeat(50_000))).toBe('<'.repeat(50_000));
  });
});

describe('the same site', () => {
  it('compares joint levels, and says when they cannot be compared', () => {
    expect(siteMatch(['L4-L5'], ['L4-L5', 'L5-S1'])).toBe('same');
    expect(siteMatch(['L2-L3'], ['L4-L5'])).toBe('other');
    expect(siteMatch([], ['L4-L5'])).toBe('uncharted');
    const rf = (levels: string[]) => ({ levels }) as PriorSession;
    expect(newLevels([rf(['L4-L5'])], ['L4-L5', 'L5-S1'])).toEqual(['L5-S1']);
    expect(newLevels([rf([])], ['L4-L5', 'L5-S1'])).toEqual([]);
  });
});
