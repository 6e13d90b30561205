import type { JsonOutline } from './json-limits';

/**
 * Decodes and parses a JSON text in pieces, with exactly JSON.parse's result and errors.
 *
 * Why: a request body decoded as one string of a few hundred kilobytes or more lands in V8's large-object
 * space, and on this machine that allocation alone cost about as much as JSON.parse of the same text
 * (~2 ms for 400 kB, half of it in the kernel, and it brings on garbage collections), while the same bytes
 * decoded as strings of under 64 kB cost 50 times less. So the shallow containers of a large body (the
 * request, its prefetch, each Bundle, its entry array: their structure is recorded by the shape scan as the
 * body arrives, JsonOutline) are put together here, and every member small enough is decoded and
 * JSON.parse()d on its own. Each byte is still decoded once and parsed once.
 *
 * Equivalence with JSON.parse: pieces are cut only at brackets, commas and colons outside strings (ASCII
 * bytes, never inside a UTF-8 sequence), so decoding them apart gives the same characters; every piece
 * goes through JSON.parse, and the joints are checked here (an object member is a string key, a colon, a
 * value; members separated by single commas; brackets matching; nothing around the top-level value but
 * whitespace); keys are defined as own properties (`__proto__` included), in order, the last of a repeated
 * key winning, as JSON.parse does. Anything unusual (a text the outline does not describe) falls back to
 * one JSON.parse of the whole. Errors are SyntaxErrors.
 */
export const MAX_PIECE_BYTES = 64 * 1024;

