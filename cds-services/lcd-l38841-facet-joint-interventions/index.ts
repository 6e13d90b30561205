import type { QuestionnaireJson } from '../../src/dtr/declaration';
import type { FactExtension, PolicyDefinition, PolicyJson, ValueSetJson } from '../../src/declarations/types';
import type { SpineSuggestionCoding } from '../../src/kit';
import facts from './facts.json';
import { lcdPolicy } from './policy/index';
import { citations } from './policy/criteria/define';
import clinicalText from './clinical-text.json';
import type { LcdThresholds } from './policy/types';
import declaration from './policy.json';
import thresholds from './thresholds.json';
import questionnaire from './questionnaire.json';
import valueSets from './value-sets.json';

/**
 * Medicare LCD L38841, Facet Joint Interventions for Pain Management: a policy the facet-joint-interventions
 * service applies to Medicare members (its service.json policySelection). It reads the service's chart: the
 * service's value sets, facts and code tables are its own, with what this folder adds (value-sets.json,
 * facts.json). Every rule of shared/policy/LCD-L38841-facet-joint-interventions-notes.md decidable from a
 * chart at order time is a criterion citing its rule, source and verification (citations.json).
 */
const definition: PolicyDefinition<LcdThresholds, SpineSuggestionCoding> = {
  declaration: declaration as PolicyJson,
  valueSets: valueSets as Record<string, ValueSetJson>,
  facts: facts as Record<string, FactExtension>,
  thresholds,
  citations,
  clinicalText,
  module: lcdPolicy,
  questionnaire: questionnaire as QuestionnaireJson,
};

export default definition;
