import type { CodeableConcept, Coding, ServiceRequest } from 'fhir/r4';
import type { FactRecord } from '../../facts/extract';
import { SYSTEMS, canonicalSystem, conceptLabel, conceptText } from '../../fhir/code-systems';
import { orderText } from '../../fhir/order-codes';
import type { Chart } from '../chart/model';
import { dateOf } from '../dates';
import { factFields } from '../fields';
import type { ValueSets } from '../types';
import { lateralityOf, levelsOf, regionOfLevel, type Laterality, type LevelCodes } from './levels';
import type { Region } from './regions';

/**
 * Spinal procedure orders (facet injections, medial branch blocks, neurotomies) read through the
 * declaration's procedure code table (coding.json `procedures`): what is ordered, where, how many levels,
 * when, with what guidance, technique and intent.
 */

export type ProcedureKind = 'injection' | 'radiofrequency' | 'unlisted';
export type Guidance = 'fluoroscopy-ct' | 'ultrasound';
export type Modality = 'conventional' | 'pulsed' | 'non-conventional';
export type Intent = 'diagnostic' | 'therapeutic';
export type LevelRole = 'first' | 'second' | 'third-plus';
/** Where an injection goes, when the record says: the medial branch nerves (a block) or into the joint. */
export type Target = 'medial-branch' | 'intra-articular';

/** One procedure code of the table. */
export interface ProcedureCodeInfo {
  code: string;
  procedure: ProcedureKind;
  regions: Region[];
  level: LevelRole;
  guidance: Guidance;
  display: string;
}

/** One row of the declaration's procedure code table, as written in coding.json (checked at start-up: checkSpineCoding). */
export interface ProcedureCodeEntry {
  procedure: string;
  regions: string[];
  level: string;
  guidance: string;
  display: string;
}

/** The declaration's procedure code table (coding.json), as the spine module reads it. */
export interface SpineCoding extends LevelCodes {
  procedures: Record<string, ProcedureCodeEntry>;
}

const KINDS: ProcedureKind[] = ['injection', 'radiofrequency', 'unlisted'];
const ROLES: LevelRole[] = ['first', 'second', 'third-plus'];
const GUIDANCE: Guidance[] = ['fluoroscopy-ct', 'ultrasound'];
const REGION_NAMES: Region[] = ['cervical', 'thoracic', 'lumbar'];

/** What is wrong with a declaration's procedure code table (empty when nothing): the loader stops start-up on it. */
export function checkSpineCoding(coding: unknown): string[] {
  const table = (coding as Partial<SpineCoding> | undefined)?.procedures;
  if (!table || typeof table !== 'object') return ['coding.procedures: the procedure code table is missing'];
  const problems: string[] = [];
  for (const [code, entry] of Object.entries(table)) {
    const at = `coding.procedures.${code}`;
    if (!KINDS.includes(entry?.procedure as ProcedureKind)) problems.push(`${at}.procedure must be one of ${KINDS.join(', ')}`);
    if (!Array.isArray(entry?.regions) || entry.regions.length === 0 || !entry.regions.every((r) => REGION_NAMES.includes(r as Region))) problems.push(`${at}.regions must list regions among ${REGION_NAMES.join(', ')}`);
    if (!ROLES.includes(entry?.level as LevelRole)) problems.push(`${at}.level must be one of ${ROLES.join(', ')}`);
    if (!GUIDANCE.includes(entry?.guidance as Guidance)) problems.push(`${at}.guidance must be one of ${GUIDANCE.join(', ')}`);
    if (typeof entry?.display !== 'string' || entry.display === '') problems.push(`${at}.display is required`);
  }
  if (!(coding as Partial<SpineCoding>).facetJointLevels || typeof (coding as Partial<SpineCoding>).facetJointLevels !== 'object') problems.push('coding.facetJointLevels: the table of body-site codes naming a facet level is missing');
  return problems;
}

/** What an order coded as a facet procedure appears to be, when it names another joint. */
export interface NonFacetJoint {
  /** The value set that named it (sacroiliacJoint, peripheralJoint). */
  valueSet: string;
  /** "a sacroiliac joint injection (usually CPT 27096 or HCPCS G0260)". */
  appearsToBe: string;
  /** Where the order says so ("bodySite \"Left sacroiliac joint\""). */
  evidence: string;
}

