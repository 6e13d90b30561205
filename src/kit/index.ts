/**
 * The policy kit: what policies under cds-services/ are written with, so that a second policy is a new
 * folder of data and criteria, not a copy of the first one's helpers. This is its one public entry point.
 *
 * - dates and intervals: calendar arithmetic, days of therapy and of supply, sessions in a rolling window
 * - the chart model: the patient's record read from the declaration's facts, field names checked at start-up
 * - reading as a reviewer does: the timeline (set aside what is dated after today), diagnoses, report words
 * - scores, relief and sustained relief, functional change against the scale's MCID
 * - coverage and programs (Medicare, Medicaid, commercial)
 * - the criterion factory and findings; suggestion builders
 * - spine (optional): levels, regions and laterality, spinal procedure orders, sessions on record, units,
 *   the same site, the visit, and the alternatives built from a spinal code table
 */

export type { ValueSets } from './types';
export { RequestMemo } from './memo';

// Dates and intervals
export { addDays, addMonths, dateOf, daysBetween, instantOf, lastDateOf, maxDate, minDate } from './dates';
export { courseEnd, coveredDays, inclusiveDays, plausibleDays, rollingCount, supplyDays, therapyDays, therapyEnd } from './intervals';
export type { Course, Duration, Interval, RollingCount, TherapySession } from './intervals';

// The chart model
export { FactFields, allText, describe, factFields } from './fields';
export { CHART_FIELDS, CHART_SECTIONS, ChartModel, readCoverage, splitByDate, type ChartModelOptions } from './chart/read';
export { attachmentText } from './chart/attachments';
export type {
  Chart,
  ChartAllergy,
  ChartCondition,
  ChartCoverage,
  ChartDevice,
  ChartImaging,
  ChartMedication,
  ChartObservation,
  ChartPlannedOrder,
  ChartProcedure,
  ChartSection,
  LaterRecords,
} from './chart/model';

// Reading as a reviewer does
export { afterProcedure, beforeProcedure, evidenceCutoff, laterEvidence, type ProcedureTime } from './timeline';
export { conditionEvidence, conditionMatches, currentConditions, laterConditions, type ChartReading } from './conditions';
export { QUOTE_LENGTH, quote, reportFindings, sentencesNamingAll, sentencesOf, type ReportFinding } from './report-words';
export { isNegated, negationWindows } from './negation';

// Scores and relief
export { byTime, codeOf, functionalScores, improvementPercent, improvementPoints, painScores, round, scaleFits, scaleOf, scoreEvidence, scoresIn, type FunctionalScale } from './scores';
export { blockRelief, functionalChange, functionalChangeDuringRelief, sustainedPainRelief, type FunctionalChange, type Relief, type ReliefSettings, type SustainedRelief, type TreatedSession } from './relief';

// Coverage and programs
export { MEDICARE_PLAN_VALUE_SETS, PROGRAM_VALUE_SETS, activeCoverage, coverageOfResource, defaultCoverage, isCoverageActive, programsOf, type MedicarePlan, type ProgramReading } from './coverage';

// Criteria and suggestions
export { citedTitle, criteriaOf, limitedVerification, met, notMet, plural, setAsideNote, type Cited, type CriteriaOptions, type CriterionFactory, type CriterionSpec, type Documentable } from './criterion';
export { cancelOrder, markFirstRecommended, partOfTheFix, scheduleOnFirstEligibleDate, updateOrder, withOccurrence, type SuggestedOrder } from './suggestions';

// Spine (optional)
export {
  busiestSideCount,
  lateralityOf,
  levelsInText,
  levelsOf,
  regionOfLevel,
  rootsInText,
  sameOrAdjacentLevel,
  sharedLevels,
  sortLevels,
  spinalPositions,
  type Laterality,
  type LevelCodes,
} from './spine/levels';
export {
  REGIONS,
  byRegion,
  conditionRegions,
  imagingRegions,
  observationRegions,
  otherRegionEvidence,
  procedureRegions,
  regionConditions,
  regionFit,
  regionPainDiagnoses,
  regionsNamed,
  type Region,
  type RegionFit,
  type RegionReading,
} from './spine/regions';
export {
  ORDER_FIELDS,
  ORDER_VALUE_SETS,
  TARGET_VALUE_SETS,
  checkSpineCoding,
  levelsForCodes,
  nonFacetJointOf,
  procedureCodes,
  isLineOf,
  readOrder,
  regionOf,
  sessionFacetOrders,
  targetOf,
  type Guidance,
  type GuidanceCited,
  type Intent,
  type LevelRole,
  type Modality,
  type NonFacetJoint,
  type OrderInfo,
  type OrderReadingContext,
  type ProcedureCodeEntry,
  type ProcedureCodeInfo,
  type ProcedureKind,
  type SessionFacetOrder,
  type SpineCoding,
  type Target,
} from './spine/orders';
export { SESSION_KIND_LABEL, SESSION_VALUE_SETS, facetSessions, sessionText, type HistoryContext, type PriorSession } from './spine/sessions';
export { sortSessions, type SortSessionsOptions, type SpineHistory } from './spine/history';
export { atOtherSites, atSameSite, newLevels, siteEvidence, siteMatch, type SiteMatch, type SiteSession } from './spine/sites';
export { VISIT_VALUE_SETS, otherPainOrders, proceduresForVisits, sameVisit, type VisitProcedure } from './spine/visit';
export {
  FACET_JOINT_TARGET,
  facetJointFinding,
  groupIntoProcedures,
  procedureUnit,
  readSpinalProcedures,
  readSpinalRequest,
  unitCodes,
  unitLabel,
  unitReadAs,
  type ProcedureOfVisit,
  type ProcedureUnit,
  type SpinalProcedures,
  type SpinalReading,
} from './spine/units';
export {
  cancelUnit,
  fewerLevels,
  fluoroscopicAlternative,
  newOrder,
  reasonsFor,
  reduceLevels,
  replaceWith,
  withCodes,
  withoutUltrasound,
  type SpineSuggesting,
  type SpineSuggestionCoding,
} from './spine/suggestions';
export { CYST_VALUE_SETS, conditionPositions, cystCausing, cystsElsewhere, facetSynovialCysts, linkEvidence, regionRadiculopathies, type CystLink, type SpineReading } from './spine/cyst';
export { SPINE_OTHER_CAUSES, otherCauseValueSets, otherCausesOnRecord, studyText, type OtherCause, type OtherCauses, type ProcedureReading, type Study } from './spine/other-causes';
export { cobbAngles, cobbFindings, type CobbFinding } from './spine/deformity';
export { blocksCoverLevels, type BlocksAtLevels } from './spine/blocks';
export { notRadiofrequencyCandidate, painLasted, reliefOrFunctionAtSameSite, type SameSiteRule, type SameSiteThresholds } from './spine/readings';
export { SPINE_READS, spineReads } from './spine/reads';
