/**
 * Writes the code-set appendix of docs/data-profile.md from the facet declaration's value sets and thresholds,
 * so the documentation cannot drift from what the service reads. `npm run docs:generate`; a test checks it.
 */
import fs from 'node:fs';
import path from 'node:path';
import thresholds from '../cds-services/facet-joint-interventions/thresholds.json';
import valueSets from '../cds-services/facet-joint-interventions/value-sets.json';
import type { ValueSetJson } from '../src/declarations/types';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

export const DATA_PROFILE = path.resolve(__dirname, '../docs/data-profile.md');
const BEGIN = '<!-- code-sets:begin -->';
const END = '<!-- code-sets:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** A pattern, or a group of patterns that must all occur: "`A` and `B` (all, in any order)". */
function textEntry(entry: string | string[]): string {
  if (typeof entry === 'string') return `\`${cell(entry)}\``;
  return `${entry.map((p) => `\`${cell(p)}\``).join(' and ')} (all, in any order)`;
}

export function renderAppendix(): string {
  const lines: string[] = [BEGIN, '', '## Appendix: code sets and thresholds (generated from the declaration)', ''];
  lines.push('| threshold | value |', '|---|---|');
  for (const [name, value] of Object.entries(thresholds)) {
    if (typeof value === 'number') lines.push(`| \`${name}\` | ${value} |`);
  }
  lines.push('');
  lines.push(
    'Each code set lists its codes by system (exact codes, prefixes as `X*`, ranges as `A–B`) and, where the policy reads free text, its case-insensitive text patterns: the set matches a text when any entry does, and an entry "`A` and `B` (all, in any order)" when each of its patterns occurs, unnegated. Every pattern is checked at start-up to match in time linear in the text.',
    '',
  );
  for (const [name, vs] of Object.entries(valueSets as Record<string, ValueSetJson>)) {
    lines.push(`### \`${name}\`: ${vs.title}`, '');
    for (const include of vs.include ?? []) {
      const parts = [
        ...(include.codes ?? []),
        ...(include.prefixes ?? []).map((p) => `${p}*`),
        ...(include.ranges ?? []).map(([from, to]) => `${from}–${to}`),
      ];
      lines.push(`- ${include.system}: ${parts.join(', ')}${include.provenance ? ` — *${include.provenance}*` : ''}`);
    }
    if (vs.textPatterns?.length) lines.push(`- text (case-insensitive): ${vs.textPatterns.map(textEntry).join(', ')}`);
    if (vs.note) lines.push(`- note: ${vs.note}`);
    lines.push('');
  }
  lines.push(END);
  return lines.join('\n');
}

export function renderDataProfile(current: string): string {
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`${DATA_PROFILE} lacks the ${BEGIN} … ${END} markers`);
  return `${current.slice(0, start)}${renderAppendix()}${current.slice(end + END.length)}`;
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  fs.writeFileSync(DATA_PROFILE, renderDataProfile(fs.readFileSync(DATA_PROFILE, 'utf8')));
  process.stdout.write(`wrote ${path.relative(process.cwd(), DATA_PROFILE)}\n`);
}
