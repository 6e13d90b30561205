import type { CodeableConcept, Coding, ServiceRequest } from 'fhir/r4';
import { SYSTEMS, canonicalSystem, conceptText } from '../../../src/fhir/code-systems';
import type { FactRecord } from '../../../src/facts/extract';
import { orderText } from '../../../src/fhir/order-codes';
import { dateOf } from './dates';
import { lateralityOf, levelsOf, regionOfLevel } from './levels';
import { codings, concepts, number, references, string, strings } from './read';
import type { Chart, CodingData, Intent, Modality, NonFacetJoint, OrderInfo, ProcedureCodeInfo, ProcedureKind, Region, ValueSets } from './types';

/** The policy's procedure codes found among codings (CPT only). */
export function procedureCodes(codingList: Coding[], coding: CodingData): ProcedureCodeInfo[] {
  const table = coding.procedures as Record<string, Omit<ProcedureCodeInfo, 'code'>>;
  const found: ProcedureCodeInfo[] = [];
  for (const c of codingList) {
    if (canonicalSystem(c.system) !== SYSTEMS.cpt || typeof c.code !== 'string') continue;
    const info = table[c.code.trim().toUpperCase()];
    if (info && !found.some((f) => f.code === c.code)) found.push({ ...info, code: c.code.trim().toUpperCase() } as ProcedureCodeInfo);
  }
  return found;
}

/** Levels a code line stands for: primary 1; second-level add-on 1 or its quantity; third-plus its quantity, at least 1. */
export function levelsForCodes(codes: ProcedureCodeInfo[], quantity: number | undefined): number {
  const qty = quantity !== undefined && quantity >= 1 ? Math.floor(quantity) : undefined;
  const single = codes.length === 1;
  return codes.reduce((sum, c) => sum + (c.level === 'first' ? 1 : single && qty !== undefined ? qty : 1), 0);
}

export interface OrderReadingContext {
  vs: ValueSets;
  coding: CodingData;
  chart: Chart;
  today: string;
}

/** Reads one in-scope draft order: what procedure, where, how many levels, when, and with what intent. */
export function readOrder(order: ServiceRequest, record: FactRecord, ctx: OrderReadingContext): OrderInfo {
  const { vs, coding } = ctx;
  const codes = procedureCodes(codings(record, 'codings'), coding);
  const bodySites = concepts(record, 'bodySites');
  const details = [...concepts(record, 'orderDetails'), ...concepts(record, 'categories')];
  const reasonConcepts = [...concepts(record, 'reasonCodes'), ...reasonReferenceConcepts(record, ctx.chart)];
  const text = orderText(order);
  const kind = codes.some((c) => c.procedure === 'radiofrequency') ? 'radiofrequency' : codes.some((c) => c.procedure === 'injection') ? 'injection' : 'unlisted';
  const levels = levelsOf(bodySites, coding);
  const occurrence = dateOf(string(record, 'occurrence'));

  const ultrasoundCode = codes.find((c) => c.guidance === 'ultrasound');
  const ultrasoundMention = [...codings(record, 'codings'), ...details.flatMap((d) => d.coding ?? [])].some((c) => vs.ultrasoundGuidance!.matchesCoding(c)) ||
    details.some((d) => vs.ultrasoundGuidance!.matchesText(conceptText(d))) ||
    vs.ultrasoundGuidance!.matchesText([string(record, 'codeText'), ...strings(record, 'notes')].join(' '));
  const guidance = ultrasoundCode || ultrasoundMention ? 'ultrasound' : 'fluoroscopy-ct';
  const guidanceEvidence = ultrasoundCode
    ? `CPT ${ultrasoundCode.code} is an ultrasound-guided facet injection (policy Table 2)`
    : ultrasoundMention
      ? 'the order specifies ultrasound guidance'
      : kind === 'unlisted'
        ? 'no ultrasound guidance on the order (unlisted CPT 64999)'
        : `CPT ${codes.map((c) => c.code).join(', ')} ${codes.length > 1 ? 'include' : 'includes'} fluoroscopic or CT guidance (policy Table 1)`;

  const { region, evidence: regionEvidence } = regionOf(codes, levels, bodySites, reasonConcepts, text, vs);
  const nonFacetJoint = nonFacetJointOf(kind, string(record, 'codeText'), bodySites, vs);
  const { intent, evidence: intentEvidence } = intentOf(details, vs);
  const notRf = reasonConcepts.find((c) => vs.notRfCandidate!.matchesConcept(c));

  return {
    order,
    ref: `ServiceRequest/${order.id}`,
    codes,
    kind,
    guidance,
    guidanceEvidence,
    ...(kind !== 'injection' ? { modality: modalityOf(codes, text, vs) } : {}),
    ...(region ? { region } : {}),
    regionEvidence,
    levels,
    levelsFromCodes: Math.max(1, levelsForCodes(codes, number(record, 'quantity'))),
    laterality: lateralityOf([...bodySites, ...details], vs),
    date: occurrence ?? ctx.today,
    dateFromOrder: occurrence !== undefined,
    ...(intent ? { intent, intentEvidence } : {}),
    mentionsRadiofrequency: vs.radiofrequencyMention!.matchesText(
      [...strings(record, 'notes'), string(record, 'patientInstruction'), ...details.map(conceptText), ...reasonConcepts.map(conceptText)].join(' '),
    ),
    ...(notRf ? { notRfCandidateReason: conceptText(notRf) || notRf.coding?.[0]?.code } : {}),
    reasonConcepts,
    ...(nonFacetJoint ? { nonFacetJoint } : {}),
  };
}

