import type { Coding } from 'fhir/r4';
import type { PolicyModule } from '../decision/types';
import type { CompiledFact } from '../facts/compile';
import type { ServiceLimits } from './limits';
import type { ValueSetMatcher } from './value-sets';

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
  hook: string;
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
    topicSystem: string;
    icon?: string;
  };
  policy: { id: string; title: string; revision: string; url: string };
  /** Offered on every card that advises against an order; `system` is the code system URL. */
  overrideReasons: { system: string; codes: Array<{ code: string; display: string }> };
  /** What one request may cost (limits.ts): in-scope orders per request, characters read per text field. */
  limits?: Partial<ServiceLimits>;
  scope: {
    resourceTypes: string[];
    /** Value set of order codes that are always in scope. */
    valueSet: string;
    /** Unlisted codes in scope only when the order's text matches the description value set. */
    unlisted?: { valueSet: string; descriptionValueSet: string };
  };
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
}

export interface ServiceDefinition<T = unknown> {
  service: ServiceJson;
  valueSets: Record<string, ValueSetJson>;
  thresholds: T;
  facts: Record<string, FactJson>;
  citations: Record<string, Citation>;
  policy: PolicyModule<T>;
}

/** A declaration after start-up validation and compilation. */
export interface LoadedService<T = unknown> {
  id: string;
  definition: ServiceDefinition<T>;
  valueSets: Record<string, ValueSetMatcher>;
  facts: CompiledFact[];
  /** The declared limits, defaults filled in. */
  limits: ServiceLimits;
  /** The discovery entry, as served by GET /cds-services. */
  discovery: Record<string, unknown>;
  topic: (code: string, display: string) => Coding;
}
