/** Text from the chart goes into GitHub-flavoured markdown escaped: no HTML, no accidental emphasis or links. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/\r?\n/g, ' ');
}

/** CDS Hooks summaries must be under 140 characters. */
export function truncateSummary(text: string, max = 139): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${withoutTrailingPunctuation(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut)}…`;
}

const TRAILING = new Set([...' \t\n\r\f\v,;:(—-']);

/** Drops trailing spaces and separators before an ellipsis (a loop: `/[\s,;:(—-]+$/` backtracks quadratically on a long run). */
function withoutTrailingPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && (TRAILING.has(text[end - 1]!) || /\s/.test(text[end - 1]!))) end--;
  return text.slice(0, end);
}
