import { createHash } from "node:crypto";

/** A JSON value as produced by `JSON.parse`. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Canonical JSON text: object keys sorted by code unit, no insignificant whitespace, array
 * order kept (it can be meaningful). Two documents that differ only in key order or
 * formatting give the same text. `undefined` members are dropped as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}

/** The same value with every object's keys sorted, recursively. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeysDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out as T;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3600;
const SECONDS_PER_DAY = 86400;

/**
 * Seconds in an ISO-8601 duration of days, hours, minutes and whole seconds (the forms a
 * permission-set session duration can take), or null when the text is not such a duration.
 */
export function durationSeconds(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m || text === "P" || text === "PT" || text.endsWith("T")) return null;
  const [, d, h, min, s] = m;
  return (
    Number(d ?? 0) * SECONDS_PER_DAY +
    Number(h ?? 0) * SECONDS_PER_HOUR +
    Number(min ?? 0) * SECONDS_PER_MINUTE +
    Number(s ?? 0)
  );
}

/**
 * The canonical spelling of a duration, so that `PT60M` and `PT1H` compare equal:
 * hours, minutes and seconds with zero parts left out (`PT1H30M`). Returns the input
 * unchanged when it cannot be parsed; validation reports that case.
 */
export function canonicalDuration(text: string): string {
  const total = durationSeconds(text);
  if (total === null) return text;
  const h = Math.floor(total / SECONDS_PER_HOUR);
  const m = Math.floor((total % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  const s = total % SECONDS_PER_MINUTE;
  if (total === 0) return "PT0S";
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
}

/** Compare strings by code unit, the one ordering used for every sorted list. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The distinct values, sorted by code unit. */
export const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort(byCodeUnit);
