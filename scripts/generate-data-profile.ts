/**
 * Writes the generated parts of each policy's data profile (docs/<profile>.md: CP.MP.171's data-profile.md, the
 * Medicare LCD's lcd-l38841-data-profile.md) from what the service loads: the thresholds and value sets of the
 * policy, the ones it shares with the service that applies it, and (when the profile asks for it) the table of
 * its rules with source and verification. The documentation cannot drift from what the service reads.
 * `npm run docs:generate`; a test checks every profile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadServices } from '../src/declarations/load';
import type { LoadedPolicy, LoadedService, ValueSetJson } from '../src/declarations/types';
import { exitQuietlyWhenOutputCloses } from '../src/cli-output';

export const DOCS_DIR = path.resolve(__dirname, '../docs');
/** CP.MP.171's data profile (the facet service's own policy). */
export const DATA_PROFILE = path.join(DOCS_DIR, 'data-profile.md');
const CODE_SETS = { begin: '<!-- code-sets:begin -->', end: '<!-- code-sets:end -->' };
const RULES = { begin: '<!-- rules:begin -->', end: '<!-- rules:end -->' };

/** A profile to write: the policy it documents, the service that applies it, its file. */
export interface ProfileTarget {
  policy: LoadedPolicy;
  service: LoadedService;
  file: string;
}

/** Every policy of the loaded services that names a data profile (policy.profile), once. */
export function profileTargets(services: LoadedService[] = loadServices()): ProfileTarget[] {
  const seen = new Set<string>();
  return services.flatMap((service) =>
    service.policies.flatMap((policy) => {
      const page = policy.document.profile;
      if (!page || seen.has(page)) return [];
      seen.add(page);
      return [{ policy, service, file: path.join(DOCS_DIR, `${page}.md`) }];
    }),
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

interface FunctionalScaleRow {
  valueSet: string;
  label: string;
  higherIsWorse: boolean;
  interferesAt: number;
  region: string;
  mcid: number;
  mcidSource: string;
}

/** A pattern, or a group of patterns that must all occur: "`A` and `B` (all, in any order)". */
function textEntry(entry: string | string[]): string {
  if (typeof entry === 'string') return `\`${cell(entry)}\``;
  return `${entry.map((p) => `\`${cell(p)}\``).join(' and ')} (all, in any order)`;
}

function valueSetLines(name: string, vs: ValueSetJson): string[] {
  const lines = [`### \`${name}\`: ${vs.title}`, ''];
  for (const include of vs.include ?? []) {
    const parts = [...(include.codes ?? []), ...(include.prefixes ?? []).map((p) => `${p}*`), ...(include.ranges ?? []).map(([from, to]) => `${from}–${to}`)];
    lines.push(`- ${include.system}: ${parts.join(', ')}${include.provenance ? ` — *${include.provenance}*` : ''}`);
  }
  if (vs.textPatterns?.length) lines.push(`- text (case-insensitive): ${vs.textPatterns.map(textEntry).join(', ')}`);
  if (vs.note) lines.push(`- note: ${vs.note}`);
  lines.push('');
  return lines;
}

