import type { HookDefinition } from '../cds/hooks/types';
import type { PolicyModule, Program } from '../decision/types';
import type { CompiledFact } from '../facts/compile';
import type { ServiceLimits } from './limits';
import type { ValueSetMatcher } from './value-sets';
import type { LoadedQuestionnaire, QuestionnaireJson } from '../dtr/declaration';

/**
 * The JSON shapes a service folder under cds-services/<id>/ declares. Everything that is specific
 * to one policy lives there as data (plus the policy's criterion functions); src/ only reads it.
 */

export interface PrefetchKeyDeclaration {
  /** A FHIR read or search with CDS Hooks 2.0 prefetch tokens only. */
  template: string;
  /** Required keys that can be neither prefetched nor fetched answer 412. */
  required: boolean;
  /** What the data is used for (shown in the data profile). */
  description: string;
}

export interface ConfigurationOption {
  code: string;
  type: 'boolean' | 'integer';
  name: string;
  description: string;
  default: boolean | number;
}

export interface ServiceJson {
  id: string;
  /**
   * The CDS hooks the service answers, each at its own CDS service id (CDS Hooks gives a service one hook):
   * the first at `id`, every other one at `<id>-<hook>` (see hookServiceId).
   */
  hooks: string[];
  title: string;
  description: string;
  usageRequirements?: string;
  /** Version of this declaration; recorded with every decision. */
  version: string;
  prefetch: Record<string, PrefetchKeyDeclaration>;
  crd: {
    versions: string[];
    configurationOptions: ConfigurationOption[];
    /** pa-needed by outcome, for outcomes where it applies. */
    paNeeded: { covered: string; conditional: string };
  };
  source: {
    /** Card source label when HEALTH_PLAN_NAME is not set. */
    label: string;
    /** The policy document (absolute). */
    url: string;
    icon?: string;
  };
  /** The policy document this declaration decides with (its own policy). */
  policy: PolicyDocument;
  /**
   * Which policy decides for a member (src/cds/policy-for-call.ts): the first rule whose programs the
   * member's active coverage is recognised as; otherwise `default`. Without it, the declaration's own policy
   * decides for everyone.
   */
  policySelection?: PolicySelectionJson;
  /** Offered on every card that advises against an order; `system` is the code system URL. */
  overrideReasons: { system: string; codes: Array<{ code: string; display: string }> };
  /** What one request may cost (limits.ts): in-scope orders per request, orders named by reference per request, characters read per text field. */
  limits?: Partial<ServiceLimits>;
  scope: {
    resourceTypes: string[];
    /** Value set of order codes that are always in scope. */
    valueSet: string;
    /** Unlisted codes in scope only when the order's text matches the description value set. */
    unlisted?: { valueSet: string; descriptionValueSet: string };
  };
}

/** A policy document: its id (CP.MP.171, L38841), title, revision and URL, and the data profile that says how to chart it. */
export interface PolicyDocument {
  id: string;
  title: string;
  revision: string;
  url: string;
  /** The page of /docs with the policy's data profile (docs/<profile>.md, served at /docs/<profile>). */
  profile?: string;
}

export interface PolicySelectionRule {
  /** The member's programs (src/kit/coverage.ts) the rule is for: any of them selects it. */
  programs: Program[];
  /** The id of the policy declaration that decides (a folder under cds-services/, or the service's own id). */
  policy: string;
  /** Why, in words, for the card and the data profile (the regulation or note that makes it so). */
  because: string;
}

export interface PolicySelectionJson {
  rules: PolicySelectionRule[];
  /** The policy for everyone else (default: the service's own). */
  default?: string;
}

export interface ValueSetInclude {
  system: string;
  codes?: string[];
  /** Every code starting with one of these (e.g. ICD-10-CM "M47.81" for M47.811–M47.819). */
  prefixes?: string[];
  /** Inclusive ranges of same-length codes, e.g. ["72020", "72159"] or ["0213T", "0218T"]. */
  ranges?: string[][];
  /** Where the codes come from and whether they were verified (documentation only). */
  provenance?: string;
}

export interface ValueSetJson {
  title: string;
  include?: ValueSetInclude[];
  /**
   * Case-insensitive regular expressions matched against text and display. Each entry is a pattern, or a
   * group of patterns that must all occur (in any order: "A and B both occur" is ["A", "B"]). The value set
   * matches text when any entry does. Every pattern must pass the linear-time check (linear-pattern.ts).
   */
  textPatterns?: Array<string | string[]>;
  note?: string;
}

export interface FactJson {
  description?: string;
  resourceTypes: string[];
  /** chart: the patient's record (prefetch or FHIR server); draftOrders: the orders being signed. */
  from: 'chart' | 'draftOrders';
  /** Candidate pre-filter on the resource's main concept (code, medication, type...). */
  select?: { valueSets: string[]; matchText?: boolean };
  /** Field name → FHIRPath expression, evaluated on each candidate resource. */
  fields: Record<string, string>;
}

export interface Citation {
  section: string;
  title: string;
  /** The policy text the criterion implements, quoted. */
  text: string;
  /** How to chart the data so the criterion can be read (for not-documented results). */
  howToDocument?: string;
  /** Where the rule was read (a document tag, e.g. "CGS-PA, NOR-PA"), when the policy text is not primary. */
  source?: string;
  /**
   * How well the rule is verified: `primary` (seen in the policy's own text), `secondary` (secondary sources
   * only) or `unverified`. A rule not verified in a primary text says so with its source in the criterion's
   * title in the decision record; a card says it in plain words where a finding rests on it (src/cards/card-text.ts).
   */
  verification?: 'primary' | 'secondary' | 'unverified';
}

