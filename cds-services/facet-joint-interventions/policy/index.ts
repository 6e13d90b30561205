import type { PolicyModule } from '../../../src/decision/types';
import { coverage, notices } from './coverage';
import { criteria } from './criteria';
import { suggest } from './suggestions';
import type { FacetContext, Thresholds } from './types';
import { prepareUnits } from './units';

/** CP.MP.171 as a policy module: units, criteria, alternatives, coverage and notes. */
export const facetPolicy: PolicyModule<Thresholds, FacetContext> = {
  prepare: prepareUnits,
  criteria,
  suggest,
  coverage,
  notices,
};
