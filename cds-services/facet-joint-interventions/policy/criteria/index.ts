import type { Criterion } from '../../../../src/decision/types';
import type { FacetContext } from '../types';
import { facetSyndromeFindings, noRadiculopathyOrMyelopathy } from './clinical-findings';
import { imagingNoOtherCause } from './imaging';
import { nsaidTrial, physicalTherapy } from './conservative-therapy';
import { diagnosticBlockLimit, radiofrequencyConsidered, secondBlockInterval, secondBlockRelief, secondBlockSameLevels } from './diagnostic-blocks';
import { levelsDiagnostic, levelsInitialRadiofrequency, levelsRepeatRadiofrequency, levelsTherapeutic } from './levels';
import { conventionalRadiofrequency, pulsedRadiofrequency } from './modality';
import { painInterferesWithAdls, painThreeMonths, radiofrequencyPainThreeMonths } from './pain';
import { radiofrequencyTwoPositiveBlocks, repeatRadiofrequencyInterval, repeatRadiofrequencySustainedRelief } from './radiofrequency';
import { thoracicInjection, thoracicRadiofrequency } from './region';
import { facetJointTarget, imageGuidance, oneProcedurePerVisit } from './session';
import { notRadiofrequencyCandidate, therapeuticSustainedRelief, therapeuticTwoPositiveBlocks } from './therapeutic';

/** Every criterion of CP.MP.171, in the order the checklist reads: categorical exclusions, then each pathway's criteria. */
const facetCriteria: Array<Criterion<FacetContext>> = [
  oneProcedurePerVisit,
  imageGuidance,
  thoracicInjection,
  thoracicRadiofrequency,
  pulsedRadiofrequency,
  conventionalRadiofrequency,
  // I.A.1 diagnostic blocks
  diagnosticBlockLimit,
  painThreeMonths,
  painInterferesWithAdls,
  physicalTherapy,
  nsaidTrial,
  facetSyndromeFindings,
  imagingNoOtherCause,
  noRadiculopathyOrMyelopathy,
  levelsDiagnostic,
  secondBlockRelief,
  secondBlockInterval,
  secondBlockSameLevels,
  radiofrequencyConsidered,
  // I.B.1 initial neurotomy
  radiofrequencyPainThreeMonths,
  radiofrequencyTwoPositiveBlocks,
  levelsInitialRadiofrequency,
  // I.B.2 repeat neurotomy
  repeatRadiofrequencyInterval,
  repeatRadiofrequencySustainedRelief,
  levelsRepeatRadiofrequency,
  // I.D therapeutic injections
  therapeuticTwoPositiveBlocks,
  therapeuticSustainedRelief,
  notRadiofrequencyCandidate,
  levelsTherapeutic,
];

/**
 * An order that names another joint under a facet code is not decided as a facet procedure: only
 * facet-joint-target applies to it, and says what the order appears to be.
 */
export const criteria: Array<Criterion<FacetContext>> = [
  facetJointTarget,
  ...facetCriteria.map((c): Criterion<FacetContext> => ({ ...c, appliesTo: (ctx) => ctx.unit.nonFacetJoint === undefined && c.appliesTo(ctx) })),
];
