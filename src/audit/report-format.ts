import type { Report } from './report';

const OUTCOMES = ['covered', 'conditional', 'not-covered', 'indeterminate'];

const DAY_MS = 24 * 60 * 60 * 1000;
const MIDNIGHT = /^\d{4}-\d{2}-\d{2}T00:00:00(\.000)?Z$/;

/**
 * The period as the user gave it. The report's `to` is exclusive (--to 2026-11-30 ends at 2026-12-01T00:00Z):
 * whole UTC days print as "2026-11-01 to 2026-11-30 (UTC days, inclusive)", anything else as the instants.
 */
export function reportPeriod(from: string, to: string): string {
  if (MIDNIGHT.test(from) && MIDNIGHT.test(to)) {
    const last = new Date(Date.parse(to) - DAY_MS).toISOString().slice(0, 10);
    return `${from.slice(0, 10)} to ${last} (UTC days, inclusive)`;
  }
  return `${from} up to ${to} (not included)`;
}

/** The report as plain text for a terminal: counts with percentages, widest tables last. */
export function formatReport(report: Report): string {
  const lines: string[] = [];
  const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
  const fb = report.feedback;

  lines.push(`facet-cds decision report: ${reportPeriod(report.from, report.to)} (${report.store} store)`);
  lines.push('');
  lines.push(`Decisions (hook calls): ${report.decisions}   orders: ${report.orders}   procedures: ${report.procedures}`);
  for (const [version, count] of Object.entries(report.policyVersions)) lines.push(`  under ${version}: ${count}`);
  lines.push('');
  lines.push('Orders by outcome');
  const outcomes = [...OUTCOMES, ...Object.keys(report.ordersByOutcome).filter((o) => !OUTCOMES.includes(o))];
  lines.push(...table(['outcome', 'orders', 'share'], outcomes.map((o) => [o, String(report.ordersByOutcome[o] ?? 0), pct(report.ordersByOutcome[o] ?? 0, report.orders)])));
  lines.push('');
  lines.push('Criteria most often unmet or undocumented (per procedure)');
  if (report.criteria.length === 0) lines.push('  none');
  else
    lines.push(
      ...table(
        ['criterion', 'section', 'not met', 'not documented', 'not checked', 'of', 'overridden'],
        report.criteria.map((c) => [
          c.id,
          c.section,
          String(c.notMet),
          String(c.notDocumented),
          String(c.indeterminate),
          String(c.evaluated),
          c.cardsWithFeedback > 0 ? `${c.overridden}/${c.cardsWithFeedback} (${pct(c.overridden, c.cardsWithFeedback)})` : '-',
        ]),
      ),
    );
  lines.push('');
  lines.push(`Feedback: ${fb.cardsWithFeedback} of ${fb.cards} cards (${pct(fb.cardsWithFeedback, fb.cards)}); accepted ${fb.accepted}, overridden ${fb.overridden}`);
  lines.push(`Override rate: ${pct(fb.overridden, fb.cardsWithFeedback)} of cards with feedback`);
  const byOutcome = OUTCOMES.filter((o) => fb.byOutcome[o]).map((o) => {
    const row = fb.byOutcome[o]!;
    return [o, String(row.cards), String(row.withFeedback), String(row.overridden), pct(row.overridden, row.withFeedback)];
  });
  if (byOutcome.length > 0) lines.push(...table(['card outcome', 'cards', 'with feedback', 'overridden', 'override rate'], byOutcome));
  lines.push('');
  lines.push('Override reasons');
  if (fb.overrideReasons.length === 0) lines.push('  none');
  else lines.push(...table(['reason', 'count', 'share', 'display'], fb.overrideReasons.map((r) => [r.code, String(r.count), pct(r.count, fb.overridden), r.display])));
  if (fb.overridesWithComment > 0) lines.push(`  ${fb.overridesWithComment} override(s) carried a free-text comment (not printed: it may hold PHI)`);
  lines.push('');
  lines.push('Accepted suggestions');
  if (fb.acceptedSuggestions.length === 0) lines.push('  none');
  else lines.push(...table(['count', 'suggestion'], fb.acceptedSuggestions.map((s) => [String(s.count), s.label])));
  return `${lines.join('\n')}\n`;
}

/** Left-aligned text columns, numbers and all, indented by two spaces. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
