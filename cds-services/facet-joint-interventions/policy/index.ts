import type { PolicyModule } from '../../../src/decision/types';
import { spineReads } from '../../../src/kit';
import { criteria } from './criteria';
import { notices } from './notices';
import { suggest } from './suggestions';
import type { FacetCoding, FacetContext, Thresholds } from './types';
import { chartModel, prepareUnits } from './units';

/** CP.MP.171 as a policy module: units, criteria, alternatives and the Medicare and Medicaid notes; the coverage is the kit's. */
export const facetPolicy: PolicyModule<Thresholds, FacetContext, FacetCoding> = {
  prepare: prepareUnits,
  criteria,
  suggest,
  notices,
  reads: spineReads(chartModel, {
    valueSets: ['ultrasoundGuidance', 'physicalTherapy', 'homeExerciseProgram', 'intoleranceReason', 'nsaidContraindications', 'notRfCandidate', 'adlInterference', 'facetExamFindings'],
  }),
};
