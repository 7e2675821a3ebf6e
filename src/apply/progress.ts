import type { Clock } from "../aws/clock.ts";

/** What the progress display shows; a snapshot, taken whenever the display redraws. */
export interface ProgressSnapshot {
  /** Changes finished (whatever their outcome). */
  done: number;
  total: number;
  /** Changes being worked on right now (for assignments: requests AWS is running). */
  inFlight: number;
  /** Throttling answers met so far (each was retried after a backoff). */
  throttled: number;
  /** Changes that failed so far. */
  failed: number;
  elapsedMs: number;
  /** Estimated time to finish, from the pace so far; null before anything finished. */
  etaMs: number | null;
}

/** Counts the executor updates and the progress display reads. */
export class ProgressTracker {
  readonly total: number;
  readonly #clock: Clock;
  readonly #start: number;
  #done = 0;
  #inFlight = 0;
  #throttled = 0;
  #failed = 0;

  constructor(total: number, clock: Clock) {
    this.total = total;
    this.#clock = clock;
    this.#start = clock.now();
  }

  begin(): void {
    this.#inFlight++;
  }

  end(): void {
    this.#inFlight--;
  }

  finished(failed: boolean): void {
    this.#done++;
    if (failed) this.#failed++;
  }

  throttled(): void {
    this.#throttled++;
  }

  snapshot(): ProgressSnapshot {
    const elapsedMs = this.#clock.now() - this.#start;
    const remaining = this.total - this.#done;
    return {
      done: this.#done,
      total: this.total,
      inFlight: this.#inFlight,
      throttled: this.#throttled,
      failed: this.#failed,
      elapsedMs,
      etaMs: this.#done === 0 ? null : remaining === 0 ? 0 : (elapsedMs / this.#done) * remaining,
    };
  }
}

const MS_PER_SECOND = 1000;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;

/** `42s`, `3m05s`, `1h52m`: short enough for a status line. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / MS_PER_SECOND));
  if (s < SECONDS_PER_MINUTE) return `${s}s`;
  if (s < SECONDS_PER_HOUR) {
    return `${Math.floor(s / SECONDS_PER_MINUTE)}m${String(s % SECONDS_PER_MINUTE).padStart(2, "0")}s`;
  }
  const minutes = Math.floor((s % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  return `${Math.floor(s / SECONDS_PER_HOUR)}h${String(minutes).padStart(2, "0")}m`;
}

const n = (x: number): string => x.toLocaleString("en-US");

/** `applying: 1,240/20,000 done · 15 in flight · 3 throttled · ETA 1h52m` */
export function progressLine(s: ProgressSnapshot): string {
  const parts = [`applying: ${n(s.done)}/${n(s.total)} done`, `${n(s.inFlight)} in flight`];
  if (s.throttled > 0) parts.push(`${n(s.throttled)} throttled`);
  if (s.failed > 0) parts.push(`${n(s.failed)} failed`);
  parts.push(s.etaMs === null ? `${shortDuration(s.elapsedMs)} elapsed` : `ETA ${shortDuration(s.etaMs)}`);
  return parts.join(" · ");
}

/** How often the live line is redrawn on a terminal. */
const REDRAW_MS = 200;
/** How often a heartbeat line is printed without one (CI logs): often enough to show life. */
export const HEARTBEAT_MS = 5_000;
const CLEAR_TO_END_OF_LINE = "\u001b[K";

/**
 * Whether to draw a live line: a terminal that is not `dumb`, outside CI (the rule `ora` and
 * friends use; CI logs are not terminals even when they render colours).
 */
export function isInteractive(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && env.TERM !== "dumb" && !("CI" in env);
}

/**
 * Shows progress on `stream` (stderr: never the report's stdout): a line redrawn in place on a
 * terminal, or a heartbeat line every few seconds otherwise; never both. Returns the function
 * that stops it (clearing the live line).
 */
export function startProgressDisplay(
  tracker: ProgressTracker,
  stream: { write(text: string): unknown },
  options: { interactive: boolean; heartbeatMs?: number },
): () => void {
  const draw = options.interactive
    ? () => stream.write(`\r${progressLine(tracker.snapshot())}${CLEAR_TO_END_OF_LINE}`)
    : () => stream.write(`${progressLine(tracker.snapshot())}\n`);
  const timer = setInterval(draw, options.interactive ? REDRAW_MS : (options.heartbeatMs ?? HEARTBEAT_MS));
  timer.unref();
  return () => {
    clearInterval(timer);
    if (options.interactive) stream.write(`\r${CLEAR_TO_END_OF_LINE}`);
  };
}
