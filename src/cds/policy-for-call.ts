import type { LoadedService } from '../declarations/types';
import type { PolicyModule } from '../decision/types';
import type { MemberCoverage } from './member-coverage';
import type { HookRequest } from './types';

export interface PolicyCall {
  request: HookRequest;
  /** The member's coverage, resolved before any policy runs: what a choice of policy by plan would read. */
  memberCoverage: MemberCoverage;
}

/**
 * The one place a hook call obtains the policy module that decides it. Every hook of a declaration is
 * decided by the declaration's policy today; choosing the policy per member by coverage (e.g. the
 * Medicare LCD for Medicare members) belongs here, and nowhere else in the pipeline.
 */
export function policyForCall<T>(service: LoadedService<T>, _call: PolicyCall): PolicyModule<T> {
  return service.definition.policy;
}