export interface OrderInfo {
  order: ServiceRequest;
  ref: string;
  codes: ProcedureCodeInfo[];
  kind: ProcedureKind;
  guidance: Guidance;
  guidanceEvidence: string;
  modality?: Modality;
  region?: Region;
  regionEvidence: string;
  /** Distinct facet levels from bodySite ("L4-L5"), anatomical order; empty when not charted. */
  levels: string[];
  /** Levels counted from the codes (primary 1, add-ons 1 or their quantity, third-plus its quantity). */
  levelsFromCodes: number;
  laterality: Laterality;
  /** YYYY-MM-DD: occurrence[x], else the decision date. */
  date: string;
  dateFromOrder: boolean;
  intent?: Intent;
  intentEvidence?: string;
  /** Medial branch block or intra-articular injection, when the order says (declarations with target value sets). */
  target?: Target;
  targetEvidence?: string;
  /** The order mentions radiofrequency neurotomy (reason, note, detail). */
  mentionsRadiofrequency: boolean;
  /** The order names radiofrequency neurotomy only to negate it ("radiofrequency ablation is not being considered"). */
  deniesRadiofrequency: boolean;
  /** A coded reason on the order why radiofrequency is not an option. */
  notRfCandidateReason?: string;
  reasonConcepts: CodeableConcept[];
  /** The order's code text or bodySite names a joint that is not a facet joint (e.g. the sacroiliac joint). */
  nonFacetJoint?: NonFacetJoint;
  /** Characters of each of its text fields that were read (limits.maxTextCharsPerField): suggestions read no more. */
  maxTextChars: number;
}

/** The draft-order fields an order is read from (facts.json `draftOrders`). */
export const ORDER_FIELDS = factFields('draftOrders', [
  'codings',
  'codeText',
  'bodySites',
  'orderDetails',
  'categories',
  'quantity',
  'occurrence',
  'reasonCodes',
  'reasonReferences',
  'notes',
  'patientInstruction',
]);

/** The value sets an order is read with; a declaration using the spine module declares them (checked at start-up). */
export const ORDER_VALUE_SETS = [
  'ultrasoundGuidance',
  'radiofrequencyMention',
  'notRfCandidate',
  'pulsedRadiofrequency',
  'nonConventionalDenervation',
  'sacroiliacJoint',
  'peripheralJoint',
  'diagnosticIntent',
  'therapeuticIntent',
  'bilateral',
  'leftSide',
  'rightSide',
  'cervicalRegion',
  'thoracicRegion',
  'lumbarRegion',
];

/** Read when the declaration has them: how the chart says an injection is a medial branch block or intra-articular. */
export const TARGET_VALUE_SETS = { 'medial-branch': 'medialBranchTarget', 'intra-articular': 'intraArticularTarget' } as const;

