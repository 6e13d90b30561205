/** A text field read only in part: where, and how long it was. */
export interface TextNotRead {
  /** "Type/id" of the resource. */
  reference: string;
  /** The field (fact field or element) that was cut. */
  field: string;
  /** Its length, in characters. */
  length: number;
}

/** The fields of one request cut at the bound, for the card and the decision record. */
export interface TextNotReadReport {
  maxCharsPerField: number;
  fields: TextNotRead[];
  /** Further fields cut, beyond those listed. */
  more?: number;
}

/** The members of a concept, coding or reference that hold text. */
const TEXT_MEMBERS = ['text', 'display'] as const;

/** Fields listed by name; the rest are counted. */
const LISTED = 20;

/**
 * The per-field text bound of one request (a service's `limits.maxTextCharsPerField`): text handed to the
 * matchers is cut to the first `maxChars` characters, and each cut is remembered so the card can say what
 * was not read. Values are never changed in place (a cut concept is a shallow copy): the orders go back to
 * the EHR as it sent them.
 */
export class TextBound {
  private readonly cut: TextNotRead[] = [];
  private count = 0;

  constructor(readonly maxChars: number) {}

  /** The text, cut to the bound (remembered as not read beyond it). */
  text(value: string, reference: string, field: string): string {
    if (value.length <= this.maxChars) return value;
    this.remember(reference, field, value.length);
    return value.slice(0, this.maxChars);
  }

  /**
   * FHIRPath results as the policy reads them: strings, the text members of concepts, codings and
   * references (`text`, `display`, `coding[].display`) and the decoded text of text attachments are cut to
   * the bound. Returns the same array when nothing is too long.
   */
  values(values: unknown[], reference: string, field: string): unknown[] {
    let out: unknown[] | undefined;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      const bounded = typeof value === 'string' ? this.text(value, reference, field) : value && typeof value === 'object' ? this.object(value as Record<string, unknown>, reference, field) : value;
      if (bounded !== value) (out ??= values.slice())[i] = bounded;
    }
    return out ?? values;
  }

  report(): TextNotReadReport | undefined {
    if (this.count === 0) return undefined;
    return { maxCharsPerField: this.maxChars, fields: [...this.cut], ...(this.count > this.cut.length ? { more: this.count - this.cut.length } : {}) };
  }

  private object(value: Record<string, unknown>, reference: string, field: string): Record<string, unknown> {
    if (typeof value.data === 'string' && typeof value.contentType === 'string') return this.attachment(value, value.data, value.contentType, reference, field);
    let copy: Record<string, unknown> | undefined;
    for (const member of TEXT_MEMBERS) {
      const text = value[member];
      if (typeof text === 'string' && text.length > this.maxChars) (copy ??= { ...value })[member] = this.text(text, reference, `${field}.${member}`);
    }
    const coding = value.coding;
    if (Array.isArray(coding)) {
      const bounded = this.values(coding, reference, `${field}.coding`);
      if (bounded !== coding) (copy ??= { ...value }).coding = bounded;
    }
    return copy ?? value;
  }

  /**
   * A text attachment (a report's `presentedForm`: `text/*`, base64 `data`) is one text field: its decoded text
   * is cut to the bound like any other, and goes on as the base64 of what is read. Other attachments are not
   * read as text and pass as they are.
   */
  private attachment(value: Record<string, unknown>, data: string, contentType: string, reference: string, field: string): Record<string, unknown> {
    if (!contentType.toLowerCase().startsWith('text/')) return value;
    // 4 base64 characters are 3 bytes, and a character at least one byte: this short, it cannot pass the bound.
    if (data.length <= Math.floor(this.maxChars / 3) * 4) return value;
    const text = Buffer.from(data, 'base64').toString('utf8');
    if (text.length <= this.maxChars) return value;
    return { ...value, data: Buffer.from(this.text(text, reference, `${field} text`), 'utf8').toString('base64') };
  }

  private remember(reference: string, field: string, length: number): void {
    this.count++;
    if (this.cut.length < LISTED) this.cut.push({ reference, field, length });
  }
}
