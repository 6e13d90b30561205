import type { Coding } from 'fhir/r4';

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
  status: string;
  summary: string;
  evidence: Array<{ text: string; reference?: string }>;
}

export interface OrderRecord {
  orderRef: string;
  codes: string[];
  levels?: number;
  outcome: string;
  cardUuid?: string;
  suggestionUuids: string[];
  criteria: CriterionRecord[];
}

/** What was decided for one hook call, on what evidence, under which policy version. No tokens. */
export interface DecisionRecord {
  coverageAssertionId: string;
  hookInstance: string;
  serviceId: string;
  serviceVersion: string;
  policyId: string;
  policyRevision: string;
  /** ISO 8601 */
  decidedAt: string;
  clientIss?: string;
  tenant?: string;
  patientRef: string;
  coverageRef?: string;
  orders: OrderRecord[];
  responseTimeMs: number;
}

export interface StoredFeedback extends FeedbackItem {
  serviceId: string;
  receivedAt: string;
}

/** One store interface, two backends (SQLite embedded, PostgreSQL for many replicas). */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Idempotent: a repeat of the same feedback is recognised and not stored twice. */
  saveFeedback(serviceId: string, items: FeedbackItem[], receivedAt: Date): Promise<{ stored: number; duplicates: number }>;
  saveDecision(record: DecisionRecord): Promise<void>;
  getDecision(coverageAssertionId: string): Promise<DecisionRecord | undefined>;
  /** Records a JWT id until it expires; false when it was already seen (a replay). */
  claimJti(iss: string, jti: string, expiresAt: Date): Promise<boolean>;
  listDecisions(from: Date, to: Date): Promise<DecisionRecord[]>;
  listFeedback(from: Date, to: Date): Promise<StoredFeedback[]>;
  /** Removes decisions and feedback older than `before`, and expired JWT ids. */
  purge(before: Date, now: Date): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
