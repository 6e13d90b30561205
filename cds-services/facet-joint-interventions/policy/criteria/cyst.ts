import type { Evidence, Finding } from '../../../../src/decision/types';
import { conditionEvidence, cystCausing, daysBetween, evidenceCutoff, facetSynovialCysts, linkEvidence, painScores, regionRadiculopathies, scoreEvidence, sentencesNamingAll, type ChartCondition, type CystLink } from '../../../../src/kit';
import type { FacetContext } from '../types';
import { adlInterference } from './pain';

/**
 * The note under I.A.1.b.i: physical therapy is not necessary with a facet joint synovial cyst causing nerve
 * root compression with moderate to severe radicular pain and associated functional limitations.
 */

type FindingStatus = Finding['status'];

export interface WaiverPart {
  part: string;
  status: FindingStatus;
  /** What the record shows for this part, or what is missing. */
  detail: string;
  evidence: Evidence[];
}

export interface CystWaiver {
  status: FindingStatus;
  parts: WaiverPart[];
  evidence: Evidence[];
}

/**
 * The note under I.A.1.b.i, part by part: "a facet joint synovial cyst / causing nerve root compression /
 * with moderate to severe radicular pain / and associated functional limitations". Undefined when no cyst
 * of the order's region is on record. Not met when the record contradicts a part, not documented when a
 * part is missing.
 */
export function cystWaiver(ctx: FacetContext): CystWaiver | undefined {
  const cysts = facetSynovialCysts(ctx);
  if (cysts.length === 0) return undefined;
  const { vs, t, chart, unit } = ctx;
  const parts: WaiverPart[] = [{ part: 'facet joint synovial cyst', status: 'met', detail: 'on record', evidence: cysts.map(conditionEvidence) }];

  const compressing = cysts.filter((c) => vs.nerveRootCompression!.matchesText(c.text));
  const reportSentences = chart.imaging
    .filter((i) => (i.date ?? '') <= unit.date)
    .flatMap((i) => sentencesNamingAll(i.reportTexts, ['facetSynovialCyst', 'nerveRootCompression'], vs).map((s) => ({ text: `${i.name}${i.date ? ` on ${i.date}` : ''}: "${s}"`, reference: i.ref })));
  parts.push(
    compressing.length > 0 || reportSentences.length > 0
      ? { part: 'causing nerve root compression', status: 'met', detail: 'charted', evidence: [...compressing.map((c) => ({ text: `${c.text}`, reference: c.ref })), ...reportSentences] }
      : { part: 'causing nerve root compression', status: 'not-documented', detail: 'nerve root compression by the cyst is not charted (on the cyst diagnosis or in an imaging report)', evidence: [] },
  );

  const radicular = regionRadiculopathies(ctx).flatMap((r) => {
    const { link } = cystCausing(r, cysts, ctx);
    return link ? [{ radiculopathy: r, link }] : [];
  });
  parts.push(radicularPainPart(ctx, radicular));

  const adl = adlInterference(ctx);
  parts.push({
    part: 'associated functional limitations',
    status: adl.interferes === true ? 'met' : adl.interferes === false ? 'not-met' : 'not-documented',
    detail: adl.finding.summary,
    evidence: (adl.finding.evidence ?? []).filter((e) => !e.setAside),
  });

  const status: FindingStatus = parts.some((p) => p.status === 'not-met') ? 'not-met' : parts.some((p) => p.status === 'not-documented') ? 'not-documented' : 'met';
  return { status, parts, evidence: parts.flatMap((p) => p.evidence) };

  function radicularPainPart(c: FacetContext, linked: Array<{ radiculopathy: ChartCondition; link: CystLink }>): WaiverPart {
    const part = 'moderate to severe radicular pain';
    if (linked.length === 0) return { part, status: 'not-documented', detail: 'no radiculopathy on record that this cyst can cause', evidence: [] };
    const evidence = linked.flatMap((l) => linkEvidence(l.radiculopathy, l.link));
    const graded = linked.find((l) => l.radiculopathy.severity.some((s) => vs.moderateToSevere!.matchesConcept(s)) || vs.moderateToSevere!.matchesText(l.radiculopathy.text));
    if (graded) return { part, status: 'met', detail: 'radiculopathy charted as moderate or severe', evidence };
    const until = evidenceCutoff(c.today, unit.date);
    const latest = painScores(chart, vs)
      .filter((o) => o.date! <= until && daysBetween(o.date!, until) <= t.baselineLookbackDays)
      .at(-1);
    if (!latest) return { part, status: 'not-documented', detail: `radicular pain severity not charted (a 0-10 pain score in the ${t.baselineLookbackDays} days before ${until}, or the radiculopathy's severity)`, evidence };
    const moderate = latest.value! >= t.moderatePainScore;
    return {
      part,
      status: moderate ? 'met' : 'not-met',
      detail: `pain ${latest.value}/10 on ${latest.date} is ${moderate ? 'moderate to severe' : 'mild'} (moderate from ${t.moderatePainScore})`,
      evidence: [...evidence, scoreEvidence(latest, 'pain')],
    };
  }
}

/** "moderate to severe radicular pain (not documented: …)" for a summary. */
export function waiverGaps(waiver: CystWaiver, status: FindingStatus): string {
  return waiver.parts
    .filter((p) => p.status === status)
    .map((p) => `${p.part} (${p.detail})`)
    .join('; ');
}

