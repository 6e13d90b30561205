/**
 * Work shared by the criteria of one request: the chart read from the facts, score lists, the region of a
 * diagnosis. One memo is made per decision (src/decision/evaluate.ts) and dropped with it, so nothing one
 * request computed can leak into another, and nothing outlives the request.
 */
export class RequestMemo {
  private readonly values = new Map<string, unknown>();
  private readonly perItem = new Map<string, WeakMap<object, unknown>>();

  /** The value of `key` for this request, computed the first time it is asked for. */
  once<T>(key: string, compute: () => T): T {
    if (this.values.has(key)) return this.values.get(key) as T;
    const value = compute();
    this.values.set(key, value);
    return value;
  }

  /** The value of `key` for one record of this request (a diagnosis, a procedure), computed once per record. */
  of<T>(key: string, item: object, compute: () => T): T {
    let byItem = this.perItem.get(key);
    if (!byItem) this.perItem.set(key, (byItem = new WeakMap()));
    if (byItem.has(item)) return byItem.get(item) as T;
    const value = compute();
    byItem.set(item, value);
    return value;
  }
}
