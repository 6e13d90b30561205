import { ChartBuilder, at, daysBefore, icd, monthsBefore, order } from '../../../helpers/chart';

/**
 * A patient who meets every I.A.1 criterion for a first lumbar diagnostic block: lumbar spondylosis
 * for 8 months, Oswestry 38%, 6 weeks of PT and 6 weeks of naproxen in the last year, a positive facet
 * loading test, a lumbar MRI, active coverage. Variations change one thing.
 */
export function lumbarCandidate(c: ChartBuilder, skip: Array<'pain' | 'adl' | 'pt' | 'nsaid' | 'exam' | 'imaging' | 'coverage'> = []): void {
  c.patient();
  if (!skip.includes('coverage')) c.coverage();
  if (!skip.includes('pain')) c.condition(icd('M47.816'), { onset: monthsBefore(8) });
  if (!skip.includes('adl')) c.functional('oswestry', 38, at(daysBefore(20)));
  if (!skip.includes('pt')) c.physicalTherapy(monthsBefore(5), 6);
  if (!skip.includes('nsaid')) c.nsaid('statement', 'naproxen', monthsBefore(4), 42);
  if (!skip.includes('exam')) c.examFinding('positive-facet-loading', true, at(daysBefore(20)));
  if (!skip.includes('imaging')) c.spineImaging(monthsBefore(3));
}

/** The same patient after two lumbar diagnostic blocks at L4-L5 (or `levels`) with 90% and 85% relief. */
export function afterTwoPositiveBlocks(c: ChartBuilder, relief: [number, number] = [90, 85], levels = ['L4-L5']): void {
  lumbarCandidate(c);
  c.block({ date: monthsBefore(3), relief: relief[0], levels });
  c.block({ date: monthsBefore(2), relief: relief[1], levels });
}

/** What a cervical procedure needs besides the lumbar workup: neck pain for 10 months, NDI 22, a cervical MRI. */
export function cervicalWorkup(c: ChartBuilder): void {
  c.condition(icd('M47.812'), { onset: monthsBefore(10) });
  c.functional('ndi', 22, at(daysBefore(12)));
  c.spineImaging(monthsBefore(2), '72141');
}

export const RF_NOTE = [{ text: 'Radiofrequency ablation will be considered if the blocks are positive' }];
export const NEXT_WEEK = daysBefore(-7);

/** The order of a first lumbar diagnostic block next week at L4-L5, saying RF is being considered. */
export function firstBlockOrder(extra: Parameters<typeof order>[2] = {}) {
  return order('sr-block', '64493', { levels: ['L4-L5'], date: NEXT_WEEK, note: RF_NOTE, ...extra });
}