export function parseJsonPieces(bytes: Buffer, start: number, outline: JsonOutline | undefined, maxPiece = MAX_PIECE_BYTES, defer?: Deferral): unknown {
  const from = skipSpace(bytes, start, bytes.length);
  const to = trimEnd(bytes, from, bytes.length);
  if (!outline || to - from <= maxPiece || outline.count === 0 || outline.positions[0] !== from || outline.depths[0] !== 1) {
    return JSON.parse(bytes.toString('utf8', from, to));
  }
  for (let i = 0; i < outline.count; i++) if (outline.depths[i] === 0) return JSON.parse(bytes.toString('utf8', from, to)); // text outside the top-level value: JSON.parse says what
  const { value, close } = new Assembler(bytes, outline, maxPiece, true, defer).container(0);
  if (close !== to - 1) throw new SyntaxError('Unexpected non-whitespace character after JSON');
  return value;
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Members of the top-level object to leave unparsed when they are objects too large for one piece (the
 * hook route's `prefetch`): each becomes an accessor that parses it on first read, exactly as it would
 * have been, and `settleDeferred` checks the ones never read (parsed in pieces and dropped, so a request
 * that does not need them makes no long-lived objects of them, and a malformed one is refused all the same).
 * `failed` turns a parse error into the error to throw (json-body: the same 400 as a malformed body).
 */
export interface Deferral {
  members: ReadonlySet<string>;
  failed: (error: unknown) => Error;
}

const DEFERRED = Symbol('deferred JSON members');

type Pending = Map<string, () => void>;

/** Whether `holder[key]` is a deferred member not yet read: a JSON object (only objects are deferred), parsed on first read. */
export function isDeferred(holder: object, key: string): boolean {
  return (holder as { [DEFERRED]?: Pending })[DEFERRED]?.has(key) === true;
}

/** Checks every deferred member of `holder` never read (parsed and dropped): throws the Deferral's error for a malformed one. */
export function settleDeferred(holder: unknown): void {
  if (typeof holder !== 'object' || holder === null) return;
  const pending = (holder as { [DEFERRED]?: Pending })[DEFERRED];
  if (!pending) return;
  for (const [key, check] of [...pending]) {
    check();
    pending.delete(key);
  }
}

class Assembler {
  constructor(
    private readonly bytes: Buffer,
    private readonly outline: JsonOutline,
    private readonly maxPiece: number,
    /** false: parse only to check (json-pieces' result is dropped piece by piece). */
    private readonly keep = true,
    private readonly defer?: Deferral,
  ) {}

  /** The container opened at outline entry `at`: its value and the position of its closing bracket. */
  container(at: number): { value: unknown; close: number } {
    const { bytes, outline } = this;
    const { positions, depths, count } = outline;
    const open = positions[at]!;
    const depth = depths[at]!;
    const isObject = bytes[open] === OPEN_OBJECT;
    if (!isObject && bytes[open] !== OPEN_ARRAY) throw unexpected();
    const object: Record<string, unknown> = {};
    const array: unknown[] = [];
    let key: string | undefined;
    let pieceStart = open + 1;
    let members = 0;
    // Array members small enough are parsed in runs of up to maxPiece bytes, one JSON.parse per run.
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart < 0) return;
      const values = JSON.parse(`[${this.text(runStart, runEnd)}]`) as unknown[];
      if (this.keep) for (const value of values) array.push(value);
      runStart = -1;
    };
    for (let i = at + 1; i < count; i++) {
      // The first container opened directly inside this member, if any: the member may be that container.
      let child = -1;
      while (i < count && depths[i]! > depth) {
        if (child < 0 && depths[i] === depth + 1) child = i;
        i++;
      }
      if (i >= count) break;
      const position = positions[i]!;
      const byte = bytes[position];
      if (byte === COLON) {
        if (!isObject || key !== undefined || child >= 0) throw unexpected();
        const parsed: unknown = JSON.parse(this.text(pieceStart, position));
        if (typeof parsed !== 'string') throw unexpected();
        key = parsed;
        pieceStart = position + 1;
        continue;
      }
      const closes = byte === CLOSE_OBJECT || byte === CLOSE_ARRAY;
      if (!closes && byte !== COMMA) throw unexpected();
      const from = skipSpace(bytes, pieceStart, position);
      if (from === position) {
        // Nothing before this comma or bracket: only an empty container may say so.
        if (!closes || members > 0 || key !== undefined) throw unexpected();
      } else {
        if (isObject && key === undefined) throw unexpected();
        const to = trimEnd(bytes, from, position);
        if (isObject) {
          if (at === 0 && this.defer?.members.has(key!) && bytes[from] === OPEN_OBJECT && this.assembles(from, to, child)) this.deferMember(object, key!, from, to, child);
          else {
            const value = this.member(from, to, child);
            if (this.keep) define(object, key!, value);
          }
        } else if (this.assembles(from, to, child)) {
          flush();
          const value = this.member(from, to, child);
          if (this.keep) array.push(value);
        } else {
          if (runStart >= 0 && to - runStart > this.maxPiece) flush();
          if (runStart < 0) runStart = from;
          runEnd = to;
        }
        members++;
        key = undefined;
      }
      if (closes) {
        flush();
        if (byte !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY) || depths[i] !== depth) throw unexpected();
        return { value: isObject ? object : array, close: position };
      }
      pieceStart = position + 1;
    }
    throw new SyntaxError('Unexpected end of JSON input');
  }

  /** Whether a member is put together from its own members: a container too large for one piece, whose structure the outline has. */
  private assembles(from: number, to: number, child: number): boolean {
    return to - from > this.maxPiece && child >= 0 && this.outline.positions[child] === from;
  }

  /** One member's value, from `from` to `to` (trimmed): parsed whole when small, else assembled in turn. */
  private member(from: number, to: number, child: number): unknown {
    if (this.assembles(from, to, child)) {
      const { value, close } = this.container(child);
      if (close !== to - 1) throw unexpected();
      return value;
    }
    return JSON.parse(this.text(from, to));
  }

  private text(from: number, to: number): string {
    return this.bytes.toString('utf8', from, to);
  }

  /**
   * `object[key]` as an accessor that parses the member when first read and then becomes the plain value
   * (same position among the keys: the accessor was defined where the member is). A repeated key: the
   * earlier occurrence is checked now (JSON.parse would have refused it), the later one wins.
   */
  private deferMember(object: Record<string, unknown>, key: string, from: number, to: number, child: number): void {
    const { failed } = this.defer!;
    let pending = (object as { [DEFERRED]?: Pending })[DEFERRED];
    if (!pending) Object.defineProperty(object, DEFERRED, { value: (pending = new Map()), enumerable: false });
    pending.get(key)?.();
    // A malformed member is parsed once: its refusal is kept and thrown again on every later read or check,
    // since code may read it once per order (order-dispatch resolves each reference) before the route settles it.
    let refusal: Error | undefined;
    const parse = (keep: boolean) => {
      if (refusal) throw refusal;
      try {
        return new Assembler(this.bytes, this.outline, this.maxPiece, keep).member(from, to, child);
      } catch (error) {
        throw (refusal = failed(error));
      }
    };
    const settle = (value: unknown) => {
      pending!.delete(key);
      Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
    };
    pending.set(key, () => void parse(false));
    Object.defineProperty(object, key, {
      get: () => {
        const value = parse(true);
        settle(value);
        return value;
      },
      set: (value: unknown) => {
        pending!.get(key)?.();
        settle(value);
      },
      enumerable: true,
      configurable: true,
    });
  }
}

/** As JSON.parse defines members: own, enumerable data properties, even one named __proto__. */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__' || isDeferred(object, key)) {
    if (key !== '__proto__') {
      // A repeated key after a deferred one: the earlier is checked (JSON.parse would refuse it if malformed), this one wins.
      const pending = (object as { [DEFERRED]?: Pending })[DEFERRED]!;
      pending.get(key)!();
      pending.delete(key);
    }
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else object[key] = value;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Buffer, from: number, to: number): number {
  while (from < to && isSpace(bytes[from])) from++;
  return from;
}

function trimEnd(bytes: Buffer, from: number, to: number): number {
  while (to > from && isSpace(bytes[to - 1])) to--;
  return to;
}

const unexpected = () => new SyntaxError('Unexpected token in JSON');
