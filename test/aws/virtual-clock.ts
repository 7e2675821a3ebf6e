import { setImmediate as tick } from "node:timers/promises";
import type { Clock } from "../../src/aws/clock.ts";

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A discrete-event clock: `sleep` registers a timer and `run` fires timers in time order,
 * letting every promise chain settle in between. Virtual milliseconds, no real waiting.
 */
export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#timers.push({ at: this.#now + Math.max(0, ms), seq: this.#seq++, resolve });
    });
  }

  /** Advances virtual time until `work` settles; fails if it waits on nothing. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await tick();
      if (settled) return work;
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#timers.shift();
      if (!next) throw new Error("virtual clock: the work is waiting on something other than the clock");
      this.#now = next.at;
      next.resolve();
    }
  }
}
