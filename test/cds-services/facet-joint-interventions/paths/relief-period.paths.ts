import { at, daysBefore, monthsBefore, order } from '../../../helpers/chart';
import { NEXT_WEEK, lumbarCandidate } from './base-charts';
import type { PathScenario } from './scenario';

type Builder = Parameters<PathScenario['chart']>[0];

/**
 * Two positive L4-L5 blocks, a neurotomy 9 months ago (pain 8, Oswestry 46 before it), pain 2–3 for six months
 * after it, Oswestry `during` 3 months after it; then the pain came back (7) and Oswestry `later` last week.
 */
function neurotomyThenRecurrence(c: Builder, during: number | undefined, later: number): void {
  lumbarCandidate(c, ['adl']);
  c.block({ date: monthsBefore(12), relief: 90 });
  c.block({ date: monthsBefore(11), relief: 85 });
  const date = monthsBefore(9);
  c.functional('oswestry', 46, at(date, '08:00'));
  c.painScore(8, at(date, '08:15'));
  c.procedure({ system: 'http://www.ama-assn.org/go/cpt', code: '64635' }, { date: at(date), bodySite: ['L4-L5'] });
  [1, 3, 6].forEach((m, i) => c.painScore([2, 2, 3][i]!, at(monthsBefore(9 - m))));
  if (during !== undefined) c.functional('oswestry', during, at(monthsBefore(6), '10:00'));
  c.painScore(7, at(daysBefore(7)));
  c.functional('oswestry', later, at(daysBefore(7), '10:00'));
}

/**
 * I.B.2.b: "≥ 50% pain relief was obtained for at least six months, with associated functional improvement,
 * following the previous treatment". The improvement goes with the relief: it is read within the relief
 * period, not from a score taken after the pain came back (which is why a repeat is ordered).
 */
export const reliefPeriodPaths: PathScenario[] = [
  {
    name: 'I.B.2.b: Oswestry 46 → 18 during the six months of relief, 40 once the pain came back: functional improvement, covered',
    chart: (c) => neurotomyThenRecurrence(c, 18, 40),
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: {
      'sr-rrf': {
        outcome: 'covered',
        criteria: { 'repeat-rf-sustained-relief': 'met' },
        evidence: { 'repeat-rf-sustained-relief': { counted: [/Oswestry Disability Index after 18/], notCounted: /Oswestry Disability Index after 40/ } },
      },
    },
  },
  {
    name: 'I.B.2.b: Oswestry 46 → 44 during the relief (under the MCID), however good a later score: no functional improvement, not covered',
    chart: (c) => neurotomyThenRecurrence(c, 44, 20),
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'not-covered', criteria: { 'repeat-rf-sustained-relief': 'not-met' } } },
  },
  {
    name: 'I.B.2.b: no functional score within the relief period: the latest later score is read (40, under the MCID), not covered',
    chart: (c) => neurotomyThenRecurrence(c, undefined, 40),
    orders: () => [order('sr-rrf', '64635', { levels: ['L4-L5'], date: NEXT_WEEK })],
    expect: { 'sr-rrf': { outcome: 'not-covered', criteria: { 'repeat-rf-sustained-relief': 'not-met' } } },
  },
];
