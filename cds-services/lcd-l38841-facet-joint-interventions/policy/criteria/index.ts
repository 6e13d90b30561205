import type { Criterion } from '../../../../src/decision/types';
import type { LcdContext } from '../types';
import { noBlockAtSuccessfulAblation, diagnosticInterval, diagnosticSessionsPerYear, diagnosticsBeyondTwo, secondDiagnosticRelief } from './diagnostic';
import { disabilityScale, sameScaleRelief, singleScore } from './documentation';
import { axialPainWithDeficit, conservativeCareFailed, facetJointTarget, imageGuidance, noOtherPathology, noUntreatedRadiculopathy, painThreeMonths } from './indications';
import { anesthesiaRule, noImplantOrAfterFusion, noProlotherapy } from './limitations';
import { ablationLevels, ablationSessionsPerYear, repeatDiagnosticsAfterTwoYears, repeatReliefOrFunction, thermalOnly, twoPositiveMedialBranchBlocks } from './radiofrequency';
import { oneRegionPerSession, otherBlocksSameDay, regionsFollowCpt, twoLevelsPerInjectionSession } from './sessions';
import { intraArticularOnly, notAblationCandidate, subsequentReliefOrFunction, therapeuticSessionsPerYear, twoPositiveDiagnostics } from './therapeutic';

/**
 * Every rule of LCD L38841 that a chart can decide at order time, in the order the checklist reads: the
 * order itself and Medicare's non-coverage list, the indications common to every facet procedure (C1-C5,
 * which are D1 for a first diagnostic block), then each kind of procedure's rules, sessions, documentation.
 * D1, S2, N5 and DOC4 are decided through others (docs/lcd-l38841-data-profile.md, "Each rule").
 */
export const criteria: Array<Criterion<LcdContext>> = [
  facetJointTarget,
  imageGuidance,
  thermalOnly,
  noProlotherapy,
  noImplantOrAfterFusion,
  anesthesiaRule,
  oneRegionPerSession,
  twoLevelsPerInjectionSession,
  regionsFollowCpt,
  otherBlocksSameDay,
  // C1-C4: every facet procedure
  axialPainWithDeficit,
  painThreeMonths,
  conservativeCareFailed,
  noUntreatedRadiculopathy,
  noOtherPathology,
  // D: diagnostic blocks
  secondDiagnosticRelief,
  diagnosticInterval,
  diagnosticSessionsPerYear,
  diagnosticsBeyondTwo,
  noBlockAtSuccessfulAblation,
  // T: therapeutic injections
  intraArticularOnly,
  twoPositiveDiagnostics,
  subsequentReliefOrFunction,
  notAblationCandidate,
  therapeuticSessionsPerYear,
  // R: radiofrequency ablation
  twoPositiveMedialBranchBlocks,
  repeatReliefOrFunction,
  repeatDiagnosticsAfterTwoYears,
  ablationSessionsPerYear,
  ablationLevels,
  // DOC: documentation
  sameScaleRelief,
  disabilityScale,
  singleScore,
];
