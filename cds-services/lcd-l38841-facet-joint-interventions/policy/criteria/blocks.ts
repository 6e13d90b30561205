import type { Evidence, Finding } from '../../../../src/decision/types';
import { met, notMet, sessionText, type PriorSession } from '../../../../src/kit';
import type { LcdContext } from '../types';

/**
 * R1 (and R3's repeat blocks): before an ablation, the last two diagnostic blocks at each level to be treated
 * are medial branch blocks (intra-articular injections do not count), each with at least 80% relief: "two in
 * a row at the same level or site", as CGS reads L38773. A block whose levels are not charted counts for
 * every level of the region. A block whose target (MBB or IA) or relief is not charted cannot be counted
 * either way: not documented.
 */
export function twoConsecutiveMedialBranchBlocks(ctx: LcdContext, blocks: PriorSession[], notDocumented: (summary: string, evidence: Evidence[]) => Finding): Finding {
  const { unit, t } = ctx;
  const positive = (b: PriorSession) => (b.relief?.percent ?? -1) >= t.diagnosticReliefPercent;
  const targetText = (b: PriorSession) => (b.target === 'medial-branch' ? 'medial branch block' : b.target === 'intra-articular' ? 'intra-articular injection' : 'target not charted');
  const intraArticular = blocks.filter((b) => b.target === 'intra-articular');
  const eligible = blocks.filter((b) => b.target !== 'intra-articular');
  const evidence: Evidence[] = [
    ...eligible.map((b) => ({ text: `${sessionText(b)}, ${targetText(b)}: ${b.relief?.percent !== undefined ? `${b.relief.percent}% relief` : `relief not charted (${b.relief?.problem})`}`, reference: b.refs[0] })),
    ...intraArticular.map((b) => ({ text: `set aside, an intra-articular injection is not a medial branch block: ${sessionText(b)}`, reference: b.refs[0], setAside: 'intra-articular' })),
  ];
  const levels = unit.levelNames.length > 0 ? unit.levelNames : [undefined];
  const covers = (b: PriorSession, level: string | undefined) => level === undefined || b.levels.length === 0 || b.levels.includes(level);
  const verdicts = levels.map((level) => {
    const lastTwo = eligible.filter((b) => covers(b, level)).slice(-2);
    const where = level ?? `the ${unit.cptRegion ?? 'same'} region (levels not charted)`;
    if (lastTwo.length === 2 && lastTwo.every((b) => positive(b) && b.target === 'medial-branch')) return { where, status: 'met' as const };
    const unknown = lastTwo.some((b) => b.relief?.percent === undefined || b.target === undefined);
    const couldBe = lastTwo.length === 2 && lastTwo.every((b) => positive(b) || b.relief?.percent === undefined);
    return { where, status: unknown && couldBe ? ('not-documented' as const) : ('not-met' as const), count: lastTwo.filter((b) => positive(b) && b.target === 'medial-branch').length };
  });
  if (verdicts.every((v) => v.status === 'met')) return met(`The last two diagnostic blocks at ${levels.map((l) => l ?? 'the region').join(', ')} were medial branch blocks with ≥ ${t.diagnosticReliefPercent}% relief`, evidence);
  const short = verdicts.filter((v) => v.status !== 'met');
  const describe = short.map((v) => `${v.where}: ${v.count ?? 0} of the last two`).join('; ');
  if (short.every((v) => v.status === 'not-documented')) {
    return notDocumented(`The target (medial branch or intra-articular) or the relief of a block at ${short.map((v) => v.where).join(', ')} is not charted`, evidence);
  }
  return notMet(`Two medial branch blocks in a row with ≥ ${t.diagnosticReliefPercent}% relief are needed at each level to be treated; ${describe}`, evidence);
}
