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
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:(—-]+$/, '')}…`;
}
