import type { CodeableConcept, Coding } from 'fhir/r4';
import type { RequestMemo } from '../memo';

/**
 * The standard chart model: the patient's record as policies read it, one typed list per kind of record,
 * built once per request from the declaration's facts (read.ts). Records dated after the decision date are
 * not evidence of anything: they are kept apart in `later`, so a criterion can say on the card that they
 * were set aside.
 */

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

/** An order on record (not one being decided): planned or ordered procedures. */
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
  /** Coverage.type text, payor names, plan names: read for the program only when no type code says it. */
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
  plannedOrders: ChartPlannedOrder[];
  coverages: ChartCoverage[];
  conditionsByRef: Map<string, ChartCondition>;
  /** The decision date the chart was read on (YYYY-MM-DD). */
  today: string;
  /** Records dated after today: not evidence of anything, kept to say on the card that they were set aside. */
  later: LaterRecords;
  /** The request's memo: what criteria derive from this chart is computed once per request. */
  memo: RequestMemo;
}

/** Chart records dated after the decision date, by kind. */
export interface LaterRecords {
  conditions: ChartCondition[];
  procedures: ChartProcedure[];
  observations: ChartObservation[];
  medications: ChartMedication[];
  imaging: ChartImaging[];
}

/** The kinds of record of the chart model, each read from the fact of the same name unless a policy maps it. */
export type ChartSection = 'conditions' | 'procedures' | 'observations' | 'medications' | 'medicationResources' | 'allergies' | 'devices' | 'imaging' | 'plannedOrders' | 'coverages';
