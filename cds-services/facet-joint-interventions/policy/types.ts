import type { CodeableConcept } from 'fhir/r4';
import type { Chart, FunctionalScale, OrderInfo, PriorSession, ProcedureOfVisit, ReliefSettings, SpineSuggestionCoding, ValueSets } from '../../../src/kit';

export type Pathway = 'diagnostic' | 'therapeutic' | 'initial-radiofrequency' | 'repeat-radiofrequency';

/** thresholds.json: every number the policy uses, so a payer variant is a new declaration. */
export interface Thresholds extends ReliefSettings {
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
  /** 0-10 pain score at which pain is moderate (moderate to severe radicular pain, note under I.A.1.b.i). */
  moderatePainScore: number;
  /** Where the moderate pain cut-point comes from. */
  moderatePainScoreSource?: string;
  functionalScales: FunctionalScale[];
}

/** coding.json: the procedure code table and the codes alternatives are built with. */
export interface FacetCoding extends SpineSuggestionCoding {
  physicalTherapyReferral: { code: CodeableConcept };
}

/** One procedure of the request, read, with its pathway under CP.MP.171. */
export interface UnitInfo extends ProcedureOfVisit {
  pathway: Pathway;
  pathwayEvidence: string;
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
  coding: FacetCoding;
}
