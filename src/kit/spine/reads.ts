import type { DeclarationNeeds } from '../../decision/types';
import type { ChartModel } from '../chart/read';
import { PROGRAM_VALUE_SETS } from '../coverage';
import { CYST_VALUE_SETS } from './cyst';
import { SPINE_OTHER_CAUSES, otherCauseValueSets } from './other-causes';
import { ORDER_FIELDS, ORDER_VALUE_SETS, checkSpineCoding } from './orders';
import { SESSION_VALUE_SETS } from './sessions';
import { VISIT_VALUE_SETS } from './visit';

/**
 * What the spine module reads of a declaration: the draft-order fields, and the value sets orders,
 * sessions, visits, regions, imaging regions, scores, programs and the reviewer readings are read with. A policy built on the
 * module declares them (its `reads`), so a declaration lacking one stops start-up naming it.
 */
export const SPINE_READS: Required<DeclarationNeeds> = {
  facts: [ORDER_FIELDS.requirement()],
  coding: checkSpineCoding,
  valueSets: [
    ...ORDER_VALUE_SETS,
    ...SESSION_VALUE_SETS,
    ...VISIT_VALUE_SETS,
    'wholeSpineImaging',
    'cervicalSpineImaging',
    'thoracicSpineImaging',
    'lumbarSpineImaging',
    'painScores',
    'reliefPercent',
    // The reviewer readings (pain and its duration, cyst, other causes, why not radiofrequency).
    'painConditions',
    'spineImaging',
    'imagingGuidanceOnly',
    'notRfCandidate',
    ...CYST_VALUE_SETS,
    ...otherCauseValueSets(SPINE_OTHER_CAUSES),
    PROGRAM_VALUE_SETS.medicare,
    PROGRAM_VALUE_SETS.medicaid,
  ],
};

/** A spine policy's reads: its chart model's facts, the spine module's, and its own. */
export function spineReads(chart: ChartModel, own: DeclarationNeeds = {}): DeclarationNeeds {
  return {
    facts: [...chart.requirements(), ...SPINE_READS.facts, ...(own.facts ?? [])],
    valueSets: [...new Set([...SPINE_READS.valueSets, ...(own.valueSets ?? [])])],
    coding: (coding) => [...SPINE_READS.coding(coding), ...(own.coding?.(coding) ?? [])],
  };
}
