import type { Attachment } from 'fhir/r4';

/**
 * The text of a plain-text attachment (`text/*`, `data` in base64); other attachments are not read. It is one
 * text field like any other: the facts it comes from have already cut it to the service's
 * limits.maxTextCharsPerField (src/facts/text-bound.ts, which says on the card what was not read), so it is
 * decoded whole here. HTML tags are read as spaces.
 */
export function attachmentText(attachment: Attachment): string | undefined {
  const type = typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : '';
  if (!type.startsWith('text/') || typeof attachment.data !== 'string') return undefined;
  const text = Buffer.from(attachment.data, 'base64').toString('utf8');
  return type.startsWith('text/html') ? withoutTags(text) : text;
}

/**
 * Each tag (`<` up to the next `>`) as a space, in one pass: `/<[^>]*>/g` would scan to the end of the text
 * from every `<` of a run without `>`, quadratic time. A `<` never closed stays, as that pattern leaves it.
 */
function withoutTags(html: string): string {
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const open = html.indexOf('<', from);
    const close = open < 0 ? -1 : html.indexOf('>', open + 1);
    if (close < 0) break;
    parts.push(html.slice(from, open), ' ');
    from = close + 1;
  }
  parts.push(html.slice(from));
  return parts.join('');
}
