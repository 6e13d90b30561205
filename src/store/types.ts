import type { Coding } from 'fhir/r4';
import type { HookResponse } from '../cds/types';
import type { TextNotReadReport } from '../facts/text-bound';

/** One CDS Hooks feedback entry (2.0.1 "Feedback"). */
export interface FeedbackItem {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: Array<{ id: string }>;
  overrideReason?: { reason?: Coding; userComment?: string };
  outcomeTimestamp: string;
}

export interface CriterionRecord {
  id: string;
  section: string;
  title?: string;
  status: string;
  summary: string;
  /** What was found, the chart resource it came from ("Type/id") and, when it was not counted, why; at most EVIDENCE_PER_CRITERION. */
  evidence: Array<{ text: string; reference?: string; setAside?: string }>;
  /** Evidence found beyond those kept. */
  evidenceOmitted?: number;
  /** For not-documented: what the chart lacked. */
  missing?: string;
  /** The attested answers (DTR QuestionnaireResponse) that decided it, when the record left it not documented. */
  attestation?: { questionnaireResponse: string; questionnaire: string; author?: string; authored?: string; answers: string[] };
}

export interface SuggestionRecord {
  uuid: string;
  label: string;
}

/** Orders decided together (e.g. 64493 + 64494): the criteria are theirs, recorded once. */
export interface UnitRecord {
  id: string;
  label: string;
  /** How it was read (pathway, region, levels, kind). */
  facts: Record<string, string | number>;
  /** The spinal levels the unit treats (DecisionUnit.levels), when the policy counts them. */
  levels?: number;
  outcome: string;
  /** How many orders point to it. */
  orders: number;
  /** The card explaining the decision (absent when none was shown: a covered unit whose coverage information says so). */
  cardUuid?: string;
  /** The unit's other cards: its alternatives and companion orders (CRD Alternate Request, Additional Orders). */
  relatedCardUuids?: string[];
  /** The suggestions of all its cards. */
  suggestions?: SuggestionRecord[];
  criteria: CriterionRecord[];
}

export interface OrderRecord {
  orderRef: string;
  /** The resources the coverage information was recorded on, when not the order itself (appointment-book: the Appointment). */
  recordedOn?: string[];
  codes: string[];
  levels?: number;
  outcome: string;
  /** Its decision unit in `units` (format 2). */
  unitId?: string;
  /** The card explaining the decision (absent when none was shown: a covered order whose coverage information says so). */
  cardUuid?: string;
  /**
   * Format 1 (records written before issue 12) kept the unit, its related cards, suggestions and criteria on
   * every order; format 2 keeps them on the unit.
   */
  unit?: { id: string; label: string; facts: Record<string, string | number> };
  relatedCardUuids?: string[];
  suggestionUuids?: string[];
  suggestions?: SuggestionRecord[];
  criteria?: CriterionRecord[];
}

/** Records written now: criteria per decision unit (format 1, before it, kept them on every order). */
export const DECISION_RECORD_FORMAT = 2;

/**
 * What was decided for one hook call, on what evidence, under which policy version, and what was
 * answered (CRD §found-37: logs of hook calls and responses for disputes). Never holds the access
 * token, the JWT or the prefetch data: only the references and findings an audit needs.
 */
export interface DecisionRecord {
  /** 2: units and orders pointing to them; absent in format 1. */
  format?: number;
  coverageAssertionId: string;
  hookInstance: string;
  hook?: string;
  serviceId: string;
  serviceVersion: string;
  /** The policy document applied (CP.MP.171, L38841) and its revision. */
  policyId: string;
  policyRevision: string;
  /** The policy declaration applied (its folder under cds-services/) and that declaration's version. */
  policyDeclaration?: string;
  policyVersion?: string;
  /** ISO 8601 */
  decidedAt: string;
  clientIss?: string;
  tenant?: string;
  /** The EHR's FHIR base URL, when it sent one (never its token). */
  fhirServer?: string;
  /** context.userId: who was signing. */
  userId?: string;
  patientRef: string;
  coverageRef?: string;
  /** Format 2: each decision unit once, with its criteria. */
  units?: UnitRecord[];
  orders: OrderRecord[];
  /** How each prefetch key was obtained (provided, fetched, failed, missing) and why fetches failed. */
  data?: { keys: Record<string, string>; failures?: Record<string, string>; incomplete?: Record<string, string>; textNotRead?: TextNotReadReport };
  /** The response as sent to the EHR. */
  response?: HookResponse;
  responseTimeMs: number;
  /** Set when the record was larger than AUDIT_MAX_RECORD_BYTES: what was left out to store it (record-json.ts). */
  truncated?: RecordTruncation;
}

export interface RecordTruncation {
  /** AUDIT_MAX_RECORD_BYTES when it was written (or read). */
  limitBytes: number;
  /** The size of the whole record, in bytes of JSON. */
  fullBytes: number;
  /** What was left out, in words. */
  omitted: string[];
}

export interface StoredFeedback extends FeedbackItem {
  serviceId: string;
  receivedAt: string;
}

/** Keyset position in decisions ordered by (decidedAt, coverageAssertionId). */
export interface DecisionCursor {
  decidedAt: string;
  coverageAssertionId: string;
}

export interface DecisionPage {
  after?: DecisionCursor;
  /** Default 1000. */
  limit?: number;
}

/** One store interface, two backends (SQLite embedded, PostgreSQL for many replicas). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Idempotent: a repeat of the same feedback is recognised and not stored twice. */
  saveFeedback(serviceId: string, items: FeedbackItem[], receivedAt: Date): Promise<{ stored: number; duplicates: number }>;
  /**
   * Idempotent on coverageAssertionId: a replayed record does not overwrite or duplicate the first. `json` is
   * the record already serialised (and bounded, see record-json.ts); without it the record is stringified.
   */
  saveDecision(record: DecisionRecord, json?: string): Promise<void>;
  /**
   * The record, or undefined. One stored larger than `maxBytes` (written before AUDIT_MAX_RECORD_BYTES existed,
   * or under a higher one) comes back without its orders, units, data and response, and marked truncated:
   * reading back never costs more than the limit.
   */
  getDecision(coverageAssertionId: string, maxBytes?: number): Promise<DecisionRecord | undefined>;
  /**
   * Records a JWT id until it expires; false when it was already seen (a replay). Atomic across
   * every process sharing the store, so a token replayed at another replica is refused too.
   */
  claimJti(iss: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** Decisions with from <= decidedAt < to, oldest first; page through with `after` = the last one's cursor. */
  listDecisions(from: Date, to: Date, page?: DecisionPage): Promise<DecisionRecord[]>;
  /** Feedback received with from <= receivedAt < to. */
  listFeedback(from: Date, to: Date): Promise<StoredFeedback[]>;
  /** Every feedback entry about these card uuids (joins feedback to decisions for the report). */
  feedbackForCards(cardUuids: string[]): Promise<StoredFeedback[]>;
  /** Removes decisions and feedback older than `before`, and expired JWT ids. Returns decisions + feedback removed. */
  purge(before: Date, now: Date): Promise<number>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  /**
   * Writes one small row (and commits it): throws when the store cannot be written (read-only database,
   * disk full, lost permissions). Checked at start-up, and by /ready while writes are failing.
   */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 1000;
