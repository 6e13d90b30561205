import type { Card, HookResponse } from '../cds/types';
import type { DecisionRecord, RecordTruncation, UnitRecord } from '../store/types';

export interface SerializedRecord {
  /** The record as stored (JSON), at most the limit unless even the smallest form is larger. */
  json: string;
  bytes: number;
  truncated?: RecordTruncation;
  /** The most JSON (characters) produced between two turns of the event loop: serialising never blocks long. */
  largestSliceChars: number;
}

export interface SerializeOptions {
  /** AUDIT_MAX_RECORD_BYTES. */
  maxBytes: number;
  /** Hand the event loop back after about this many characters of JSON (default 64 Ki). */
  sliceBytes?: number;
}

/**
 * A decision record as JSON, bounded and without blocking the event loop for long. The record is written
 * after the answer, in the same process that answers the next requests: it is serialised in slices (one
 * order, one card, one system action at a time), yielding between them, and never as one long
 * JSON.stringify. When it is larger than `maxBytes` it is stored truncated, never dropped: first the
 * response keeps only what identifies its cards and actions (the orders echoed back in each
 * coverage-information action go), then evidence texts go (their counts stay), then each criterion keeps
 * only its id, section and status. What was left out is said in the record's `truncated` member.
 */
export async function serializeRecord(record: DecisionRecord, options: SerializeOptions): Promise<SerializedRecord> {
  const writer = new SlicedWriter(options.sliceBytes ?? 64 * 1024);
  const full = await writer.record(record);
  const fullBytes = Buffer.byteLength(full);
  if (fullBytes <= options.maxBytes) return { json: full, bytes: fullBytes, largestSliceChars: writer.largestSlice };

  let candidate = record;
  let json = full;
  const omitted: string[] = [];
  for (const step of SHRINK_STEPS) {
    candidate = step.apply(candidate);
    omitted.push(step.omits);
    const truncated: RecordTruncation = { limitBytes: options.maxBytes, fullBytes, omitted: [...omitted] };
    json = await writer.record({ ...candidate, truncated });
    const bytes = Buffer.byteLength(json);
    if (bytes <= options.maxBytes) return { json, bytes, truncated, largestSliceChars: writer.largestSlice };
  }
  // Larger than the limit even at its smallest (an absurdly low AUDIT_MAX_RECORD_BYTES): kept anyway, marked.
  const truncated: RecordTruncation = { limitBytes: options.maxBytes, fullBytes, omitted };
  return { json, bytes: Buffer.byteLength(json), truncated, largestSliceChars: writer.largestSlice };
}

const SHRINK_STEPS: Array<{ omits: string; apply: (r: DecisionRecord) => DecisionRecord }> = [
  {
    omits: 'response: only card uuids, summaries and indicators, and system action descriptions, were kept (the orders echoed back in coverage information were left out)',
    apply: (r) => (r.response ? { ...r, response: responseOutline(r.response) } : r),
  },
  {
    omits: 'evidence: the texts were left out, their number kept (evidenceOmitted)',
    apply: (r) => ({ ...r, ...(r.units ? { units: r.units.map((u) => ({ ...u, criteria: u.criteria.map((c) => ({ ...c, evidence: [], evidenceOmitted: c.evidence.length + (c.evidenceOmitted ?? 0) })) })) } : {}) }),
  },
  {
    omits: 'criteria: only id, section and status were kept',
    apply: (r) => ({
      ...r,
      ...(r.units ? { units: r.units.map((u): UnitRecord => ({ ...u, criteria: u.criteria.map((c) => ({ id: c.id, section: c.section, status: c.status, summary: '', evidence: [] })) })) } : {}),
    }),
  },
];

function responseOutline(response: HookResponse): HookResponse {
  return {
    cards: response.cards.map((c): Card => ({ uuid: c.uuid, summary: c.summary, indicator: c.indicator, source: { label: c.source.label } })),
    ...(response.systemActions
      ? {
          systemActions: response.systemActions.map((a) => ({
            type: a.type,
            description: a.description,
            ...(a.resource ? { resourceId: `${a.resource.resourceType}/${a.resource.id ?? ''}` } : {}),
            // The assertion ids it issued (CRD §resp-32: one per Coverage): GET /decisions/<id>.2 still finds the record.
            ...assertionIdsOf(a.resource),
          })),
        }
      : {}),
  };
}

function assertionIdsOf(resource: unknown): { coverageAssertionIds?: string[] } {
  const extensions = (resource as { extension?: Array<{ extension?: Array<{ url?: string; valueString?: string }> }> } | undefined)?.extension;
  const ids = (Array.isArray(extensions) ? extensions : []).flatMap((e) =>
    (Array.isArray(e?.extension) ? e.extension : []).filter((x) => x?.url === 'coverage-assertion-id' && typeof x.valueString === 'string').map((x) => x.valueString!),
  );
  return ids.length > 0 ? { coverageAssertionIds: ids } : {};
}

/**
 * JSON written piece by piece: the record's members, each order and unit, each card and system action
 * of the response, each stringified on its own, with a turn of the event loop whenever a slice's worth
 * of JSON has been produced. The result is the same text JSON.stringify gives.
 */
class SlicedWriter {
  largestSlice = 0;
  private sinceYield = 0;

  constructor(private readonly sliceBytes: number) {}

  async record(record: DecisionRecord): Promise<string> {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(record)) {
      if (value === undefined) continue;
      let json: string;
      if ((key === 'orders' || key === 'units') && Array.isArray(value)) json = await this.array(value);
      else if (key === 'response' && value && typeof value === 'object') json = await this.response(value as HookResponse);
      else json = this.due() ? await this.piece(value) : this.pieceNow(value);
      parts.push(`${JSON.stringify(key)}:${json}`);
    }
    return `{${parts.join(',')}}`;
  }

  private async response(response: HookResponse): Promise<string> {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(response)) {
      if (value === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${Array.isArray(value) ? await this.array(value) : this.due() ? await this.piece(value) : this.pieceNow(value)}`);
    }
    return `{${parts.join(',')}}`;
  }

  private async array(items: unknown[]): Promise<string> {
    const parts: string[] = [];
    for (const item of items) parts.push(this.due() ? await this.piece(item) : this.pieceNow(item));
    return `[${parts.join(',')}]`;
  }

  /** One piece, after handing the event loop back if a slice's worth was written since the last time. */
  private async piece(value: unknown): Promise<string> {
    if (this.due()) {
      await new Promise((resolve) => setImmediate(resolve));
      this.sinceYield = 0;
    }
    return this.pieceNow(value);
  }

  private due(): boolean {
    return this.sinceYield >= this.sliceBytes;
  }

  private pieceNow(value: unknown): string {
    const json = JSON.stringify(value) ?? 'null';
    this.sinceYield += json.length;
    this.largestSlice = Math.max(this.largestSlice, this.sinceYield);
    return json;
  }
}
