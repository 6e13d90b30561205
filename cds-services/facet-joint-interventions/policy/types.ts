import type { CodeableConcept, Coding, ServiceRequest } from 'fhir/r4';
import type { Evidence } from '../../../src/decision/types';
import type { ValueSetMatcher } from '../../../src/declarations/value-sets';
import type codingJson from '../coding.json';

export type Region = 'cervical' | 'thoracic' | 'lumbar';
export type ProcedureKind = 'injection' | 'radiofrequency' | 'unlisted';
export type Guidance = 'fluoroscopy-ct' | 'ultrasound';
export type Modality = 'conventional' | 'pulsed' | 'non-conventional';
export type Intent = 'diagnostic' | 'therapeutic';
export type Laterality = 'bilateral' | 'left' | 'right' | 'unspecified';
export type Pathway = 'diagnostic' | 'therapeutic' | 'initial-radiofrequency' | 'repeat-radiofrequency';
export type LevelRole = 'first' | 'second' | 'third-plus';

export type CodingData = typeof codingJson;
export type ValueSets = Record<string, ValueSetMatcher>;

export interface FunctionalScale {
  valueSet: string;
  label: string;
  higherIsWorse: boolean;
  /** The score at which pain interferes with ADLs (at or above, or at or below when higher is better). */
  interferesAt: number;
  unit: string;
  /** The spinal region the scale measures (Oswestry low back, NDI neck), or `any` for a region-neutral scale. */
  region: Region | 'any';
  /** Minimal clinically important difference, in the scale's points: a smaller change is not improvement. */
  mcid: number;
  /** Where the MCID comes from. */
  mcidSource: string;
}

/** thresholds.json: every number the policy uses, so a payer variant is a new declaration. */
export interface Thresholds {
  painDurationMonths: number;
  conservativeTherapyLookbackMonths: number;
  physicalTherapyMinDays: number;
  nsaidMinDays: number;
  functionalScaleLookbackMonths: number;
  diagnosticReliefPercent: number;
  secondBlockMinDays: number;
  maxDiagnosticBlocks: number;
  maxLevelsPerSession: number;
  repeatRadiofrequencyMinMonths: number;
  repeatRadiofrequencyReliefPercent: number;
  repeatRadiofrequencyReliefMonths: number;
  therapeuticReliefPercent: number;
  therapeuticReliefMonths: number;
  therapeuticFunctionImprovementPercent: number;
  postBlockWindowHours: number;
  baselineLookbackDays: number;
  /** 0-10 pain score at which pain is moderate (moderate to severe radicular pain, note under I.A.1.b.i). */
  moderatePainScore: number;
  /** Where the moderate pain cut-point comes from. */
  moderatePainScoreSource?: string;
  functionalScales: FunctionalScale[];
}

