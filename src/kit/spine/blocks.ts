import type { Evidence, Finding } from '../../decision/types';
import { met, notMet, plural } from '../criterion';
import type { Region } from './regions';
import { sessionText, type PriorSession } from './sessions';

/**
 * Two diagnostic blocks with at least the threshold relief at each level to be treated (CP.MP.171 I.B.1.b and
 * I.D.1; the LCD's T2 and, with medial branch blocks only, R1): each level needs two blocks that included it
 * (a second block at other levels does not confirm the first). A block whose levels are not charted, or an
 * order whose levels are not, is compared by region, and the card says the levels were not compared.
 */
export interface BlocksAtLevels {
  /** The diagnostic blocks that may count, in date order. */
  blocks: PriorSession[];
  /** The order's levels to be treated (none: not charted, compared by region). */
  levels: string[];
  reliefPercent: number;
  region?: Region;
  /** The blocks' name on the card (default "diagnostic block"). */
  kind?: string;
  /** A not-documented finding with the criterion's how-to-document. */
  notDocumented(summary: string, evidence: Evidence[]): Finding;
}

export function blocksCoverLevels({ blocks, levels, reliefPercent, region, kind = 'diagnostic block', notDocumented }: BlocksAtLevels): Finding {
  const positive = (b: PriorSession) => (b.relief?.percent ?? -1) >= reliefPercent;
  const unknown = (b: PriorSession) => b.relief?.percent === undefined;
  const evidence: Evidence[] = blocks.flatMap((b) => [
    { text: `${sessionText(b)}: ${b.relief?.percent !== undefined ? `${b.relief.percent}% relief` : `relief not charted (${b.relief?.problem})`}`, reference: b.refs[0] },
    ...(b.relief?.evidence ?? []),
  ]);
  if (levels.length === 0) {
    if (blocks.length > 0) evidence.push({ text: `levels of this order not charted: the levels could not be compared, blocks counted by region (${region ?? 'same'})` });
    const pos = blocks.filter(positive);
    const unk = blocks.filter(unknown);
    if (pos.length >= 2) return met(`${plural(pos.length, kind)} with ≥ ${reliefPercent}% relief in the ${region} region (levels not compared)`, evidence);
    if (pos.length + unk.length >= 2 && unk.length > 0) {
      return notDocumented(`${plural(blocks.length, kind)} on record, but the relief after ${plural(unk.length, 'block')} is not charted`, evidence);
    }
    return notMet(`${plural(blocks.length, kind)} on record in the ${region ?? 'same'} region, ${pos.length} with ≥ ${reliefPercent}% relief; two are required`, evidence);
  }
  const covers = (b: PriorSession, level: string) => b.levels.length === 0 || b.levels.includes(level);
  const uncharted = blocks.filter((b) => b.levels.length === 0);
  if (uncharted.length > 0) {
    evidence.push(...uncharted.map((b) => ({ text: `levels of the ${b.label} not charted: the levels could not be compared, counted for every level of the region`, reference: b.refs[0] })));
  }
  const perLevel = levels.map((level) => ({
    level,
    positive: blocks.filter((b) => positive(b) && covers(b, level)).length,
    unknown: blocks.filter((b) => unknown(b) && covers(b, level)).length,
  }));
  const short = perLevel.filter((l) => l.positive < 2);
  if (short.length === 0) return met(`Two ${kind}s with ≥ ${reliefPercent}% relief at each level to be treated (${levels.join(', ')})`, evidence);
  const describe = short.map((l) => `${l.level}: ${l.positive} positive`).join('; ');
  if (short.every((l) => l.positive + l.unknown >= 2)) {
    return notDocumented(`Relief not charted after a block at ${short.map((l) => l.level).join(', ')} (${describe}); two positive blocks are needed at each level to be treated`, evidence);
  }
  return notMet(`Two ${kind}s with ≥ ${reliefPercent}% relief are needed at each level to be treated; ${describe} (${plural(blocks.length, 'block')} in the region)`, evidence);
}