/** The policy's procedure codes found among codings (CPT only). */
export function procedureCodes(codingList: Coding[], coding: SpineCoding): ProcedureCodeInfo[] {
  const table = coding.procedures;
  const found: ProcedureCodeInfo[] = [];
  for (const c of codingList) {
    if (canonicalSystem(c.system) !== SYSTEMS.cpt || typeof c.code !== 'string') continue;
    const info = table[c.code.trim().toUpperCase()];
    // The table's values were checked at start-up (checkSpineCoding).
    if (info && !found.some((f) => f.code === c.code)) found.push({ ...(info as Omit<ProcedureCodeInfo, 'code'>), code: c.code.trim().toUpperCase() });
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
  coding: SpineCoding;
  chart: Chart;
  today: string;
  /** Where the policy says which codes carry which guidance, cited in the reading ("policy Table 1"). */
  guidanceCited?: GuidanceCited;
  /** Characters of each text field read (the service's limits.maxTextCharsPerField), as the facts read them. */
  maxTextChars: number;
}

/** The policy's own reference for fluoroscopic/CT codes and for ultrasound-guided codes. */
export interface GuidanceCited {
  fluoroscopy: string;
  ultrasound: string;
}

/** Reads one in-scope draft order: what procedure, where, how many levels, when, and with what intent. */
export function readOrder(order: ServiceRequest, record: FactRecord, ctx: OrderReadingContext): OrderInfo {
  const { vs, coding } = ctx;
  const f = ORDER_FIELDS;
  const codes = procedureCodes(f.codings(record, 'codings'), coding);
  const bodySites = f.concepts(record, 'bodySites');
  const details = [...f.concepts(record, 'orderDetails'), ...f.concepts(record, 'categories')];
  const reasonConcepts = [...f.concepts(record, 'reasonCodes'), ...reasonReferenceConcepts(f.references(record, 'reasonReferences'), ctx.chart)];
  // The order's words as its fact record reads them: each part cut to the per-field bound (the cut is said on the card).
  const text = orderText(order, ctx.maxTextChars);
  const kind = codes.some((c) => c.procedure === 'radiofrequency') ? 'radiofrequency' : codes.some((c) => c.procedure === 'injection') ? 'injection' : 'unlisted';
  const levels = levelsOf(bodySites, coding);
  const occurrence = dateOf(f.string(record, 'occurrence'));

  const ultrasoundCode = codes.find((c) => c.guidance === 'ultrasound');
  const ultrasoundMention = [...f.codings(record, 'codings'), ...details.flatMap((d) => d.coding ?? [])].some((c) => vs.ultrasoundGuidance!.matchesCoding(c)) ||
    details.some((d) => vs.ultrasoundGuidance!.matchesText(conceptText(d))) ||
    vs.ultrasoundGuidance!.matchesText([f.string(record, 'codeText'), ...f.strings(record, 'notes')].join(' '));
  const guidance = ultrasoundCode || ultrasoundMention ? 'ultrasound' : 'fluoroscopy-ct';
  const cited = (which: keyof GuidanceCited) => (ctx.guidanceCited ? ` (${ctx.guidanceCited[which]})` : '');
  const guidanceEvidence = ultrasoundCode
    ? `CPT ${ultrasoundCode.code} is an ultrasound-guided facet injection${cited('ultrasound')}`
    : ultrasoundMention
      ? 'the order specifies ultrasound guidance'
      : kind === 'unlisted'
        ? 'no ultrasound guidance on the order (unlisted CPT 64999)'
        : `CPT ${codes.map((c) => c.code).join(', ')} ${codes.length > 1 ? 'include' : 'includes'} fluoroscopic or CT guidance${cited('fluoroscopy')}`;

  const { region, evidence: regionEvidence } = regionOf(codes, levels, bodySites, reasonConcepts, text, vs);
  const nonFacetJoint = nonFacetJointOf(kind, f.string(record, 'codeText'), bodySites, vs);
  const { intent, evidence: intentEvidence } = intentOf(details, vs);
  const notRf = reasonConcepts.find((c) => vs.notRfCandidate!.matchesConcept(c));
  const target = targetOf([...details, ...bodySites, { text: [f.string(record, 'codeText'), ...f.strings(record, 'notes')].join(' ') }], vs);

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
    levelsFromCodes: Math.max(1, levelsForCodes(codes, f.number(record, 'quantity'))),
    laterality: lateralityOf([...bodySites, ...details], vs),
    date: occurrence ?? ctx.today,
    dateFromOrder: occurrence !== undefined,
    ...(intent ? { intent, intentEvidence } : {}),
    ...(target ? { target: target.target, targetEvidence: target.evidence } : {}),
    ...radiofrequencyMention(
      // One line per field: a negation in one note does not reach into the next.
      [...f.strings(record, 'notes'), f.string(record, 'patientInstruction'), ...details.map(conceptText), ...reasonConcepts.map(conceptText)].join('\n'),
      vs,
    ),
    ...(notRf ? { notRfCandidateReason: conceptLabel(notRf) } : {}),
    reasonConcepts,
    ...(nonFacetJoint ? { nonFacetJoint } : {}),
    maxTextChars: ctx.maxTextChars,
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
    const named = site ? `site "${conceptLabel(site)}" on the order` : matcher.matchesText(codeText) ? `code text "${codeText}"` : undefined;
    if (named) return { valueSet: joint.valueSet, appearsToBe: joint.appearsToBe(kind), evidence: named };
  }
  return undefined;
}

/** Whether the order's words say radiofrequency neurotomy is being considered, or name it only to negate it. */
function radiofrequencyMention(text: string, vs: ValueSets): Pick<OrderInfo, 'mentionsRadiofrequency' | 'deniesRadiofrequency'> {
  const mentions = vs.radiofrequencyMention!.matchesText(text);
  return { mentionsRadiofrequency: mentions, deniesRadiofrequency: !mentions && vs.radiofrequencyMention!.mentionsText(text) };
}

