import { byCodeUnit } from "../model/canonical.ts";

/** One page read from a `SortedMap`. */
export interface MapPage<V> {
  items: V[];
  /** Key of the last item returned; the cursor for the next page. Undefined when no item was returned. */
  lastKey: string | undefined;
  /** Whether an accepted item exists after `lastKey` (or after the start cursor when nothing was returned). */
  more: boolean;
}

/**
 * A map that can be read in key order from any cursor in O(log n + page): keys are kept in a
 * sorted array maintained on insert and delete (binary search + splice), built lazily on the
 * first ordered read. Pagination cursors are keys, so items inserted or removed between two
 * pages never make a page skip or repeat an item.
 */
export class SortedMap<V> {
  readonly #map = new Map<string, V>();
  #keys: string[] | null = null;

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  has(key: string): boolean {
    return this.#map.has(key);
  }

  set(key: string, value: V): this {
    if (!this.#map.has(key) && this.#keys) this.#keys.splice(upperBound(this.#keys, key), 0, key);
    this.#map.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    if (!this.#map.delete(key)) return false;
    if (this.#keys) {
      const i = upperBound(this.#keys, key) - 1;
      if (i >= 0 && this.#keys[i] === key) this.#keys.splice(i, 1);
    }
    return true;
  }

  clear(): void {
    this.#map.clear();
    this.#keys = null;
  }

  /** Values in insertion order (cheap, unordered for callers that do not need order). */
  values(): IterableIterator<V> {
    return this.#map.values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.#map.entries();
  }

  /** Keys in code-unit order. The array is shared: do not mutate it. */
  sortedKeys(): readonly string[] {
    if (!this.#keys) this.#keys = [...this.#map.keys()].sort(byCodeUnit);
    return this.#keys;
  }

  /** Values in key order. */
  sortedValues(): V[] {
    return this.sortedKeys().map((k) => this.#map.get(k) as V);
  }

  /**
   * Up to `limit` accepted values whose key is greater than `after` (from the start when
   * undefined), in key order.
   */
  page(after: string | undefined, limit: number, accept?: (value: V) => boolean): MapPage<V> {
    const keys = this.sortedKeys();
    let i = after === undefined ? 0 : upperBound(keys, after);
    const items: V[] = [];
    let lastKey: string | undefined;
    for (; i < keys.length && items.length < limit; i++) {
      const key = keys[i] as string;
      const value = this.#map.get(key) as V;
      if (accept && !accept(value)) continue;
      items.push(value);
      lastKey = key;
    }
    let more = false;
    for (; i < keys.length; i++) {
      if (!accept || accept(this.#map.get(keys[i] as string) as V)) {
        more = true;
        break;
      }
    }
    return { items, lastKey, more };
  }
}

/** Index of the first key strictly greater than `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
