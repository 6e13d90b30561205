/**
 * How much memory FHIR answers take, per hook call and across the process. A hostile or merely huge FHIR
 * server (a valid 10 MB Bundle for every search) must not grow memory with whatever it sends: every chunk
 * received is counted against the call's budget (FHIR_MAX_BYTES_PER_CALL) and the process's
 * (FHIR_MAX_BYTES_IN_FLIGHT), and stays counted until the call is answered, since its data is held until
 * then. What is counted is memory, not traffic: an answer being read and parsed holds its text and the
 * FHIR data parsed from it (1.1 to 1.7 times the text for real charts), so each byte received counts 3
 * (HELD_WHILE_PARSING); once parsed, the text is let go and it counts 2 (HELD_PARSED). When either budget
 * runs out, the call's remaining fetches stop: the keys not yet read are marked failed, and the orders
 * depending on them are answered indeterminate, with the reason.
 */
export const HELD_WHILE_PARSING = 3;
export const HELD_PARSED = 2;

/** Defaults of FHIR_MAX_RESPONSE_BYTES, FHIR_MAX_BYTES_PER_CALL and FHIR_MAX_BYTES_IN_FLIGHT: far under a 512 MiB container. */
export const FHIR_BYTE_DEFAULTS = {
  maxResponseBytes: 8 * 1024 * 1024,
  maxBytesPerCall: 32 * 1024 * 1024,
  maxBytesInFlight: 128 * 1024 * 1024,
} as const;

export class ProcessBytes {
  private held = 0;

  constructor(
    readonly max: number,
    private readonly onChange?: (bytes: number) => void,
  ) {}

  /** Bytes of FHIR answers held by calls in progress. */
  get inFlight(): number {
    return this.held;
  }

  take(bytes: number): boolean {
    if (this.held + bytes > this.max) return false;
    this.held += bytes;
    this.onChange?.(this.held);
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
    this.onChange?.(this.held);
  }
}

export type BudgetExhaustion = 'call' | 'process';

/** One hook call's FHIR byte budget; release() once the call is answered. */
export class CallByteBudget {
  private taken = 0;
  private peak = 0;
  private released = false;
  private reason?: BudgetExhaustion;
  private readonly controller = new AbortController();

  constructor(
    readonly max: number,
    private readonly process: ProcessBytes,
  ) {}

  /** Memory this call's FHIR answers are counted at. */
  get held(): number {
    return this.taken;
  }

  /** The most this call's answers were ever counted at (never above `max`). */
  get peakHeld(): number {
    return this.peak;
  }

  /** Set once a budget ran out; every fetch of the call stops then. */
  get exhausted(): BudgetExhaustion | undefined {
    return this.reason;
  }

  /** Aborted when a budget runs out: the call's other fetches listen to it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Counts bytes received; false (and every fetch of the call stopped) when a budget would be exceeded. */
  takeReceived(received: number): boolean {
    const bytes = received * HELD_WHILE_PARSING;
    if (this.reason) return false;
    if (this.taken + bytes > this.max) return this.exhaust('call');
    if (this.released || !this.process.take(bytes)) return this.exhaust('process');
    this.taken += bytes;
    this.peak = Math.max(this.peak, this.taken);
    return true;
  }

  /** An answer of `received` bytes is parsed (its text let go) or not used at all (all of it let go). */
  letGo(received: number, what: 'text' | 'all'): void {
    const bytes = Math.min(this.taken, received * (what === 'all' ? HELD_WHILE_PARSING : HELD_WHILE_PARSING - HELD_PARSED));
    this.taken -= bytes;
    if (!this.released) this.process.give(bytes);
  }

  /** Why fetches stopped, for the card and the record (no PHI, no token). */
  message(): string {
    return this.reason === 'process'
      ? `not read: the service already holds its limit of FHIR data for calls in progress (FHIR_MAX_BYTES_IN_FLIGHT, ${mebibytes(this.process.max)}); try again shortly`
      : `not read: the FHIR answers for this call reached FHIR_MAX_BYTES_PER_CALL (${mebibytes(this.max)})`;
  }

  /** The call is answered: its bytes are no longer held. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.process.give(this.taken);
  }

  private exhaust(reason: BudgetExhaustion): false {
    this.reason = reason;
    this.controller.abort();
    return false;
  }
}

export function mebibytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}