/** The appendix: thresholds, functional scales, the policy's own value sets, and those it reads of the service's. */
export function renderAppendix(target: ProfileTarget): string {
  const { policy, service } = target;
  const thresholds = policy.thresholds as Record<string, unknown>;
  const lines: string[] = [CODE_SETS.begin, '', '## Appendix: code sets and thresholds (generated from the declaration)', ''];
  lines.push('| threshold | value |', '|---|---|');
  for (const [name, value] of Object.entries(thresholds)) {
    if (typeof value === 'number') lines.push(`| \`${name}\` | ${value} |`);
  }
  lines.push('');
  for (const [name, value] of Object.entries(thresholds)) {
    if (typeof value === 'string') lines.push(`- \`${name}\`: ${value}`);
  }
  const scales = thresholds.functionalScales as FunctionalScaleRow[] | undefined;
  if (scales) {
    lines.push('', '| functional scale | region | interferes at | MCID (points) | MCID source |', '|---|---|---|---|---|');
    for (const scale of scales) {
      const region = scale.region === 'any' ? 'any (region-neutral)' : scale.region;
      lines.push(`| \`${scale.valueSet}\` ${scale.label} | ${region} | ${scale.higherIsWorse ? '≥' : '≤'} ${scale.interferesAt} | ${scale.mcid} | ${cell(scale.mcidSource)} |`);
    }
  }
  lines.push('');
  lines.push(
    `Limits of the \`${service.id}\` service (\`service.json\` \`limits\`), which bound every policy it applies: each text field (a note, a code's text, a report's conclusion or decoded \`presentedForm\`) is read up to its first ${service.limits.maxTextCharsPerField.toLocaleString('en-US')} characters (\`maxTextCharsPerField\`), a request may carry at most ${service.limits.maxInScopeOrders} orders in scope (\`maxInScopeOrders\`), and may name at most ${service.limits.maxOrderReferences} orders by reference (\`maxOrderReferences\`: \`order-dispatch\`'s dispatched orders, the \`basedOn\` of \`appointment-book\`'s Appointments).`,
    '',
  );
  lines.push(
    'Each code set lists its codes by system (exact codes, prefixes as `X*`, ranges as `A–B`) and, where the policy reads free text, its case-insensitive text patterns: the set matches a text when any entry does, and an entry "`A` and `B` (all, in any order)" when each of its patterns occurs, unnegated. Every pattern is checked at start-up to match in time linear in the text.',
    '',
  );
  const { valueSets, ownValueSets } = policy.data;
  for (const name of ownValueSets) lines.push(...valueSetLines(name, valueSets[name]!));
  if (policy !== service.policy) {
    // A policy applied by a service reads the service's value sets by name (no copy): list the ones it reads.
    const read = (policy.module.reads?.valueSets ?? []).filter((name) => !ownValueSets.includes(name));
    const shared = read.filter((name) => name in valueSets).sort();
    const serviceProfile = service.policy.document.profile;
    lines.push(
      `### Shared with ${service.policy.document.id} (the \`${service.id}\` service's value sets)`,
      '',
      `Read by name from [\`cds-services/${service.id}/value-sets.json\`](../cds-services/${service.id}/value-sets.json)` +
        `${serviceProfile ? ` (listed in [its data profile](${serviceProfile}.md#appendix-code-sets-and-thresholds-generated-from-the-declaration))` : ''}, not copied: ` +
        'a change there changes both policies. A set that must differ is declared here under a name of its own (start-up refuses a name declared twice).',
      '',
      shared.map((n) => `\`${n}\``).join(', '),
      '',
    );
  }
  lines.push(CODE_SETS.end);
  return lines.join('\n');
}

const VERIFICATION: Record<string, string> = { primary: '✅ primary', secondary: '◐ secondary only', unverified: '○ not verified' };

/** The rules table: each criterion with the rule it implements, its source and how well that is verified. */
export function renderRules(target: ProfileTarget): string {
  const { policy } = target;
  const lines = [RULES.begin, '', '| rule | criterion | as the card says it | source | verified |', '|---|---|---|---|---|'];
  for (const criterion of policy.module.criteria) {
    const citation = policy.citations[criterion.id]!;
    lines.push(`| ${cell(citation.section)} | \`${criterion.id}\`${criterion.categorical ? ' *(categorical)*' : ''} | ${cell(criterion.title)} | ${cell(citation.source ?? policy.document.id)} | ${VERIFICATION[citation.verification ?? 'primary']} |`);
  }
  lines.push('', RULES.end);
  return lines.join('\n');
}

function replaceBetween(current: string, markers: { begin: string; end: string }, text: string, file: string, required: boolean): string {
  const start = current.indexOf(markers.begin);
  const end = current.indexOf(markers.end);
  if (start < 0 || end < 0) {
    if (required) throw new Error(`${file} lacks the ${markers.begin} … ${markers.end} markers`);
    return current;
  }
  return `${current.slice(0, start)}${text}${current.slice(end + markers.end.length)}`;
}

/** A profile with its generated parts rewritten (the rules table only where the profile has its markers). */
export function renderProfile(target: ProfileTarget, current: string): string {
  const withCodeSets = replaceBetween(current, CODE_SETS, renderAppendix(target), target.file, true);
  return replaceBetween(withCodeSets, RULES, renderRules(target), target.file, false);
}

/** CP.MP.171's data profile, its generated parts rewritten. */
export function renderDataProfile(current: string): string {
  const target = profileTargets().find((t) => t.file === DATA_PROFILE);
  if (!target) throw new Error(`no loaded policy has the data profile ${DATA_PROFILE}`);
  return renderProfile(target, current);
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  for (const target of profileTargets()) {
    fs.writeFileSync(target.file, renderProfile(target, fs.readFileSync(target.file, 'utf8')));
    process.stdout.write(`wrote ${path.relative(process.cwd(), target.file)}\n`);
  }
}
