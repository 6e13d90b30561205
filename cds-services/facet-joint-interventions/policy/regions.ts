import type { CodeableConcept, Coding } from 'fhir/r4';
import type { Evidence } from '../../../src/decision/types';
import type { ChartCondition, ChartObservation, ChartProcedure, Region, ValueSets } from './types';

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

/** Region readings of diagnoses, kept per request's chart records (several criteria ask about the same diagnosis). */
const conditionRegionCache = new WeakMap<ValueSets, WeakMap<ChartCondition, Region[]>>();

/** A diagnosis's regions: its code and text (M47.812 cervical, "L4-L5"), and its bodySite. */
export function conditionRegions(condition: ChartCondition, vs: ValueSets): Region[] {
  let cache = conditionRegionCache.get(vs);
  if (!cache) conditionRegionCache.set(vs, (cache = new WeakMap()));
  let regions = cache.get(condition);
  if (!regions) cache.set(condition, (regions = regionsNamed([{ coding: condition.codings, text: condition.text }, ...condition.bodySites], vs)));
  return regions;
}

const procedureRegionCache = new WeakMap<ValueSets, WeakMap<ChartProcedure, Region[]>>();

/** A procedure's regions (physical therapy for the neck): its bodySite, code text, reasons and referenced diagnoses. */
export function procedureRegions(procedure: ChartProcedure, vs: ValueSets, conditionsByRef: Map<string, ChartCondition>): Region[] {
  let cache = procedureRegionCache.get(vs);
  if (!cache) procedureRegionCache.set(vs, (cache = new WeakMap()));
  let regions = cache.get(procedure);
  if (!regions) cache.set(procedure, (regions = readProcedureRegions(procedure, vs, conditionsByRef)));
  return regions;
}

function readProcedureRegions(procedure: ChartProcedure, vs: ValueSets, conditionsByRef: Map<string, ChartCondition>): Region[] {
  const reasons = procedure.reasonReferences.map((ref) => conditionsByRef.get(ref)).filter((c): c is ChartCondition => c !== undefined);
  const named = regionsNamed([{ text: procedure.text }, ...procedure.bodySites, ...procedure.reasonConcepts], vs);
  return [...new Set([...named, ...reasons.flatMap((c) => conditionRegions(c, vs))])];
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