function reasonReferenceConcepts(references: string[], chart: Chart): CodeableConcept[] {
  return references
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
    return { region, evidence: `levels ${levels.join(', ')} on the order` };
  }
  const tiers: Array<[string, CodeableConcept[]]> = [
    ['the order\'s site', bodySites],
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
  return { evidence: `CPT ${codes.map((c) => c.code).join(', ')} covers ${[...possible].join(' and ')}, and neither the levels nor a diagnosis on the order says which` };
}

function intentOf(details: CodeableConcept[], vs: ValueSets): { intent?: Intent; evidence?: string } {
  const diagnostic = details.find((d) => vs.diagnosticIntent!.matchesConcept(d));
  const therapeutic = details.find((d) => vs.therapeuticIntent!.matchesConcept(d));
  if (diagnostic && !therapeutic) return { intent: 'diagnostic', evidence: `marked diagnostic (${conceptLabel(diagnostic)})` };
  if (therapeutic && !diagnostic) return { intent: 'therapeutic', evidence: `marked therapeutic (${conceptLabel(therapeutic)})` };
  return {};
}

/** A facet order of the request that this call does not decide (order-select's unselected draft orders). */
export interface SessionFacetOrder {
  ref: string;
  date: string;
  kind: ProcedureKind;
  region?: Region;
  /** The regions its codes allow (for an order whose region is not charted). */
  codeRegions: Region[];
  /** "Facet joint injection, cervical/thoracic, single level (64490)", for evidence. */
  label: string;
}

/**
 * The request's facet orders not decided in this call, read from their fact records for the visit: date,
 * kind, region. order-select decides only the selected orders, but the others are still procedures of their
 * date. An unlisted 64999 outside scope is not a facet procedure and is left out.
 */
export function sessionFacetOrders(drafts: FactRecord[], decided: OrderInfo[], ctx: { vs: ValueSets; coding: SpineCoding; today: string }): SessionFacetOrder[] {
  const f = ORDER_FIELDS;
  const decidedRefs = new Set(decided.map((o) => o.ref));
  return drafts.flatMap((record) => {
    if (decidedRefs.has(record.ref) || record.ref.includes('/#')) return [];
    const codes = procedureCodes(f.codings(record, 'codings'), ctx.coding);
    if (codes.length === 0 || codes.every((c) => c.procedure === 'unlisted')) return [];
    const bodySites = f.concepts(record, 'bodySites');
    const levels = levelsOf(bodySites, ctx.coding);
    const { region } = regionOf(codes, levels, bodySites, f.concepts(record, 'reasonCodes'), '', ctx.vs);
    const kind: ProcedureKind = codes.some((c) => c.procedure === 'radiofrequency') ? 'radiofrequency' : 'injection';
    const display = f.codings(record, 'codings').find((c) => codes.some((x) => x.code === c.code))?.display;
    return [{
      ref: record.ref,
      date: dateOf(f.string(record, 'occurrence')) ?? ctx.today,
      kind,
      ...(region ? { region } : {}),
      codeRegions: [...new Set(codes.flatMap((c) => c.regions))],
      label: `${display ?? `${kind === 'radiofrequency' ? 'Radiofrequency neurotomy' : 'Facet joint injection'}`} (CPT ${codes.map((c) => c.code).join(', ')})`,
    }];
  });
}

/** A session order that is a line of this procedure (same date and kind; its region, or one its codes allow). */
export function isLineOf(order: SessionFacetOrder, unit: { date: string; kind: ProcedureKind; region?: Region }): boolean {
  if (order.date !== unit.date || order.kind !== unit.kind) return false;
  return order.region !== undefined ? order.region === unit.region : unit.region === undefined || order.codeRegions.includes(unit.region);
}

/**
 * A medial branch block or an intra-articular injection, as the order (or a procedure on record) says in a
 * detail, body site, category or its words, with the declaration's target value sets when it has them.
 * Both or neither named: not told (undefined).
 */
export function targetOf(concepts: CodeableConcept[], vs: ValueSets): { target: Target; evidence: string } | undefined {
  const found = (Object.entries(TARGET_VALUE_SETS) as Array<[Target, string]>).flatMap(([target, name]) => {
    const matcher = vs[name];
    const concept = matcher ? concepts.find((c) => matcher.matchesConcept(c)) : undefined;
    return concept ? [{ target, evidence: conceptLabel(concept) || name }] : [];
  });
  return found.length === 1 ? found[0] : undefined;
}
