import type { QuestionnaireJson } from '../../src/dtr/declaration';
import type { FactJson, ServiceDefinition, ServiceJson, ValueSetJson } from '../../src/declarations/types';
import citations from './citations.json';
import clinicalText from './clinical-text.json';
import coding from './coding.json';
import facts from './facts.json';
import { facetPolicy } from './policy';
import type { FacetCoding, Thresholds } from './policy/types';
import service from './service.json';
import thresholds from './thresholds.json';
import questionnaire from './questionnaire.json';
import valueSets from './value-sets.json';

/**
 * Facet Joint Interventions (CP.MP.171, rev. 05/26). Everything policy-specific is data in this folder
 * (service, value sets, thresholds, FHIRPath facts, citations) plus the criterion functions in policy/.
 */
const definition: ServiceDefinition<Thresholds, FacetCoding> = {
  service: service as ServiceJson,
  valueSets: valueSets as Record<string, ValueSetJson>,
  thresholds: thresholds as Thresholds,
  facts: facts as Record<string, FactJson>,
  citations,
  clinicalText,
  coding: coding as FacetCoding,
  policy: facetPolicy,
  questionnaire: questionnaire as QuestionnaireJson,
};

export default definition;
