import type { Clock } from "../aws/clock.ts";
import type { RetryEvent, RetryPolicy } from "../aws/retry.ts";
import { attempt } from "./attempt.ts";
import type { AccessWriter, OperationKind, OperationStatus } from "./ports.ts";

/** How statuses are polled. Durations in ms. */
export interface PollingOptions {
  /** First look after an operation starts: most assignment operations take a second or two. */
  firstMs: number;
  /** The interval while operations keep finishing. */
  minMs: number;
  /** The longest interval, reached when nothing finishes for a while (large provisionings). */
  maxMs: number;
  /** Growth of the interval after a cycle in which nothing finished. */
  factor: number;
  /** An operation still `IN_PROGRESS` after this long is reported failed (a later run picks it up). */
  timeoutMs: number;
}

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;

/**
 * Polling as ecosystem-performance §2.4 argues: first look after ~1 s, then every second while
 * operations keep finishing, backing off by half each quiet cycle up to 5 s (provisioning a
 * permission set into hundreds of accounts takes minutes; polling it every second only spends
 * quota). Thirty minutes is far beyond any operation AWS reports; after it the run stops waiting.
 */
export const DEFAULT_POLLING: PollingOptions = {
  firstMs: 1_000,
  minMs: 1_000,
  maxMs: 5_000,
  factor: 1.5,
  timeoutMs: 30 * SECONDS_PER_MINUTE * MS_PER_SECOND,
};

/** Why a waited operation ended without a final status. */
export class StatusUnknownError extends Error {
  override readonly name = "StatusUnknownError";
}

interface Waiter {
  status: OperationStatus;
  since: number;
  resolve: (status: OperationStatus) => void;
  reject: (error: unknown) => void;
}

/**
 * Waits for asynchronous requests of one kind to leave `IN_PROGRESS`, all of them together: each
 * cycle costs one List…Status call (`Filter.Status=IN_PROGRESS`) for everything in flight, then
 * one Describe… per request that left the list (to learn SUCCEEDED or FAILED and the reason).
 * With a single request in flight, describing it directly is cheaper than listing, so it does.
 */
export class StatusPoller {
  readonly #kind: OperationKind;
  readonly #writer: AccessWriter;
  readonly #retry: RetryPolicy;
  readonly #clock: Clock;
  readonly #polling: PollingOptions;
  readonly #onRetry: (event: RetryEvent) => void;
  readonly #waiting = new Map<string, Waiter>();
  /** Pages the last List…Status call took: listing pays when more requests than that are waited. */
  #listCost = 1;
  #running = false;

  constructor(
    kind: OperationKind,
    writer: AccessWriter,
    options: {
      retry: RetryPolicy;
      clock: Clock;
      polling: PollingOptions;
      /** Sees every retry of a status call (for the progress line's throttling count). */
      onRetry?: (event: RetryEvent) => void;
    },
  ) {
    this.#kind = kind;
    this.#writer = writer;
    this.#retry = options.retry;
    this.#clock = options.clock;
    this.#polling = options.polling;
    this.#onRetry = options.onRetry ?? (() => undefined);
  }

  /** Requests being waited for. */
  get size(): number {
    return this.#waiting.size;
  }

  /** Resolves with the request's final status (at once when it already has one). */
  wait(status: OperationStatus): Promise<OperationStatus> {
    if (status.status !== "IN_PROGRESS") return Promise.resolve(status);
    const existing = this.#waiting.get(status.requestId);
    if (existing) {
      return new Promise((resolve, reject) => {
        const { resolve: r0, reject: j0 } = existing;
        existing.resolve = (s) => {
          r0(s);
          resolve(s);
        };
        existing.reject = (e) => {
          j0(e);
          reject(e);
        };
      });
    }
    return new Promise((resolve, reject) => {
      this.#waiting.set(status.requestId, { status, since: this.#clock.now(), resolve, reject });
      if (!this.#running) void this.#loop();
    });
  }

  async #loop(): Promise<void> {
    this.#running = true;
    let interval = this.#polling.firstMs;
    try {
      while (this.#waiting.size > 0) {
        await this.#clock.sleep(interval);
        const finished = await this.#cycle();
        interval =
          finished > 0 ? this.#polling.minMs : Math.min(this.#polling.maxMs, interval * this.#polling.factor);
      }
    } finally {
      this.#running = false;
    }
  }

