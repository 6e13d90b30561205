/**
 * Bounds on the shape of JSON this service accepts (request bodies and FHIR server answers).
 *
 * Why: V8's JSON.parse is iterative and happily parses a million nested arrays, but everything that
 * walks the result afterwards (JSON.stringify, FHIRPath, our own code) is recursive and overflows the
 * stack at about 10,000 levels; and a 10 MB body can hold millions of tiny array members (`[0,0,0,…]`),
 * each costing work downstream. Real FHIR nests about 25 levels deep (Questionnaire items a little more),
 * but a whole chart sent as prefetch is large: one Bundle of 12,000 Observations (about 1.65 MB) is an
 * ordinary long history. So the member bound is set by size, not by what one search page usually holds:
 * no realistic member (a Bundle entry, a coding, an extension) takes fewer than MIN_MEMBER_BYTES, so a body
 * within the byte limit made of realistic members never reaches it.
 */
export const JSON_LIMITS = {
  /** Objects and arrays nested inside each other. */
  maxDepth: 100,
  /** Members of any single array or object (Bundle entries, codings...), at least. */
  maxMembers: 250_000,
} as const;

/** Bytes of the smallest realistic JSON member, comma included (`{"system":"http://loinc.org","code":"1"},` is 41). */
export const MIN_MEMBER_BYTES = 40;

/**
 * The bounds for a request body of at most `bodyLimitBytes`: the member bound grows with the byte limit
 * (one member per MIN_MEMBER_BYTES, never under JSON_LIMITS.maxMembers), so raising BODY_LIMIT for larger
 * charts raises it too; the depth bound does not move.
 */
export function requestBodyLimits(bodyLimitBytes: number): { maxDepth: number; maxMembers: number } {
  return { maxDepth: JSON_LIMITS.maxDepth, maxMembers: Math.max(JSON_LIMITS.maxMembers, Math.floor(bodyLimitBytes / MIN_MEMBER_BYTES)) };
}

export type JsonShapeProblem = { kind: 'depth'; limit: number } | { kind: 'members'; limit: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * One linear pass over the JSON text, before it is parsed: the nesting depth and the member count of
 * every container, without building anything. Works on UTF-8 bytes (multi-byte sequences never contain
 * ASCII bytes) and on JS strings alike. Malformed JSON is left for the parser to reject.
 */
export function jsonShapeProblem(text: string | Uint8Array, limits: { maxDepth: number; maxMembers: number } = JSON_LIMITS): JsonShapeProblem | undefined {
  const length = text.length;
  const isString = typeof text === 'string';
  // Commas seen at each open container; a container with n commas has n + 1 members.
  const commas = new Int32Array(limits.maxDepth + 1);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < length; i++) {
    const c = isString ? (text as string).charCodeAt(i) : (text as Uint8Array)[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (depth >= limits.maxDepth) return { kind: 'depth', limit: limits.maxDepth };
        depth++;
        commas[depth] = 0;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth > 0) depth--;
        break;
      case COMMA:
        if (depth > 0 && ++commas[depth]! >= limits.maxMembers) return { kind: 'members', limit: limits.maxMembers };
        break;
    }
  }
  return undefined;
}

/** Byte classes outside strings: 0 nothing to do, then quote, opener, closer, comma. */
const BYTE_CLASS = (() => {
  const table = new Uint8Array(256);
  table[QUOTE] = 1;
  table[OPEN_OBJECT] = table[OPEN_ARRAY] = 2;
  table[CLOSE_OBJECT] = table[CLOSE_ARRAY] = 3;
  table[COMMA] = 4;
  table[COLON] = 5;
  return table;
})();

/**
 * The same check as jsonShapeProblem, on UTF-8 bytes fed as they arrive (request bodies): state is kept
 * from one chunk to the next, so the check runs while the body is read, in the same pass, and a body too
 * deep or too wide is refused before the rest is read. Inside strings it jumps from quote to quote with
 * Buffer.indexOf (native), counting the backslashes before a quote to tell an escaped one; outside
 * strings one table lookup per byte.
 */
export class JsonShapeScanner {
  private readonly commas: Int32Array;
  private depth = 0;
  private inString = false;
  /** The next byte is escaped (a chunk ended on an odd run of backslashes inside a string). */
  private escaped = false;
  private problem: JsonShapeProblem | undefined;
  /** Bytes fed before the current chunk. */
  private offset = 0;

