import type { Evidence } from '../../decision/types';
import type { ChartCondition } from '../chart/model';
import { conditionEvidence, conditionMatches } from '../conditions';
import { quote, sentencesOf } from '../report-words';
import { levelsInText, levelsOf, rootsInText, sameOrAdjacentLevel, spinalPositions, type LevelCodes } from './levels';
import { conditionRegions, otherRegionEvidence, regionFit, type RegionReading } from './regions';

/** A chart read for one spinal procedure, with the declaration's level codes. */
export interface SpineReading extends RegionReading {
  coding: LevelCodes;
}

/** The value sets cysts and radiculopathies are read with. */
export const CYST_VALUE_SETS = ['facetSynovialCyst', 'otherDorsopathy', 'radiculopathy'];

/**
 * The facet joint synovial cyst as the cause of a radiculopathy (CP.MP.171 I.A.1.c and its physical-therapy
 * note; LCD C3): a cyst can cause the radicular pain only in the same region, and at the same or an
 * adjacent level when both are charted.
 */

/** Every current facet synovial cyst: a cyst code, an "other dorsopathy" M53.8x whose text says cyst, or a spine imaging report's words (read once per request). */
function allCysts(ctx: SpineReading): ChartCondition[] {
  return ctx.chart.memo.once('spine:cysts', () => readCysts(ctx));
}

function readCysts(ctx: SpineReading): ChartCondition[] {
  const { vs } = ctx;
  const diagnosed = ctx.chart.conditions.filter(
    (c) =>
      c.current &&
      (conditionMatches(c, vs.facetSynovialCyst!) || (c.codings.some((x) => vs.otherDorsopathy!.matchesCoding(x)) && vs.facetSynovialCyst!.matchesText(c.text))),
  );
  return [...diagnosed, ...reportedCysts(ctx)];
}

/**
 * A cyst named only in the words of a spine imaging report ("Right L4-L5 facet joint synovial cyst compressing
 * the traversing right L5 nerve root"), read negation-aware sentence by sentence ("no synovial cyst" names
 * none): a report's words are evidence without a code. Each sentence is read as a diagnosis whose text is the
 * sentence, so its region and levels come from the report's name and the sentence, as a diagnosis's do.
 */
function reportedCysts(ctx: SpineReading): ChartCondition[] {
  const { vs } = ctx;
  return ctx.chart.imaging.flatMap((report) =>
    sentencesOf(report.reportTexts)
      .filter((sentence) => vs.facetSynovialCyst!.matchesText(sentence))
      .map((sentence) => ({
        ref: report.ref,
        codings: [],
        text: `synovial cyst in the report of ${report.name}: "${quote(sentence)}"`,
        current: true,
        ...(report.date ? { recorded: report.date, recordedLast: report.date } : {}),
        bodySites: [],
        severity: [],
      })),
  );
}

/** Current facet synovial cysts of the order's region (or naming none). */
export function facetSynovialCysts(ctx: SpineReading): ChartCondition[] {
  return allCysts(ctx).filter((c) => regionFit(conditionRegions(c, ctx.chart, ctx.vs), ctx.unit.region) !== 'other');
}

/** Cysts of another region, as set-aside lines. */
export function cystsElsewhere(ctx: SpineReading): Evidence[] {
  return allCysts(ctx).flatMap((c) => {
    const regions = conditionRegions(c, ctx.chart, ctx.vs);
    return regionFit(regions, ctx.unit.region) === 'other' ? [otherRegionEvidence(conditionEvidence(c).text, c.ref, regions, ctx.unit.region)] : [];
  });
}

/** Where along the spine a diagnosis sits: its levels (bodySite, "L4-L5") or roots ("L5 radiculopathy"). */
export function conditionPositions(c: ChartCondition, ctx: SpineReading): number[] {
  return spinalPositions([...levelsOf(c.bodySites, ctx.coding), ...levelsInText(c.text)], rootsInText(c.text));
}

export interface CystLink {
  cyst: ChartCondition;
  /** false when the levels of the cyst or of the radiculopathy are not charted (compared by region only). */
  levelsCompared: boolean;
}

/** A cyst that can cause the radiculopathy, and the cysts that cannot (another region, a level too far). */
export function cystCausing(radiculopathy: ChartCondition, cysts: ChartCondition[], ctx: SpineReading): { link?: CystLink; rejected: Evidence[] } {
  const radicRegions = conditionRegions(radiculopathy, ctx.chart, ctx.vs);
  const radicAt = conditionPositions(radiculopathy, ctx);
  const rejected: Evidence[] = [];
  const links: CystLink[] = [];
  for (const cyst of cysts) {
    const cystRegions = conditionRegions(cyst, ctx.chart, ctx.vs);
    if (cystRegions.length > 0 && radicRegions.length > 0 && !cystRegions.some((r) => radicRegions.includes(r))) {
      rejected.push({ text: `set aside, ${cystRegions.join('/')} cyst cannot cause a ${radicRegions.join('/')} radiculopathy: ${conditionEvidence(cyst).text}`, reference: cyst.ref, setAside: 'another region' });
      continue;
    }
    const cystAt = conditionPositions(cyst, ctx);
    if (cystAt.length > 0 && radicAt.length > 0) {
      if (sameOrAdjacentLevel(cystAt, radicAt)) links.push({ cyst, levelsCompared: true });
      else rejected.push({ text: `set aside, not at the same or an adjacent level as the radiculopathy: ${conditionEvidence(cyst).text}`, reference: cyst.ref, setAside: 'another level' });
      continue;
    }
    links.push({ cyst, levelsCompared: false });
  }
  return { ...(links.length > 0 ? { link: links.find((l) => l.levelsCompared) ?? links[0] } : {}), rejected };
}

export function linkEvidence(radiculopathy: ChartCondition, link: CystLink): Evidence[] {
  return [
    conditionEvidence(radiculopathy),
    {
      text: `${conditionEvidence(link.cyst).text}: ${link.levelsCompared ? 'same or adjacent level' : 'levels not both charted, compared by region only'}`,
      reference: link.cyst.ref,
    },
  ];
}

/** Current radiculopathies of the order's region (or naming none). */
export function regionRadiculopathies(ctx: SpineReading): ChartCondition[] {
  return ctx.chart.conditions.filter((c) => c.current && conditionMatches(c, ctx.vs.radiculopathy!) && regionFit(conditionRegions(c, ctx.chart, ctx.vs), ctx.unit.region) !== 'other');
}