  /** One polling cycle; returns how many requests finished. */
  async #cycle(): Promise<number> {
    const ids = [...this.#waiting.keys()];
    let candidates = ids;
    try {
      if (ids.length > this.#listCost) {
        const listed = await attempt(
          this.#writer,
          this.#retry,
          () => this.#writer.listInProgress(this.#kind),
          this.#onRetry,
        );
        this.#listCost = Math.max(1, listed.calls);
        const inProgress = new Set(listed.requestIds);
        candidates = ids.filter((id) => !inProgress.has(id));
      }
    } catch (error) {
      this.#failAll(ids, error);
      return ids.length;
    }
    let finished = 0;
    await Promise.all(
      candidates.map(async (id) => {
        const waiter = this.#waiting.get(id);
        if (!waiter) return;
        try {
          const status = await attempt(
            this.#writer,
            this.#retry,
            () => this.#writer.describeOperation(this.#kind, id),
            this.#onRetry,
          );
          if (status.status === "IN_PROGRESS") return;
          this.#waiting.delete(id);
          finished++;
          waiter.resolve(status);
        } catch (error) {
          this.#waiting.delete(id);
          finished++;
          waiter.reject(error);
        }
      }),
    );
    const now = this.#clock.now();
    for (const [id, waiter] of [...this.#waiting]) {
      if (now - waiter.since < this.#polling.timeoutMs) continue;
      this.#waiting.delete(id);
      finished++;
      waiter.reject(
        new StatusUnknownError(
          `request ${id} was still IN_PROGRESS after ${Math.round((now - waiter.since) / MS_PER_SECOND)} s; accessops stopped waiting (the next apply picks it up)`,
        ),
      );
    }
    return finished;
  }

  #failAll(ids: readonly string[], error: unknown): void {
    for (const id of ids) {
      const waiter = this.#waiting.get(id);
      if (!waiter) continue;
      this.#waiting.delete(id);
      waiter.reject(error);
    }
  }
}

/** One unit of work for `runPool`. */
export interface PoolTask {
  /**
   * Tasks with the same lane never run at the same time, and run in the order given: AWS allows
   * one operation at a time on an (account, permission set) pair.
   */
  lane: string;
  /**
   * Lanes of different spread keys are started alternately: AWS updates one IAM role at a time
   * per account, so work spread over many accounts finishes sooner than work queued in one.
   * The account id for assignment work.
   */
  spread?: string;
  /** Settles when the lane may start (for example: its permission set's re-provisioning is done). */
  gate?: Promise<void>;
  /** Runs the task to its end; must not reject (failures are recorded, not thrown). */
  run(): Promise<void>;
}

/**
 * Runs tasks with at most `capacity` at a time and one at a time per lane, starting a new one as
 * soon as one ends so the pipeline stays full. The lane with the most work left goes first (the
 * longest lane bounds the run, so it must never wait behind short ones); among lanes with as much
 * work left, lanes take turns, starting with one lane per spread key, so one busy account does not
 * hold the others back.
 */
export function runPool(tasks: readonly PoolTask[], capacity: number): Promise<void> {
  if (tasks.length === 0) return Promise.resolve();
  const lanes = new Map<string, PoolTask[]>();
  for (const task of tasks) {
    const queue = lanes.get(task.lane);
    if (queue) queue.push(task);
    else lanes.set(task.lane, [task]);
  }
  const ready = new LaneQueue();
  let turn = 0;
  const enqueue = (lane: string, queue: PoolTask[]): void =>
    ready.push({ lane, left: queue.length, turn: turn++ });
  let running = 0;
  let remaining = tasks.length;
  return new Promise((resolve) => {
    const pump = (): void => {
      while (running < capacity) {
        const next = ready.pop();
        if (next === undefined) return;
        const queue = lanes.get(next.lane) as PoolTask[];
        const task = queue.shift() as PoolTask;
        running++;
        void task.run().then(() => {
          running--;
          remaining--;
          if (queue.length > 0) enqueue(next.lane, queue);
          if (remaining === 0) resolve();
          else pump();
        });
      }
    };
    for (const lane of interleaved(lanes)) {
      const queue = lanes.get(lane) as PoolTask[];
      const gate = queue[0]?.gate;
      if (gate === undefined) enqueue(lane, queue);
      else
        void gate.then(() => {
          enqueue(lane, queue);
          pump();
        });
    }
    pump();
  });
}

/** A lane waiting for a slot: `left` tasks to run, queued at `turn`. */
interface ReadyLane {
  lane: string;
  left: number;
  turn: number;
}

/** Ready lanes, most work left first, then first queued first: a binary heap, as there may be thousands. */
class LaneQueue {
  readonly #heap: ReadyLane[] = [];

  push(item: ReadyLane): void {
    const heap = this.#heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as ReadyLane, heap[parent] as ReadyLane)) break;
      [heap[i], heap[parent]] = [heap[parent] as ReadyLane, heap[i] as ReadyLane];
      i = parent;
    }
  }

  pop(): ReadyLane | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < heap.length && before(heap[left] as ReadyLane, heap[first] as ReadyLane)) first = left;
      if (right < heap.length && before(heap[right] as ReadyLane, heap[first] as ReadyLane)) first = right;
      if (first === i) return top;
      [heap[i], heap[first]] = [heap[first] as ReadyLane, heap[i] as ReadyLane];
      i = first;
    }
  }
}

function before(a: ReadyLane, b: ReadyLane): boolean {
  return a.left !== b.left ? a.left > b.left : a.turn < b.turn;
}

/** Lane names, alternating between spread keys: the first lane of each key, then the second... */
function interleaved(lanes: ReadonlyMap<string, PoolTask[]>): string[] {
  const bySpread = new Map<string, string[]>();
  for (const [lane, queue] of lanes) {
    const key = queue[0]?.spread ?? lane;
    const list = bySpread.get(key);
    if (list) list.push(lane);
    else bySpread.set(key, [lane]);
  }
  const out: string[] = [];
  const groups = [...bySpread.values()];
  for (let round = 0; out.length < lanes.size; round++) {
    for (const group of groups) {
      const lane = group[round];
      if (lane !== undefined) out.push(lane);
    }
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` at a time; `fn` must not reject. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