  /**
   * `outline`, when given, records where the shallow containers and their members are (json-pieces), so
   * that the body can be decoded and parsed in pieces without another pass over it.
   */
  constructor(
    private readonly limits: { maxDepth: number; maxMembers: number } = JSON_LIMITS,
    private readonly outline?: JsonOutline,
  ) {
    this.commas = new Int32Array(limits.maxDepth + 1);
  }

  /** The text fed so far is complete: every string and container closed. */
  get complete(): boolean {
    return this.depth === 0 && !this.inString && !this.problem;
  }

  /** Scans the next bytes of the text; the first problem found (and every one after it) is returned. */
  feed(chunk: Buffer): JsonShapeProblem | undefined {
    if (this.problem || chunk.length === 0) return this.problem;
    const { maxDepth, maxMembers } = this.limits;
    const commas = this.commas;
    const outline = this.outline;
    const recordDepth = outline ? outline.maxDepth : -1;
    const offset = this.offset;
    this.offset += chunk.length;
    const length = chunk.length;
    let depth = this.depth;
    let i = 0;
    if (this.inString) {
      const from = this.escaped ? 1 : 0;
      this.escaped = false;
      i = this.endOfString(chunk, from) + 1; // past the closing quote

    }
    for (; i < length; i++) {
      switch (BYTE_CLASS[chunk[i]!]) {
        case 0:
          break;
        case 1:
          this.inString = true;
          i = this.endOfString(chunk, i + 1);
          break;
        case 2:
          if (depth >= maxDepth) return (this.problem = { kind: 'depth', limit: maxDepth });
          depth++;
          commas[depth] = 0;
          if (depth <= recordDepth) outline!.add(offset + i, depth);
          break;
        case 3:
          if (depth <= recordDepth && depth > 0) outline!.add(offset + i, depth);
          if (depth > 0) depth--;
          break;
        case 4:
          if (depth > 0 && ++commas[depth]! >= maxMembers) return (this.problem = { kind: 'members', limit: maxMembers });
          if (depth <= recordDepth) outline!.add(offset + i, depth);
          break;
        default:
          if (depth <= recordDepth) outline!.add(offset + i, depth);
      }
    }
    this.depth = depth;
    return undefined;
  }

  /**
   * Inside a string from `from` (not escaped there): the index of its closing quote, the string then
   * closed; or the chunk's length, the string still open (and `escaped` set when the chunk ends on an
   * odd run of backslashes).
   */
  private endOfString(chunk: Buffer, from: number): number {
    let at = from;
    for (;;) {
      const quote = chunk.indexOf(QUOTE, at);
      const end = quote < 0 ? chunk.length : quote;
      let backslashes = 0;
      for (let j = end - 1; j >= from && chunk[j] === BACKSLASH; j--) backslashes++;
      if (quote < 0) {
        this.escaped = (backslashes & 1) === 1;
        return chunk.length;
      }
      if ((backslashes & 1) === 0) {
        this.inString = false;
        return quote;
      }
      at = quote + 1;
    }
  }
}

/**
 * Where the structural bytes (brackets, commas, colons) of the containers nested at most `maxDepth` deep
 * are, in order, with their depth (1 = the top-level container): filled by JsonShapeScanner, read by
 * json-pieces. Grows as needed; a hook request records about two entries per prefetched resource.
 */
export class JsonOutline {
  positions = new Int32Array(1024);
  depths = new Uint8Array(1024);
  count = 0;

  constructor(readonly maxDepth: number) {}

  add(position: number, depth: number): void {
    if (this.count === this.positions.length) {
      const positions = new Int32Array(this.count * 2);
      positions.set(this.positions);
      this.positions = positions;
      const depths = new Uint8Array(this.count * 2);
      depths.set(this.depths);
      this.depths = depths;
    }
    this.positions[this.count] = position;
    this.depths[this.count++] = depth;
  }
}

export function describeJsonShapeProblem(problem: JsonShapeProblem, what: string): string {
  return problem.kind === 'depth'
    ? `${what} nests objects and arrays more than ${problem.limit} levels deep`
    : `${what} has an array or object with more than ${problem.limit} members`;
}
