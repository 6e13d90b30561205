import { ChartBuilder, at, cpt, daysBefore, monthsBefore, order } from '../../../helpers/chart';
import { LOCAL } from '../../../helpers/builders';
import { lumbarCandidate } from '../../facet-joint-interventions/paths/base-charts';

/** Original Medicare (SOPT 121), paid by CMS: the member is decided under LCD L38841. */
export const MEDICARE_FFS = { code: '121', display: 'Medicare FFS' };
export const NEXT_WEEK = daysBefore(-7);
export const HCPCS = 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets';
export const MBB = [{ coding: [{ system: LOCAL, code: 'medial-branch-block', display: 'Medial branch block' }] }];
export const IA = [{ coding: [{ system: LOCAL, code: 'intra-articular', display: 'Intra-articular facet injection' }] }];

type Skip = Parameters<typeof lumbarCandidate>[1];

/**
 * A Medicare member who meets every indication of the LCD for a first lumbar block: CP.MP.171's lumbar
 * candidate (spondylosis 8 months, Oswestry 38, physical therapy and naproxen, a lumbar MRI) with Medicare FFS
 * coverage and a 0-10 pain score of 6 twenty days ago.
 */
export function medicareCandidate(c: ChartBuilder, skip: NonNullable<Skip> = []): void {
  lumbarCandidate(c, [...skip, 'coverage']);
  c.coverage({ sopt: MEDICARE_FFS, payor: 'Centers for Medicare & Medicaid Services' });
  c.painScore(6, at(daysBefore(20)));
}

/** A first lumbar diagnostic medial branch block at L4-L5 next week. */
export function mbbOrder(id = 'sr-mbb', extra: Parameters<typeof order>[2] = {}) {
  return order(id, '64493', { levels: ['L4-L5'], date: NEXT_WEEK, orderDetail: MBB, ...extra });
}

/** Two diagnostic medial branch blocks at `levels`, 3 and 2 months ago, with `relief`. */
export function twoMedialBranchBlocks(c: ChartBuilder, relief: [number, number] = [90, 85], levels = ['L4-L5']): void {
  c.block({ date: monthsBefore(3), relief: relief[0], levels, target: 'medial-branch' });
  c.block({ date: monthsBefore(2), relief: relief[1], levels, target: 'medial-branch' });
}

/**
 * A conventional ablation at L4-L5 `monthsAgo` months ago after two positive medial branch blocks, a baseline
 * pain of 8 and Oswestry 40 before it, and pain `painAfter` 1, 3 and 6 months after it, Oswestry `oswestryAfter`.
 */
export function afterAblation(c: ChartBuilder, monthsAgo: number, painAfter: number[] = [3, 3, 3], oswestryAfter = 22): void {
  medicareCandidate(c, ['adl']);
  c.block({ date: monthsBefore(monthsAgo + 3), relief: 90, target: 'medial-branch' });
  c.block({ date: monthsBefore(monthsAgo + 2), relief: 85, target: 'medial-branch' });
  const date = monthsBefore(monthsAgo);
  c.functional('oswestry', 40, at(date, '08:00'));
  c.painScore(8, at(date, '08:15'));
  c.procedure(cpt('64635'), { date: at(date), bodySite: ['L4-L5'] });
  [1, 3, 6]
    .map((m) => monthsBefore(monthsAgo - m))
    .filter((d) => d <= daysBefore(1))
    .forEach((d, i) => c.painScore(painAfter[i]!, at(d)));
  if (monthsAgo >= 6) c.functional('oswestry', oswestryAfter, at(monthsBefore(monthsAgo - 6)));
}
