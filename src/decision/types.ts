import type { FhirResource, ServiceRequest } from 'fhir/r4';
import type { LoadedPolicy, LoadedService } from '../declarations/types';
import type { FactSet } from '../facts/extract';
import type { RequestMemo } from '../kit/memo';
import type { TextNotReadReport } from '../facts/text-bound';
import type { AttestationUsed } from '../dtr/answers';

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
  /**
   * Set when this line reports evidence that was found but not counted, and why (e.g. "another region",
   * "dated after today", "negated"): the criterion's answer does not rest on it.
   */
  setAside?: string;
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
  /** Set when an attested answer in a QuestionnaireResponse (DTR) decided a criterion the record left not documented. */
  attestation?: AttestationUsed;
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
  /** The pathways it can apply on (absent: every pathway): questionnaire.json is checked against them at start-up. */
  pathways?: string[];
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
  /** Set when the suggestion only moves the orders to this date (YYYY-MM-DD), the first they qualify on. */
  reschedules?: string;
  /**
   * Criteria (ids) the orders would still not meet once the suggestion is applied. A suggestion that leaves any
   * is not an alternative that meets the policy nor a companion order that completes it (it says so in its
   * label, e.g. src/kit/suggestions.ts partOfTheFix) and is offered on the decision card, not the CRD
   * alternatives or additional-orders card.
   */
  stillUnmet?: string[];
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
  /** How many levels (spinal joints, teeth…) the unit treats, when the policy counts them: kept on each order's decision record. */
  levels?: number;
  /** A few facts about the unit kept in the decision record (pathway, region, levels). */
  summary: Record<string, string | number>;
}

/** The programs a member's coverage is recognised as (src/kit/coverage.ts). */
export type Program = 'medicare' | 'medicaid' | 'commercial';

export interface CoverageSummary {
  /** "Coverage/id" as the CRD coverage-information extension references it. */
  reference: string;
  /** Plan or payor name, when charted. */
  name?: string;
  programs: Program[];
  /** For Medicare: Medicare Advantage or fee-for-service, when the coverage says. */
  medicarePlan?: 'advantage' | 'fee-for-service';
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

export interface PolicyInput<T, C = unknown> {
  /** The CDS service called (its hooks, scope and prefetch). */
  service: LoadedService;
  /** The policy that decides: the service's own, or the one its policy selection gives for this member. */
  policy: LoadedPolicy<T, C>;
  orders: ServiceRequest[];
  facts: FactSet;
  patientId: string;
  /** YYYY-MM-DD, the decision date. */
  today: string;
  data: DataStatus;
  /** Work shared by the criteria of this decision only (the chart read once, score lists…). */
  memo: RequestMemo;
}

/** A fact of facts.json and the fields a reader takes from it (checked when the declaration loads). */
export interface FactRequirement {
  fact: string;
  fields: string[];
  /** An optional fact may be absent from facts.json; when declared, it must have every field. */
  optional?: boolean;
}

/** What a policy module reads of its declaration besides its criteria's citations. */
export interface DeclarationNeeds {
  facts?: FactRequirement[];
  valueSets?: string[];
  /** What is wrong with the declaration's code tables (coding.json), each problem named; empty when nothing. */
  coding?(coding: unknown): string[];
}

export interface PolicyModule<T, Ctx = any, C = unknown> {
  /** Groups the in-scope orders into decision units and derives each unit's context. */
  prepare(input: PolicyInput<T, C>): DecisionUnit<Ctx>[];
  criteria: Array<Criterion<Ctx>>;
  /** Alternatives the EHR can apply, given the unit's results (default: none). */
  suggest?(unit: DecisionUnit<Ctx>, results: CriterionResult[], outcome: Outcome, input: PolicyInput<T, C>): SuggestionSpec[];
  /** The member's coverage as the policy reads it (default: the active Coverage of the `coverages` fact, src/kit/coverage.ts). */
  coverage?(input: PolicyInput<T, C>): CoverageSummary | undefined;
  /** Informational cards about the member or the policy (default: none). */
  notices?(input: PolicyInput<T, C>, coverage: CoverageSummary | undefined): Notice[];
  /** The facts and value sets it reads: a declaration lacking one stops start-up, naming it. */
  reads?: DeclarationNeeds;
}

/** The policy a decision was made under, as cards, coverage information and the decision record name it. */
export interface AppliedPolicy {
  /** The declaration's id (its folder under cds-services/). */
  declaration: string;
  /** The policy document: its id (CP.MP.171, L38841), title, revision and URL. */
  id: string;
  title: string;
  revision: string;
  url: string;
  /** The declaration's version. */
  version: string;
  /** The page of /docs that says how to chart each criterion of this policy. */
  profile?: string;
  /** Why this policy decides for this member (the selection rule that chose it), when another than the service's own. */
  because?: string;
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
  /** The policy the units were decided under (absent: the service's own). */
  policy?: AppliedPolicy;
}
