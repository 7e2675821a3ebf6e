/**
 * The emulator's time source. Everything time-dependent (token buckets, async latencies, the
 * read-after-write lag, timestamps) reads `now()` and schedules with `at()`, so a test can swap
 * the real clock for a manual one and decide exactly when time passes.
 */
export interface Clock {
  /** Epoch milliseconds (fractional on the real clock). */
  now(): number;
  /** Runs `fn` once `now()` reaches `time`; returns a cancel function. */
  at(time: number, fn: () => void): () => void;
  /** Cancels every pending timer. */
  cancelAll(): void;
}

/** Wall-clock time; timers are Node timers (the event loop stays free between them). */
export class RealClock implements Clock {
  readonly #origin = Date.now() - performance.now();
  readonly #timeouts = new Set<NodeJS.Timeout>();
  readonly #immediates = new Set<NodeJS.Immediate>();

  now(): number {
    return this.#origin + performance.now();
  }

  at(time: number, fn: () => void): () => void {
    const delay = time - this.now();
    if (delay <= 0) {
      const handle = setImmediate(() => {
        this.#immediates.delete(handle);
        fn();
      });
      this.#immediates.add(handle);
      return () => {
        clearImmediate(handle);
        this.#immediates.delete(handle);
      };
    }
    const handle = setTimeout(() => {
      this.#timeouts.delete(handle);
      fn();
    }, delay);
    this.#timeouts.add(handle);
    return () => {
      clearTimeout(handle);
      this.#timeouts.delete(handle);
    };
  }

  cancelAll(): void {
    for (const handle of this.#timeouts) clearTimeout(handle);
    for (const handle of this.#immediates) clearImmediate(handle);
    this.#timeouts.clear();
    this.#immediates.clear();
  }
}

interface ManualTimer {
  time: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Time that moves only when `advance` is called; timers fire in time order, ties in creation order. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #heap: ManualTimer[] = [];

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  at(time: number, fn: () => void): () => void {
    const timer: ManualTimer = { time, seq: this.#seq++, fn, cancelled: false };
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  cancelAll(): void {
    this.#heap.length = 0;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (including ones they schedule). */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      const top = this.#heap[0];
      if (!top || top.time > target) break;
      this.#pop();
      if (top.cancelled) continue;
      this.#now = Math.max(this.#now, top.time);
      top.fn();
    }
    this.#now = target;
  }

  #less(a: ManualTimer, b: ManualTimer): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  #push(t: ManualTimer): void {
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i] as ManualTimer, h[p] as ManualTimer)) break;
      [h[i], h[p]] = [h[p] as ManualTimer, h[i] as ManualTimer];
      i = p;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (h.length === 0 || !last) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l] as ManualTimer, h[m] as ManualTimer)) m = l;
      if (r < h.length && this.#less(h[r] as ManualTimer, h[m] as ManualTimer)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as ManualTimer, h[i] as ManualTimer];
      i = m;
    }
  }
}
