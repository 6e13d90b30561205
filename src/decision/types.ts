import type { FhirResource, ServiceRequest } from 'fhir/r4';
import type { LoadedService } from '../declarations/types';
import type { FactSet } from '../facts/extract';
import type { TextNotReadReport } from '../facts/text-bound';

/** The outcome for one order, in Da Vinci CRD coverage-information terms. */
export type Outcome = 'covered' | 'not-covered' | 'conditional' | 'indeterminate';

/**
 * met / not-met / not-documented are the criterion answers; indeterminate is set by the engine when
 * data the criterion depends on could not be fetched.
 */
export type CriterionStatus = 'met' | 'not-met' | 'not-documented' | 'indeterminate';

export interface Evidence {
  /** Human-readable: what was found, with dates and values. */
  text: string;
  /** The resource it came from, "Type/id". */
  reference?: string;
}

/** What a criterion function returns. */
export interface Finding {
  status: Exclude<CriterionStatus, 'indeterminate'>;
  /** One line the clinician reads in the checklist. */
  summary: string;
  evidence?: Evidence[];
  /** For not-documented: exactly what to chart, and how. */
  missing?: string;
  /** For timing criteria: the first date the order would qualify (YYYY-MM-DD). */
  firstEligibleDate?: string;
}

export interface CriterionResult extends Omit<Finding, 'status'> {
  status: CriterionStatus;
  id: string;
  section: string;
  title: string;
  /** A categorical exclusion: not-met means not covered whatever else is documented. */
  categorical: boolean;
  evidence: Evidence[];
}

/**
 * One criterion of a policy: a pure function of the decision unit's context, tagged with the
 * policy section it implements. No I/O and no clock reads: `today` is in the context.
 */
export interface Criterion<Ctx> {
  id: string;
  section: string;
  title: string;
  categorical?: boolean;
  /** Prefetch keys the answer depends on; a failed fetch of any makes the result indeterminate. */
  dependsOn: string[];
  /** The keys this context needs, a subset of dependsOn, when some only matter in some cases. */
  dependsOnFor?(ctx: Ctx): string[];
  appliesTo(ctx: Ctx): boolean;
  evaluate(ctx: Ctx): Finding;
}

export interface ActionSpec {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: FhirResource;
  resourceId?: string;
}

export interface SuggestionSpec {
  label: string;
  isRecommended?: boolean;
  actions: ActionSpec[];
}

/** Orders that are decided together: one procedure of the session (e.g. 64493 + 64494). */
export interface DecisionUnit<Ctx> {
  id: string;
  /** e.g. "Lumbar facet joint injection, 2 levels (CPT 64493, 64494)". */
  label: string;
  orders: ServiceRequest[];
  context: Ctx;
  /** How the orders were read (procedure, region, levels, date, pathway), shown on the card. */
  readAs: string[];
  /** A few facts about the unit kept in the decision record (pathway, region, levels). */
  summary: Record<string, string | number>;
}

export interface CoverageSummary {
  /** "Coverage/id" as the CRD coverage-information extension references it. */
  reference: string;
  /** Plan or payor name, when charted. */
  name?: string;
  programs: Array<'medicare' | 'medicaid'>;
  evidence: string;
}

export interface Notice {
  id: string;
  summary: string;
  detail: string;
  indicator: 'info' | 'warning';
  topic: { code: string; display: string };
  links?: Array<{ label: string; url: string }>;
}

export type KeyStatus = 'provided' | 'fetched' | 'failed' | 'missing';

export interface DataStatus {
  keys: Record<string, KeyStatus>;
  /** Why a key failed, for the indeterminate card (never contains tokens or PHI). */
  failures: Record<string, string>;
  /** The kind of each failure (timeout, unauthorized…), a bounded set for metrics. */
  failureKinds?: Record<string, string>;
  /**
   * Optional keys sent incomplete (a prefetch Bundle with a next page the service could not fetch), and
   * why. Such a key is `missing`: what was sent of it is not used.
   */
  incomplete?: Record<string, string>;
  /** Text fields longer than the service's limits.maxTextCharsPerField: read only up to it (said on the card). */
  textNotRead?: TextNotReadReport;
}

export interface PolicyInput<T> {
  service: LoadedService<T>;
  orders: ServiceRequest[];
  facts: FactSet;
  patientId: string;
  /** YYYY-MM-DD, the decision date. */
  today: string;
  data: DataStatus;
}

export interface PolicyModule<T, Ctx = any> {
  /** Groups the in-scope orders into decision units and derives each unit's context. */
  prepare(input: PolicyInput<T>): DecisionUnit<Ctx>[];
  criteria: Array<Criterion<Ctx>>;
  /** Alternatives the EHR can apply, given the unit's results. */
  suggest(unit: DecisionUnit<Ctx>, results: CriterionResult[], outcome: Outcome, input: PolicyInput<T>): SuggestionSpec[];
  coverage(input: PolicyInput<T>): CoverageSummary | undefined;
  notices(input: PolicyInput<T>, coverage: CoverageSummary | undefined): Notice[];
}

export interface UnitDecision {
  unit: DecisionUnit<unknown>;
  outcome: Outcome;
  results: CriterionResult[];
  suggestions: SuggestionSpec[];
}

export interface Decision {
  units: UnitDecision[];
  coverage?: CoverageSummary;
  notices: Notice[];
}
