import type { Coverage, FhirResource } from 'fhir/r4';
import type { LoadedPolicy, LoadedService } from '../declarations/types';
import type { Program } from '../decision/types';
import { coverageOfResource, isCoverageActive, programsOf } from '../kit/coverage';
import type { MemberCoverage } from './member-coverage';

export interface PolicyCall {
  /** The member's coverage, resolved before any policy runs. */
  memberCoverage: MemberCoverage;
  /** The patient's record (its Coverage resources are read). */
  resources: FhirResource[];
  /** YYYY-MM-DD: the decision date (which Coverages are active). */
  today: string;
}

/** The policy that decides a call, and why. */
export interface PolicyChoice {
  policy: LoadedPolicy;
  /** The selection rule's reason, when a rule (not the default) chose it. */
  because?: string;
  /** The programs the member's active coverage was recognised as. */
  programs: Program[];
}

/**
 * The one place a hook call obtains the policy that decides it: the service's policy selection
 * (service.json `policySelection`), applied to the programs of the member's coverage active on the
 * decision date (Medicare, Medicaid, commercial; src/kit/coverage.ts). The first rule naming one of them
 * decides; everyone else, and a member without active coverage, gets the default policy. With several
 * active Coverages (a Medicare member with Medicaid too) every one's programs count: rules are in order.
 */
export function policyForCall(service: LoadedService, call: PolicyCall): PolicyChoice {
  const programs = memberPrograms(service, call);
  const rule = service.selection.rules.find((r) => r.programs.some((p) => programs.includes(p)));
  return rule ? { policy: rule.policy, because: rule.because, programs } : { policy: service.selection.default, programs };
}

function memberPrograms(service: LoadedService, call: PolicyCall): Program[] {
  if (call.memberCoverage.kind !== 'active' && call.memberCoverage.kind !== 'several') return [];
  const active = call.resources
    .filter((r): r is Coverage => r.resourceType === 'Coverage')
    .map((c) => coverageOfResource(c, service.limits.maxTextCharsPerField))
    .filter((c) => isCoverageActive(c, call.today));
  return [...new Set(active.flatMap((c) => programsOf(c, service.valueSets).programs))];
}
