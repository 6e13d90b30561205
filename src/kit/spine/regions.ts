import type { CodeableConcept, Coding } from 'fhir/r4';
import type { Evidence } from '../../decision/types';
import type { Chart, ChartCondition, ChartObservation, ChartProcedure } from '../chart/model';
import { conditionEvidence, currentConditions, type ChartReading } from '../conditions';
import type { ValueSets } from '../types';

/** The spinal regions, as CPT groups facet codes (lumbar includes sacral). */
export type Region = 'cervical' | 'thoracic' | 'lumbar';

/**
 * The spinal region a piece of evidence is about, read with the declaration's region value sets
 * (`cervicalRegion`, `thoracicRegion`, `lumbarRegion`: body sites, region-specific diagnoses, region words).
 * Evidence counts for an order when it names the order's region or names none; evidence naming only
 * other regions is set aside, and the card says so.
 */

export const REGIONS: Region[] = ['cervical', 'thoracic', 'lumbar'];

/** How evidence naming `named` regions relates to the order's region. */
export type RegionFit = 'same' | 'unnamed' | 'other';

/** The regions any of the concepts names (codes, or text when the value set has text patterns). */
export function regionsNamed(concepts: CodeableConcept[], vs: ValueSets): Region[] {
  return REGIONS.filter((r) => concepts.some((c) => vs[`${r}Region`]!.matchesConcept(c)));
}

/** A diagnosis's regions: its code and text (M47.812 cervical, "L4-L5"), and its bodySite; read once per request (several criteria ask). */
export function conditionRegions(condition: ChartCondition, chart: Pick<Chart, 'memo'>, vs: ValueSets): Region[] {
  return chart.memo.of('regions:condition', condition, () => regionsNamed([{ coding: condition.codings, text: condition.text }, ...condition.bodySites], vs));
}

/** A procedure's regions (physical therapy for the neck): its bodySite, code text, reasons and referenced diagnoses; read once per request. */
export function procedureRegions(procedure: ChartProcedure, chart: Pick<Chart, 'memo' | 'conditionsByRef'>, vs: ValueSets): Region[] {
  return chart.memo.of('regions:procedure', procedure, () => {
    const reasons = procedure.reasonReferences.map((ref) => chart.conditionsByRef.get(ref)).filter((c): c is ChartCondition => c !== undefined);
    const named = regionsNamed([{ text: procedure.text }, ...procedure.bodySites, ...procedure.reasonConcepts], vs);
    return [...new Set([...named, ...reasons.flatMap((c) => conditionRegions(c, chart, vs))])];
  });
}

/** An observation's regions (a lumbar facet loading test): its code (text and displays) and bodySite. */
export function observationRegions(observation: ChartObservation, vs: ValueSets): Region[] {
  return regionsNamed([{ coding: observation.codings, ...(observation.codeText ? { text: observation.codeText } : {}) }, ...observation.bodySites], vs);
}

/**
 * The regions a spine imaging study images: the whole spine (any region), else the region its code or
 * name gives (`cervicalSpineImaging`… value sets), else a region body site. None when it cannot be told.
 */
export function imagingRegions(codings: Coding[], name: string, vs: ValueSets): Region[] {
  if (codings.some((c) => vs.wholeSpineImaging!.matchesCoding(c)) || vs.wholeSpineImaging!.matchesText(name)) return [...REGIONS];
  const byStudy = REGIONS.filter((r) => {
    const matcher = vs[`${r}SpineImaging`]!;
    return codings.some((c) => matcher.matchesCoding(c)) || matcher.matchesText(name);
  });
  return byStudy.length > 0 ? byStudy : regionsNamed([{ coding: codings }], vs);
}

/** Whether evidence naming `named` counts for an order of `region` (an order whose region is unknown takes any). */
export function regionFit(named: Region[], region: Region | undefined): RegionFit {
  if (named.length === 0) return 'unnamed';
  return region === undefined || named.includes(region) ? 'same' : 'other';
}

/** Splits evidence into what counts for the order's region and what names only other regions. */
export function byRegion<T>(items: T[], regionsOf: (item: T) => Region[], region: Region | undefined): { counted: T[]; elsewhere: Array<{ item: T; regions: Region[] }> } {
  const counted: T[] = [];
  const elsewhere: Array<{ item: T; regions: Region[] }> = [];
  for (const item of items) {
    const regions = regionsOf(item);
    if (regionFit(regions, region) === 'other') elsewhere.push({ item, regions });
    else counted.push(item);
  }
  return { counted, elsewhere };
}

/** A brief line for evidence set aside because it is about another spinal region. */
export function otherRegionEvidence(text: string, reference: string | undefined, regions: Region[], region: Region | undefined): Evidence {
  return {
    text: `set aside, ${regions.join('/')} region${region ? ` (this order is ${region})` : ''}: ${text}`,
    ...(reference ? { reference } : {}),
    setAside: 'another region',
  };
}

/** A chart read for one procedure, whose region decides which evidence counts. */
export interface RegionReading extends ChartReading {
  unit: { region?: Region };
}

/**
 * Current diagnoses of a value set that count for the procedure: of its region, or naming none (M54.9). Those
 * naming only another region (a cervical radiculopathy for a lumbar block) come back as set-aside lines.
 */
export function regionConditions(ctx: RegionReading, valueSet: string): { counted: ChartCondition[]; elsewhere: Evidence[] } {
  const counted: ChartCondition[] = [];
  const elsewhere: Evidence[] = [];
  for (const c of currentConditions(ctx, valueSet)) {
    const regions = conditionRegions(c, ctx.chart, ctx.vs);
    if (regionFit(regions, ctx.unit.region) === 'other') elsewhere.push(otherRegionEvidence(conditionEvidence(c).text, c.ref, regions, ctx.unit.region));
    else counted.push(c);
  }
  return { counted, elsewhere };
}

/** Current pain diagnoses for the procedure's region: neck pain for a cervical procedure, back pain for a lumbar one; one naming no region counts for any. */
export function regionPainDiagnoses(ctx: RegionReading): ChartCondition[] {
  return currentConditions(ctx, 'painConditions').filter((c) => regionFit(conditionRegions(c, ctx.chart, ctx.vs), ctx.unit.region) !== 'other');
}
