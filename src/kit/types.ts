import type { ValueSetMatcher } from '../declarations/value-sets';

/** A declaration's compiled value sets, by name. */
export type ValueSets = Record<string, ValueSetMatcher>;
