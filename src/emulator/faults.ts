import type { FaultRule, FaultSpec } from "./options.ts";
import type { Rng } from "./random.ts";

const PROBABILITY_KEYS = ["throttle", "server", "failed", "shortpage", "spike"] as const;
const DEFAULT_SPIKE_FACTOR = 10;

/**
 * Parses `throttle=0.05,server=0.01,failed=0.02,shortpage=0.1,spike=0.05,lag=2000` (or checks
 * the same as an object). Throws an `Error` naming the bad entry.
 */
export function parseFaultSpec(spec: string | FaultSpec): FaultSpec {
  const entries: [string, unknown][] =
    typeof spec === "string"
      ? spec
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "")
          .map((part) => {
            const eq = part.indexOf("=");
            if (eq < 0)
              throw new Error(
                `fault "${part}" has no value: write it as name=value, for example throttle=0.05`,
              );
            return [part.slice(0, eq).trim(), Number(part.slice(eq + 1).trim())];
          })
      : Object.entries(spec);
  const out: FaultSpec = {};
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`fault ${key}=${String(value)} is not a number`);
    }
    if ((PROBABILITY_KEYS as readonly string[]).includes(key)) {
      if (value < 0 || value > 1)
        throw new Error(`fault ${key}=${value} must be a probability between 0 and 1`);
      out[key as (typeof PROBABILITY_KEYS)[number]] = value;
    } else if (key === "lag" || key === "spikeFactor") {
      if (value < 0) throw new Error(`fault ${key}=${value} must not be negative`);
      out[key] = value;
    } else {
      throw new Error(
        `unknown fault "${key}": use ${[...PROBABILITY_KEYS, "lag", "spikeFactor"].join(", ")}`,
      );
    }
  }
  return out;
}

const RULE_SERVICES: readonly string[] = ["sso-admin", "identitystore", "organizations", "sts"];

/** Checks a fault rule received over HTTP or in-process; throws an `Error` naming the problem. */
export function checkFaultRule(rule: unknown): FaultRule {
  if (rule === null || typeof rule !== "object") throw new Error("a fault rule must be an object");
  const r = rule as Record<string, unknown>;
  if (typeof r.operation !== "string" || r.operation === "")
    throw new Error('a fault rule needs "operation"');
  if (typeof r.error !== "string" || r.error === "") throw new Error('a fault rule needs "error"');
  if (r.service !== undefined && !RULE_SERVICES.includes(r.service as string)) {
    throw new Error(`"service" must be one of ${RULE_SERVICES.join(", ")}`);
  }
  for (const key of ["afterCalls", "times"] as const) {
    const v = r[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
      throw new Error(`"${key}" must be a non-negative integer`);
    }
  }
  for (const key of ["message", "failureReason"] as const) {
    if (r[key] !== undefined && typeof r[key] !== "string") throw new Error(`"${key}" must be a string`);
  }
  return r as unknown as FaultRule;
}

interface RuleState {
  rule: FaultRule;
  seen: number;
  fired: number;
}

/**
 * Decides which faults a call meets. Random faults draw from their own generator in call
 * order, a fixed number of draws per call, so the same sequence of calls meets the same faults.
 */
export class FaultInjector {
  #spec: FaultSpec = {};
  #rules: RuleState[] = [];
  readonly #rng: Rng;

  constructor(rng: Rng, spec: FaultSpec = {}, rules: FaultRule[] = []) {
    this.#rng = rng;
    this.#spec = spec;
    this.addRules(rules);
  }

  get spec(): FaultSpec {
    return { ...this.#spec };
  }

  get rules(): FaultRule[] {
    return this.#rules.map((s) => s.rule);
  }

  setSpec(spec: FaultSpec): void {
    this.#spec = spec;
  }

  addRules(rules: FaultRule[]): void {
    for (const rule of rules) this.#rules.push({ rule: checkFaultRule(rule), seen: 0, fired: 0 });
  }

  clear(): void {
    this.#spec = {};
    this.#rules = [];
  }

  /**
   * The first rule that fires for this call of `operation` of `service`, counting the call against
   * every matching rule.
   */
  ruleFor(operation: string, service: FaultRule["service"]): FaultRule | null {
    let fired: FaultRule | null = null;
    for (const state of this.#rules) {
      if (state.rule.operation !== operation && state.rule.operation !== "*") continue;
      if (state.rule.service !== undefined && state.rule.service !== service) continue;
      state.seen += 1;
      const times = state.rule.times ?? 1;
      if (
        fired === null &&
        state.seen > (state.rule.afterCalls ?? 0) &&
        (times === 0 || state.fired < times)
      ) {
        state.fired += 1;
        fired = state.rule;
      }
    }
    return fired;
  }

  /** The request-level fault of this call, if any. */
  requestFault(): "throttle" | "server" | null {
    const throttle = this.#draw(this.#spec.throttle);
    const server = this.#draw(this.#spec.server);
    if (throttle) return "throttle";
    return server ? "server" : null;
  }

  /** For a list call: how many items a short page holds (less than `limit`), or null for a normal page. */
  shortPage(limit: number): number | null {
    if (!this.#draw(this.#spec.shortpage)) return null;
    return Math.floor(this.#rng.next() * limit);
  }

  /** Whether an async operation ends FAILED by chance. */
  asyncFailure(): boolean {
    return this.#draw(this.#spec.failed);
  }

  /** The latency multiplier of an async operation: `spikeFactor` on a spike, 1 otherwise. */
  latencyFactor(): number {
    return this.#draw(this.#spec.spike) ? (this.#spec.spikeFactor ?? DEFAULT_SPIKE_FACTOR) : 1;
  }

  /** Read-after-write lag, ms of emulated time before time scaling. */
  get lagMs(): number {
    return this.#spec.lag ?? 0;
  }

  #draw(p: number | undefined): boolean {
    if (p === undefined || p <= 0) return false;
    return this.#rng.next() < p;
  }
}
