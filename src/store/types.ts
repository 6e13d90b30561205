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
  /** What was found, and the chart resource it came from ("Type/id"). */
  evidence: Array<{ text: string; reference?: string }>;
  /** For not-documented: what the chart lacked. */
  missing?: string;
}

export interface SuggestionRecord {
  uuid: string;
  label: string;
}

export interface OrderRecord {
  orderRef: string;
  codes: string[];
  levels?: number;
  outcome: string;
  /** The decision unit (orders decided together, e.g. 64493 + 64494) and how it was read (pathway, region, levels). */
  unit?: { id: string; label: string; facts: Record<string, string | number> };
  cardUuid?: string;
  suggestionUuids: string[];
  suggestions?: SuggestionRecord[];
  criteria: CriterionRecord[];
}

/**
 * What was decided for one hook call, on what evidence, under which policy version, and what was
 * answered (CRD §found-37: logs of hook calls and responses for disputes). Never holds the access
 * token, the JWT or the prefetch data: only the references and findings an audit needs.
 */
export interface DecisionRecord {
  coverageAssertionId: string;
  hookInstance: string;
  hook?: string;
  serviceId: string;
  serviceVersion: string;
  policyId: string;
  policyRevision: string;
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
  orders: OrderRecord[];
  /** How each prefetch key was obtained (provided, fetched, failed, missing) and why fetches failed. */
  data?: { keys: Record<string, string>; failures?: Record<string, string>; incomplete?: Record<string, string>; textNotRead?: TextNotReadReport };
  /** The response as sent to the EHR. */
  response?: HookResponse;
  responseTimeMs: number;
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
  /** Idempotent on coverageAssertionId: a replayed record does not overwrite or duplicate the first. */
  saveDecision(record: DecisionRecord): Promise<void>;
  getDecision(coverageAssertionId: string): Promise<DecisionRecord | undefined>;
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
  close(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 1000;
