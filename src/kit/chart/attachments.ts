import type { Attachment } from 'fhir/r4';

/** A report's text is read up to this many characters; a longer presentedForm is cut there (bounded work per request). */
export const MAX_REPORT_TEXT = 20_000;

/** The text of a plain-text attachment (`data` in base64), up to MAX_REPORT_TEXT characters; other attachments are not read. */
export function attachmentText(attachment: Attachment): string | undefined {
  const type = typeof attachment.contentType === 'string' ? attachment.contentType.toLowerCase() : '';
  if (!type.startsWith('text/') || typeof attachment.data !== 'string') return undefined;
  // Decode only what is read: 4 base64 characters are 3 bytes, and a UTF-8 character is at least one byte.
  const base64 = attachment.data.slice(0, Math.ceil((MAX_REPORT_TEXT * 4) / 3) + 4);
  const text = Buffer.from(base64, 'base64').toString('utf8').slice(0, MAX_REPORT_TEXT);
  return type.startsWith('text/html') ? text.replace(/<[^>]*>/g, ' ') : text;
}
