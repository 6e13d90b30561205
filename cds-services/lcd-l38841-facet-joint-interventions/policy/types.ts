import type { FactRecord, FactSet } from '../../../src/facts/extract';
import type { Chart, FunctionalScale, OrderInfo, PriorSession, ProcedureOfVisit, ReliefSettings, SessionFacetOrder, SpineHistory, SpineSuggestionCoding, ValueSets } from '../../../src/kit';

/** What an order is under the LCD: a diagnostic block (IA or MBB), a therapeutic (IA) injection, or an ablation. */
export type LcdPathway = 'diagnostic' | 'therapeutic' | 'initial-radiofrequency' | 'repeat-radiofrequency';

/** The LCD's regions follow CPT (S5): cervical/thoracic is one region, lumbar/sacral the other. */
export type CptRegion = 'cervical/thoracic' | 'lumbar/sacral';

/** thresholds.json: every number the LCD's rules use. */
export interface LcdThresholds extends ReliefSettings {
  painDurationMonths: number;
  moderatePainScore: number;
  moderatePainScoreSource: string;
  severityLookbackMonths: number;
  diagnosticReliefPercent: number;
  diagnosticMinDaysApart: number;
  rollingWindowMonths: number;
  maxDiagnosticSessions: number;
  usualDiagnosticSessions: number;
  maxTherapeuticSessions: number;
  maxRadiofrequencySessions: number;
  therapeuticReliefPercent: number;
  therapeuticReliefMonths: number;
  therapeuticFunctionImprovementPercent: number;
  repeatRadiofrequencyReliefPercent: number;
  repeatRadiofrequencyReliefMonths: number;
  repeatRadiofrequencyFunctionImprovementPercent: number;
  repeatDiagnosticsAfterMonths: number;
  maxInjectionLevelsPerSession: number;
  /** C4: a curve of at least this Cobb angle is a significant deformity (SRS-Schwab's major coronal curve). */
  significantDeformityCobbDegrees: number;
  significantDeformityCobbSource: string;
  functionalScales: FunctionalScale[];
}

/** One procedure of the request, read, with what it is under the LCD. */
export interface LcdUnit extends ProcedureOfVisit {
  pathway: LcdPathway;
  pathwayEvidence: string;
  /** Its CPT region (undefined only for an unlisted 64999 whose region cannot be told). */
  cptRegion?: CptRegion;
  /** The third-level add-on lines of an injection session over the level cap (S3), decided apart from its first lines. */
  beyondLevelCap?: true;
}

/** The facet procedures on record in the order's CPT region before it, as the LCD counts them (diagnostic blocks IA or MBB, therapeutic IA injections, thermal ablations). */
export type LcdHistory = SpineHistory;

/** Everything an LCD criterion may read. */
export interface LcdContext {
  /** YYYY-MM-DD: the decision date. */
  today: string;
  unit: LcdUnit;
  /** Every procedure of the request (one region per session, S1). */
  units: LcdUnit[];
  chart: Chart;
  history: LcdHistory;
  /** Facet procedures on the chart for a visit (done, in progress or in preparation). */
  visitSessions: PriorSession[];
  /** Every draft order of the request, read (anesthesia, other blocks the same day). */
  drafts: FactRecord[];
  /** The request's facts (fields the chart model does not read, such as a score charted as a range). */
  facts: FactSet;
  /** The in-scope orders of the request. */
  sessionOrders: OrderInfo[];
  /** The request's facet orders this call does not decide (order-select's unselected ones), for the session (S1). */
  undecided: SessionFacetOrder[];
  t: LcdThresholds;
  vs: ValueSets;
  coding: SpineSuggestionCoding;
}