/** Joints that are not facet joints, with what an order naming them under a facet code appears to be. */
const NON_FACET_JOINTS: Array<{ valueSet: string; appearsToBe: (kind: ProcedureKind) => string }> = [
  {
    valueSet: 'sacroiliacJoint',
    appearsToBe: (kind) =>
      kind === 'injection' ? 'a sacroiliac joint injection (usually CPT 27096, or HCPCS G0260)' : 'radiofrequency ablation of the sacroiliac joint nerves (CPT 64625)',
  },
  { valueSet: 'peripheralJoint', appearsToBe: () => 'a procedure on a joint outside the spine' },
];

/**
 * A facet code is not enough to make a facet procedure: an order whose code text or bodySite names another
 * joint (a sacroiliac joint) is not decided as one. Notes are not read: they describe symptoms ("pain
 * radiating to the hip"), the code text and bodySite what is ordered.
 */
export function nonFacetJointOf(kind: ProcedureKind, codeText: string | undefined, bodySites: CodeableConcept[], vs: ValueSets): NonFacetJoint | undefined {
  for (const joint of NON_FACET_JOINTS) {
    const matcher = vs[joint.valueSet]!;
    const site = bodySites.find((c) => matcher.matchesConcept(c));
    const named = site ? `bodySite "${conceptText(site) || site.coding?.[0]?.code}"` : matcher.matchesText(codeText) ? `code text "${codeText}"` : undefined;
    if (named) return { valueSet: joint.valueSet, appearsToBe: joint.appearsToBe(kind), evidence: named };
  }
  return undefined;
}

function reasonReferenceConcepts(record: FactRecord, chart: Chart): CodeableConcept[] {
  return references(record, 'reasonReferences')
    .map((ref) => chart.conditionsByRef.get(ref))
    .filter((c) => c !== undefined)
    .map((c) => ({ coding: c.codings, text: c.text }));
}

/** Pulsed, other non-thermal, or conventional. 64999 is how non-thermal denervation is reported. */
function modalityOf(codes: ProcedureCodeInfo[], text: string, vs: ValueSets): Modality {
  if (vs.pulsedRadiofrequency!.matchesText(text)) return 'pulsed';
  if (vs.nonConventionalDenervation!.matchesText(text)) return 'non-conventional';
  return codes.some((c) => c.procedure === 'radiofrequency') ? 'conventional' : 'non-conventional';
}

interface RegionReading {
  region?: Region;
  evidence: string;
}

/**
 * Lumbar/sacral codes say so. Cervical/thoracic codes (and 64999) need the body site, else a
 * region-specific diagnosis; conflicting or absent evidence leaves the region unknown.
 */
export function regionOf(
  codes: ProcedureCodeInfo[],
  levels: string[],
  bodySites: CodeableConcept[],
  reasons: CodeableConcept[],
  text: string,
  vs: ValueSets,
): RegionReading {
  const possible = new Set<Region>(codes.flatMap((c) => c.regions));
  if (possible.size === 1) {
    const only = [...possible][0]!;
    return { region: only, evidence: `CPT ${codes.map((c) => c.code).join(', ')} ${only === 'lumbar' ? 'is lumbar/sacral' : `is ${only}`}` };
  }
  const fromLevels = new Set(levels.map(regionOfLevel).filter((r) => possible.has(r)));
  if (fromLevels.size > 0) {
    const region = fromLevels.has('thoracic') ? 'thoracic' : [...fromLevels][0]!;
    return { region, evidence: `levels ${levels.join(', ')} in bodySite` };
  }
  const tiers: Array<[string, CodeableConcept[]]> = [
    ['bodySite', bodySites],
    ['the order\'s diagnosis', reasons],
  ];
  if (codes.every((c) => c.procedure === 'unlisted')) tiers.push(['the order text', [{ text }]]);
  for (const [source, list] of tiers) {
    const found = (['cervical', 'thoracic', 'lumbar'] as Region[]).filter(
      (r) => possible.has(r) && list.some((c) => vs[`${r}Region`]!.matchesConcept(c)),
    );
    if (found.length === 1) return { region: found[0]!, evidence: `${found[0]} per ${source}` };
    if (found.length > 1) return { evidence: `${source} names more than one region (${found.join(', ')})` };
  }
  return { evidence: `CPT ${codes.map((c) => c.code).join(', ')} covers ${[...possible].join(' and ')}, and neither bodySite nor a diagnosis says which` };
}

function intentOf(details: CodeableConcept[], vs: ValueSets): { intent?: Intent; evidence?: string } {
  const diagnostic = details.find((d) => vs.diagnosticIntent!.matchesConcept(d));
  const therapeutic = details.find((d) => vs.therapeuticIntent!.matchesConcept(d));
  if (diagnostic && !therapeutic) return { intent: 'diagnostic', evidence: `marked diagnostic (${conceptText(diagnostic) || diagnostic.coding?.[0]?.code})` };
  if (therapeutic && !diagnostic) return { intent: 'therapeutic', evidence: `marked therapeutic (${conceptText(therapeutic) || therapeutic.coding?.[0]?.code})` };
  return {};
}
