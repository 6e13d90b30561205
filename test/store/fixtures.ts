import type { DecisionRecord, FeedbackItem } from '../../src/store/types';

/** A decision record as the hook handler writes it (no tokens, references and findings only). */
export function decisionRecord(id: string, decidedAt: string, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    coverageAssertionId: id,
    hookInstance: `hook-${id}`,
    hook: 'order-sign',
    serviceId: 'facet-joint-interventions',
    serviceVersion: '1.0.0',
    policyId: 'CP.MP.171',
    policyRevision: '05/26',
    decidedAt,
    clientIss: 'https://ehr.example.org',
    tenant: 'tenant-a',
    userId: 'Practitioner/dr-1',
    patientRef: 'Patient/pat-1',
    coverageRef: 'Coverage/cov-1',
    orders: [
      {
        orderRef: 'ServiceRequest/sr-1',
        codes: ['64493'],
        levels: 1,
        outcome: 'conditional',
        unit: { id: '2026-11-26|injection|lumbar', label: 'Lumbar facet joint injection, 1 level (CPT 64493)', facts: { pathway: 'diagnostic', levels: 1 } },
        cardUuid: `card-${id}`,
        suggestionUuids: [`sugg-${id}`],
        suggestions: [{ uuid: `sugg-${id}`, label: 'Add a physical therapy referral (at least 4 weeks) as a companion order' }],
        criteria: [
          { id: 'pain-duration', section: 'I.A.1.a', title: 'Pain for at least 3 months', status: 'met', summary: 'Low back pain since 2026-01-10', evidence: [{ text: 'Low back pain, onset 2026-01-10', reference: 'Condition/c-1' }] },
          { id: 'conservative-therapy', section: 'I.A.1.c', title: 'Conservative therapy', status: 'not-documented', summary: 'No physical therapy found', evidence: [], missing: 'Chart 4 weeks of physical therapy' },
        ],
      },
    ],
    data: { keys: { patient: 'provided', coverage: 'provided', procedures: 'fetched' } },
    response: { cards: [{ uuid: `card-${id}`, summary: 'Documentation needed', indicator: 'info', source: { label: 'Plan' } }] },
    responseTimeMs: 42,
    ...overrides,
  };
}

export function accepted(card: string, suggestion: string, at = '2026-11-26T15:05:00Z'): FeedbackItem {
  return { card, outcome: 'accepted', acceptedSuggestions: [{ id: suggestion }], outcomeTimestamp: at };
}

export function overridden(card: string, code: string, at = '2026-11-26T15:06:00Z', userComment?: string): FeedbackItem {
  return {
    card,
    outcome: 'overridden',
    overrideReason: {
      reason: { system: 'http://facet-cds.dev/fhir/CodeSystem/override-reason', code, display: `display of ${code}` },
      ...(userComment ? { userComment } : {}),
    },
    outcomeTimestamp: at,
  };
}