/** One procedure code of the policy's tables, from coding.json. */
export interface ProcedureCodeInfo {
  code: string;
  procedure: ProcedureKind;
  regions: Region[];
  level: LevelRole;
  guidance: Guidance;
  display: string;
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
  /** The order mentions radiofrequency neurotomy (reason, note, detail). */
  mentionsRadiofrequency: boolean;
  /** A coded reason on the order why radiofrequency is not an option. */
  notRfCandidateReason?: string;
  reasonConcepts: CodeableConcept[];
  /** The order's code text or bodySite names a joint that is not a facet joint (e.g. the sacroiliac joint). */
  nonFacetJoint?: NonFacetJoint;
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

export interface ChartCondition {
  ref: string;
  codings: Coding[];
  text: string;
  /** Counts as a current diagnosis: clinical status active/recurrence/relapse (or none) and not refuted or entered in error. */
  current: boolean;
  onset?: string;
  recorded?: string;
  /** The last day a partial onset or recorded date may mean ("2025-06": 2025-06-30); the same day when full. */
  onsetLast?: string;
  recordedLast?: string;
  bodySites: CodeableConcept[];
  /** Condition.severity (mild, moderate, severe). */
  severity: CodeableConcept[];
}

export interface ChartProcedure {
  ref: string;
  codings: Coding[];
  text: string;
  status: string;
  /** Raw performed start (date or dateTime). */
  start?: string;
  end?: string;
  date?: string;
  bodySites: CodeableConcept[];
  categories: CodeableConcept[];
  statusReasons: CodeableConcept[];
  notes: string[];
  reasonConcepts: CodeableConcept[];
  /** Conditions it was done for ("Condition/id"). */
  reasonReferences: string[];
  /** The orders it fulfils ("ServiceRequest/id"). */
  basedOn: string[];
}

export interface ChartObservation {
  ref: string;
  codings: Coding[];
  status: string;
  effective?: string;
  date?: string;
  value?: number;
  unit?: string;
  concept?: CodeableConcept;
  boolean?: boolean;
  string?: string;
  interpretation: CodeableConcept[];
  partOf: string[];
  /** `code.text` as charted (e.g. "Lumbar facet loading test"), when there is one. */
  codeText?: string;
  bodySites: CodeableConcept[];
}

export interface ChartMedication {
  ref: string;
  kind: 'MedicationRequest' | 'MedicationStatement' | 'MedicationDispense';
  name: string;
  status: string;
  statusReasons: CodeableConcept[];
  start?: string;
  end?: string;
  /** Days of therapy, when the record says. */
  days?: number;
  /** A statement that the patient is still taking it (no end). */
  ongoing: boolean;
}

export interface ChartAllergy {
  ref: string;
  name: string;
  current: boolean;
  type?: string;
}

export interface ChartDevice {
  ref: string;
  name: string;
  active: boolean;
}

export interface ChartImaging {
  ref: string;
  codings: Coding[];
  name: string;
  date?: string;
  conclusion?: string;
  conclusionConcepts: CodeableConcept[];
  /** The report's words: its conclusion, its text presentedForm (decoded) and the study description. */
  reportTexts: string[];
}

export interface ChartPlannedOrder {
  ref: string;
  status: string;
  intent: string;
  codes: string[];
}

export interface ChartCoverage {
  ref: string;
  status: string;
  typeCodings: Coding[];
  names: string[];
  periodStart?: string;
  periodEnd?: string;
}

export interface Chart {
  conditions: ChartCondition[];
  procedures: ChartProcedure[];
  observations: ChartObservation[];
  medications: ChartMedication[];
  allergies: ChartAllergy[];
  devices: ChartDevice[];
  imaging: ChartImaging[];
  plannedRadiofrequency: ChartPlannedOrder[];
  coverages: ChartCoverage[];
  conditionsByRef: Map<string, ChartCondition>;
  /** The decision date the chart was read on (YYYY-MM-DD). */
  today: string;
  /** Records dated after today: not evidence of anything, kept to say on the card that they were set aside. */
  later: LaterRecords;
}

/** Chart records dated after the decision date, by kind. */
export interface LaterRecords {
  conditions: ChartCondition[];
  procedures: ChartProcedure[];
  observations: ChartObservation[];
  medications: ChartMedication[];
  imaging: ChartImaging[];
}

export interface Relief {
  percent?: number;
  evidence: Evidence[];
  /** Why relief could not be computed (for not-documented results). */
  problem?: string;
}

/** A facet procedure on record, sessions merged (same date, kind and region). */
export interface PriorSession {
  refs: string[];
  /** The orders its procedures fulfil. */
  basedOn: string[];
  date: string;
  /** Earliest performed dateTime with a time of day, when charted. */
  start?: string;
  kind: ProcedureKind;
  modality: Modality;
  region?: Region;
  regionAssumed: boolean;
  levels: string[];
  levelCount: number;
  laterality: Laterality;
  intent?: Intent;
  intentExplicit: boolean;
  relief?: Relief;
  label: string;
}

export interface UnitInfo {
  orders: OrderInfo[];
  kind: ProcedureKind;
  guidance: Guidance;
  guidanceEvidence: string;
  modality?: Modality;
  region?: Region;
  regionEvidence: string;
  levelCount: number;
  levelNames: string[];
  levelEvidence: string;
  laterality: Laterality;
  date: string;
  dateFromOrder: boolean;
  /** Diagnostic or therapeutic as marked on the order(s); absent when the pathway is inferred from history. */
  intent?: Intent;
  intentEvidence?: string;
  pathway: Pathway;
  pathwayEvidence: string;
  /** Other procedures on the same date (this session's orders or the record), each naming its resource. */
  sameVisit: Evidence[];
  /** Draft orders of this request (outside this policy's scope) for other invasive pain procedures that day. */
  otherOrdersSameDay: string[];
  /** Set when the orders name a joint that is not a facet joint: the unit is not decided as a facet procedure. */
  nonFacetJoint?: NonFacetJoint;
}

export interface RegionHistory {
  diagnosticBlocks: PriorSession[];
  therapeuticInjections: PriorSession[];
  radiofrequency: PriorSession[];
}

/** Everything a criterion may read: the unit, the chart, the history and the declaration's data. */
export interface FacetContext {
  /** YYYY-MM-DD: the decision date. */
  today: string;
  unit: UnitInfo;
  chart: Chart;
  history: RegionHistory;
  /** In-scope orders of the whole session (an RF order signed with a block shows RF is considered). */
  sessionOrders: OrderInfo[];
  t: Thresholds;
  vs: ValueSets;
  coding: CodingData;
}
