/**
 * The hidden markers by which the Action finds its own comments and issues again: an HTML comment
 * opening the body, `<!-- accessops:plan {json} -->`, and a second one before the status line,
 * so a later step rewrites the status without touching the plan. Pure string work.
 */

/** Which of the Action's bodies: the PR plan comment, the PR apply report, the drift issue. */
export type MarkerKind = "plan" | "apply" | "drift";

/**
 * Where a pull request's plan stands. Written by plan (`planned`, `no-changes`, `unsafe`,
 * `invalid`, `error`) and rewritten by apply (`applying`, `applied`, `apply-failed`,
 * `plan-changed`, `not-applied`).
 */
export type PlanStatus =
  | "planned"
  | "no-changes"
  | "unsafe"
  | "invalid"
  | "error"
  | "applying"
  | "applied"
  | "apply-failed"
  | "plan-changed"
  | "not-applied";

const PLAN_STATUSES: readonly PlanStatus[] = [
  "planned",
  "no-changes",
  "unsafe",
  "invalid",
  "error",
  "applying",
  "applied",
  "apply-failed",
  "plan-changed",
  "not-applied",
];

/** The data a marker carries. Apply trusts `checksum` only from a body the token's account wrote. */
export interface Marker {
  /** The access directory (the `path` input): one comment per pull request and path. */
  path: string;
  /** The instance ARN planned against; null when planning failed before reading it. */
  instance: string | null;
  /** The plan checksum the body shows; null when there is no plan (invalid files, an error). */
  checksum: string | null;
  /** True when the body had to be cut to fit GitHub's size limit. */
  truncated: boolean;
  status: PlanStatus;
}

/** Ends the body part that belongs to the plan; everything after it is the status. */
export const STATUS_MARKER = "<!-- accessops:status -->";

const prefix = (kind: MarkerKind): string => `<!-- accessops:${kind} `;
const SUFFIX = " -->";

/**
 * The opening marker. `<`, `>` and `&` are written as JSON escapes, so no value can end the HTML
 * comment early: the first ` -->` is always the marker's own.
 */
export function renderMarker(kind: MarkerKind, marker: Marker): string {
  const json = JSON.stringify({
    path: marker.path,
    instance: marker.instance,
    checksum: marker.checksum,
    truncated: marker.truncated,
    status: marker.status,
  }).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `${prefix(kind)}${json}${SUFFIX}`;
}

/** The marker a body opens with, or null when it does not open with a well-formed one of `kind`. */
export function parseMarker(kind: MarkerKind, body: string): Marker | null {
  if (!body.startsWith(prefix(kind))) return null;
  const end = body.indexOf(SUFFIX, prefix(kind).length);
  if (end < 0) return null;
  let data: unknown;
  try {
    data = JSON.parse(body.slice(prefix(kind).length, end));
  } catch {
    // Not our JSON: treated like any other body.
    return null;
  }
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  const nullableString = (v: unknown): v is string | null => v === null || typeof v === "string";
  if (typeof d.path !== "string" || !nullableString(d.instance) || !nullableString(d.checksum)) return null;
  if (typeof d.truncated !== "boolean" || !PLAN_STATUSES.includes(d.status as PlanStatus)) return null;
  return {
    path: d.path,
    instance: d.instance,
    checksum: d.checksum,
    truncated: d.truncated,
    status: d.status as PlanStatus,
  };
}

/** A body: the marker, the content, then the status line after its own marker. */
export function composeBody(kind: MarkerKind, marker: Marker, content: string, status: string): string {
  return `${renderMarker(kind, marker)}\n${content.trim()}\n\n${STATUS_MARKER}\n${status}\n`;
}

/**
 * The content of a body `composeBody` made: between the opening marker and the status marker.
 * The status marker is found from the end: the content may quote it (inside a code block).
 */
export function contentOf(kind: MarkerKind, body: string): string {
  const end = body.indexOf(SUFFIX, prefix(kind).length);
  const at = body.lastIndexOf(STATUS_MARKER);
  return body.slice(end < 0 ? 0 : end + SUFFIX.length, at < 0 ? body.length : at).trim();
}

/** Something the Action may have written: a comment or an issue. */
export interface Authored {
  body: string;
  author: string;
}

/**
 * The Action's own body of `kind` for `path` among `items`: opened by a well-formed marker and
 * written by `viewer` (anyone can paste a marker into a comment; only the token's account counts).
 * The oldest wins, so a body is never duplicated.
 */
export function findOwn<T extends Authored>(
  items: readonly T[],
  kind: MarkerKind,
  path: string,
  viewer: string,
): { item: T; marker: Marker } | null {
  for (const item of items) {
    if (item.author.toLowerCase() !== viewer.toLowerCase()) continue;
    const marker = parseMarker(kind, item.body);
    if (marker !== null && marker.path === path) return { item, marker };
  }
  return null;
}