/**
 * What the clinician reads about a criterion (clinical-text.json of a declaration folder, by criterion id):
 * clinical words, no FHIR. How to chart it for an integrator stays in the citation's howToDocument (the
 * data profile and `npm run evaluate`'s integrator view).
 */
export interface ClinicalText {
  /** When not met: the reason in a few words, for the card summary ("ultrasound guidance"). */
  notMet?: string;
  /** When not documented: what to document, in a few words, for the card summary ("NSAID trial (3+ weeks)"). */
  toDocumentBrief?: string;
  /** When not documented: what to document, in clinical words, for the card detail ("3+ weeks of NSAIDs in the past year, or why they can't be taken"). */
  toDocument?: string;
}

/** A service folder's index: the service (hooks, scope, prefetch) and its own policy (data and module). */
export interface ServiceDefinition<T = unknown, C = unknown> {
  service: ServiceJson;
  valueSets: Record<string, ValueSetJson>;
  thresholds: T;
  facts: Record<string, FactJson>;
  citations: Record<string, Citation>;
  /** The clinician's words per criterion (clinical-text.json); a criterion without them is named by its citation's title. */
  clinicalText?: Record<string, ClinicalText>;
  /** The policy's code tables (coding.json): part of the definition, never read from disk elsewhere. */
  coding?: C;
  policy: PolicyModule<T, any, C>;
  /** questionnaire.json: the documentation questionnaire per pathway (DTR), when the policy has one. */
  questionnaire?: QuestionnaireJson;
}

/** policy.json of a policy folder: a policy a service may apply, with no hooks of its own. */
export interface PolicyJson {
  /** The declaration's id: its folder name. */
  id: string;
  /** Version of this declaration; recorded with every decision made under it. */
  version: string;
  description?: string;
  policy: PolicyDocument;
}

/**
 * A policy folder's index. A policy applied by a service reads that service's chart: it inherits the
 * service's value sets, facts and code tables, and declares only what it adds (a name it declares that
 * the service also declares stops start-up: a differing set needs its own name).
 */
export interface PolicyDefinition<T = unknown, C = unknown> {
  declaration: PolicyJson;
  /** Value sets of its own, added to the service's. */
  valueSets: Record<string, ValueSetJson>;
  /** Facts added to the service's: a new fact, or more value sets to select on / more fields for one of the service's. */
  facts?: Record<string, FactExtension>;
  thresholds: T;
  citations: Record<string, Citation>;
  /** The clinician's words per criterion (clinical-text.json). */
  clinicalText?: Record<string, ClinicalText>;
  /** Code tables of its own (default: the service's). */
  coding?: C;
  module: PolicyModule<T, any, C>;
  /** questionnaire.json: the documentation questionnaire per pathway (DTR), when the policy has one. */
  questionnaire?: QuestionnaireJson;
}

/** A fact a policy adds, or adds to: a whole FactJson, or `select.valueSets` and `fields` to extend the service's fact of that name. */
export interface FactExtension {
  description?: string;
  resourceTypes?: string[];
  from?: FactJson['from'];
  select?: { valueSets: string[]; matchText?: boolean };
  fields?: Record<string, string>;
}

/** A policy after start-up: its data compiled for the service that applies it, its module with defaults. */
export interface LoadedPolicy<T = unknown, C = unknown> {
  /** The declaration's id. */
  id: string;
  version: string;
  document: PolicyDocument;
  module: PolicyModule<T, any, C> & Required<Pick<PolicyModule<T, any, C>, 'suggest' | 'coverage' | 'notices'>>;
  valueSets: Record<string, ValueSetMatcher>;
  facts: CompiledFact[];
  thresholds: T;
  citations: Record<string, Citation>;
  /** The clinician's words per criterion (empty when the folder has none). */
  clinicalText: Record<string, ClinicalText>;
  coding: C;
  /** Its documentation questionnaire (questionnaire.json), checked against its citations and thresholds. */
  questionnaire?: LoadedQuestionnaire;
  /** The declaration data it reads (its own and the service's), for the data profile. */
  data: { valueSets: Record<string, ValueSetJson>; ownValueSets: string[]; facts: Record<string, FactJson> };
}

/** A service's selection rules, compiled: each rule's policy loaded. */
export interface PolicySelection {
  rules: Array<{ programs: Program[]; policy: LoadedPolicy; because: string }>;
  default: LoadedPolicy;
}

/** One hook a declaration answers: its CDS service (route, discovery entry) and the hook's own rules. */
export interface HookService {
  /** The CDS service id: `POST /cds-services/{id}`, discovery's `id`. */
  id: string;
  hook: HookDefinition;
  /** The declared prefetch templates this hook's context can fill. */
  prefetch: Record<string, PrefetchKeyDeclaration>;
  /** The configuration options this hook honours, with its defaults (coverage-info is off by default on secondary hooks). */
  configurationOptions: ConfigurationOption[];
  /** The discovery entry, as served by GET /cds-services. */
  discovery: Record<string, unknown>;
}

/** A declaration after start-up validation and compilation. */
export interface LoadedService<T = unknown> {
  id: string;
  definition: ServiceDefinition<T>;
  /** The service's value sets (scope, chart reading): its own policy's. */
  valueSets: Record<string, ValueSetMatcher>;
  facts: CompiledFact[];
  /** The service's own policy. */
  policy: LoadedPolicy<T>;
  /** Which policy decides for a member. */
  selection: PolicySelection;
  /** Every policy the service may decide with: its own first, then those its selection names. */
  policies: LoadedPolicy[];
  /** One CDS service per hook, the first (the declaration's own id) first. */
  hooks: HookService[];
  /** The declared limits (service.json `limits`), defaults filled in: they bound every policy the service applies. */
  limits: ServiceLimits;
}
