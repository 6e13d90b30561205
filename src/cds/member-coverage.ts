import type { Coverage, FhirResource } from 'fhir/r4';
import type { PrefetchKeyDeclaration } from '../declarations/types';
import type { DataStatus } from '../decision/types';
import { FHIR_ID } from '../fhir/references';

/**
 * The member's coverage as Da Vinci CRD needs it: the coverage-information extension names exactly one
 * Coverage on the client's system (`coverage` 1..1), so each way the record can fail to give one is told
 * apart. What the service answers for each (CRD 2.2 §resp-45, §hook-13, §hook-16) is in
 * src/cards/build-response.ts (coverageActions, coverageNotice) and README "Coverage problems".
 */
export type MemberCoverage =
  /** One Coverage active today, with an id: the decision is recorded against it. */
  | { kind: 'active'; reference: string }
  /**
   * Several Coverages active today: the plan cannot tell which one the order falls under (§resp-45
   * coverage-not-found). `references` are those with an id (coverage information goes on each), `count` all of them.
   */
  | { kind: 'several'; references: string[]; count: number }
  /** Coverages, none active today (cancelled, or period over): §resp-45 no-active-coverage, recorded against the latest one. */
  | { kind: 'inactive'; reference: string; why: string }
  /** No Coverage in the record at all: nothing to record coverage information against. */
  | { kind: 'none' }
  /** The Coverage (or every one) has no id: the extension cannot reference it. */
  | { kind: 'unreferenceable'; why: string }
  /** The coverage could not be retrieved (the prefetch key failed or was not sent). */
  | { kind: 'unavailable'; why: string };

export function resolveMemberCoverage(resources: FhirResource[], today: string, data: DataStatus, prefetch: Record<string, PrefetchKeyDeclaration>): MemberCoverage {
  const key = Object.entries(prefetch).find(([, p]) => p.template.startsWith('Coverage'))?.[0];
  const coverages = resources.filter((r): r is Coverage => r.resourceType === 'Coverage' && r.status !== 'entered-in-error');
  if (coverages.length === 0 && key && data.keys[key] === 'failed') return { kind: 'unavailable', why: `the coverage could not be retrieved from the EHR (${data.failures[key] ?? 'fetch failed'})` };
  if (coverages.length === 0 && key && data.keys[key] === 'missing') return { kind: 'unavailable', why: 'the EHR did not send the coverage' };
  if (coverages.length === 0) return { kind: 'none' };

  const active = coverages.filter((c) => isActiveOn(c, today));
  const referenceable = (list: Coverage[]) => list.filter((c) => typeof c.id === 'string' && FHIR_ID.test(c.id)).map((c) => `Coverage/${c.id}`);
  if (active.length === 1) {
    const [reference] = referenceable(active);
    return reference ? { kind: 'active', reference } : { kind: 'unreferenceable', why: 'the active Coverage has no id, and coverage information must reference it' };
  }
  if (active.length > 1) {
    const references = [...new Set(referenceable(active))];
    if (references.length === 0) return { kind: 'unreferenceable', why: `none of the ${active.length} active Coverages has an id, and coverage information must reference one` };
    // The same Coverage sent twice is one coverage; one without an id is another, which the record cannot name.
    const unnamed = active.length - referenceable(active).length;
    if (references.length === 1 && unnamed === 0) return { kind: 'active', reference: references[0]! };
    return { kind: 'several', references, count: references.length + unnamed };
  }
  // None active: the one that ended last is the member's most recent coverage.
  const latest = [...coverages].sort((a, b) => endOf(b).localeCompare(endOf(a)));
  const reference = referenceable(latest)[0];
  if (!reference) return { kind: 'unreferenceable', why: 'the Coverage on record is not active and has no id' };
  const chosen = latest.find((c) => `Coverage/${c.id}` === reference)!;
  return { kind: 'inactive', reference, why: inactiveBecause(chosen, today) };
}

/** Active on a day: status active, and a period (when charted) that includes the day. */
export function isActiveOn(coverage: Coverage, today: string): boolean {
  if (coverage.status !== 'active') return false;
  const start = day(coverage.period?.start);
  const end = day(coverage.period?.end);
  return (start === undefined || start <= today) && (end === undefined || end >= today);
}

function inactiveBecause(coverage: Coverage, today: string): string {
  if (coverage.status !== 'active') return `Coverage/${coverage.id} is ${String(coverage.status ?? 'without a status')}`;
  const end = day(coverage.period?.end);
  if (end !== undefined && end < today) return `Coverage/${coverage.id} ended on ${end}`;
  return `Coverage/${coverage.id} starts on ${day(coverage.period?.start)}`;
}

function endOf(coverage: Coverage): string {
  return day(coverage.period?.end) ?? '9999-12-31';
}

function day(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}
