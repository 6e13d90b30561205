import type { PolicyModule } from '../../../src/decision/types';
import { otherCauseValueSets, spineReads, type SpineSuggestionCoding } from '../../../src/kit';
import thresholds from '../thresholds.json';
import { criteria } from './criteria';
import { OTHER_CAUSES } from './criteria/indications';
import { SCORE_FIELDS } from './criteria/documentation';
import { notices } from './notices';
import { suggest } from './suggestions';
import type { LcdContext, LcdThresholds } from './types';
import { OTHER_BLOCKS, chartModel, prepareUnits } from './units';

/** LCD L38841 as a policy module, on the kit; the coverage is the kit's. */
export const lcdPolicy: PolicyModule<LcdThresholds, LcdContext, SpineSuggestionCoding> = {
  prepare: prepareUnits,
  criteria,
  suggest,
  notices,
  reads: spineReads(chartModel, {
    facts: [SCORE_FIELDS.requirement()],
    valueSets: [
      ...OTHER_BLOCKS,
      ...otherCauseValueSets(OTHER_CAUSES),
      ...thresholds.functionalScales.map((s) => s.valueSet),
      'medialBranchTarget',
      'intraArticularTarget',
      'radiculopathy',
      'neurogenicClaudication',
      'radicularTreatment',
      'facetSynovialCyst',
      'otherDorsopathy',
      'significantDeformity',
      'spinalDeformityCodes',
      'moderateToSevere',
      'physicalTherapy',
      'homeExerciseProgram',
      'lcdConservativeCare',
      'intoleranceReason',
      'mriGuidance',
      'noGuidance',
      'verifiedNonThermal',
      'prolotherapy',
      'intraFacetImplant',
      'anteriorLumbarFusion',
      'generalAnesthesia',
      'sedation',
      'anesthesiaNeed',
      'sameDayNecessity',
      'kxModifier',
      'scoreRangeText',
      'notRfCandidate',
    ],
  }),
};
