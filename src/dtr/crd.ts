import type { Link } from '../cds/types';
import type { LoadedService } from '../declarations/types';
import type { AppliedPolicy, UnitDecision } from '../decision/types';
import { pathwayOfUnit, type LoadedQuestionnaire } from './declaration';
import { canonicalOf } from './questionnaire';

/**
 * How a decision points to its documentation questionnaire: the canonical in the CRD coverage information
 * (with doc-needed) and a SMART link on the card that opens the documentation app (/dtr) with an appContext
 * naming the orders, the coverage, the coverage-assertion-id and the questionnaire; and, where all that is
 * missing is yes/no answers to attest, a plain suggestion creating the attested response (attestation-suggestion.ts).
 */

/** The questionnaire and pathway for a unit that needs documentation, when its policy has one for its pathway. */
export function unitDocumentation(service: LoadedService, policy: AppliedPolicy, unit: UnitDecision): { questionnaire: LoadedQuestionnaire; pathway: string } | undefined {
  if (unit.outcome !== 'conditional') return undefined;
  const questionnaire = service.policies.find((p) => p.id === policy.declaration)?.questionnaire;
  if (!questionnaire) return undefined;
  const pathway = pathwayOfUnit(questionnaire, unit.unit.summary);
  return pathway ? { questionnaire, pathway } : undefined;
}

/** The canonical (url|version) of the questionnaire for a unit that needs documentation, when its policy has one for its pathway. */
export function unitQuestionnaire(service: LoadedService, policy: AppliedPolicy, unit: UnitDecision): string | undefined {
  const documentation = unitDocumentation(service, policy, unit);
  return documentation ? canonicalOf(documentation.questionnaire, documentation.pathway) : undefined;
}

export interface DocumentationLinkInput {
  questionnaire: string;
  orders: string[];
  coverage?: string;
  coverageAssertionId: string;
  baseUrl: string;
}

/** The card's SMART link (CDS Hooks 2.0.1 Link, type smart): appContext is a JSON string the app reads after launch. */
export function documentationLink(input: DocumentationLinkInput): Link {
  const appContext = {
    questionnaire: [input.questionnaire],
    order: input.orders,
    ...(input.coverage ? { coverage: input.coverage } : {}),
    coverageAssertionId: input.coverageAssertionId,
  };
  return { label: 'Complete documentation (questionnaire prefilled from the chart)', url: `${input.baseUrl}/dtr/launch.html`, type: 'smart', appContext: JSON.stringify(appContext) };
}
