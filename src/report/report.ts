import { describeMatch } from "../plan/changes.ts";
import {
  type AccessDiff,
  type AccessFilter,
  type AccessRow,
  type AccessSummary,
  accessRows,
  type EffectiveAccess,
  type Grant,
  summarise,
} from "./access.ts";

/** The report JSON format version. Bump on incompatible changes; add fields freely. */
export const REPORT_FORMAT_VERSION = 1;

export type ReportFormat = "csv" | "markdown" | "json" | "html";
export const REPORT_FORMATS: readonly ReportFormat[] = ["csv", "markdown", "json", "html"];

/** What every renderer reads: the (filtered) access, its summary, and the diff when asked for. */
export interface Report {
  /** `files`, `live`, or `diff` (the files compared with live; `access` is then the files' view). */
  view: "files" | "live" | "diff";
  access: EffectiveAccess;
  summary: AccessSummary;
  rows: AccessRow[];
  filter: { principal: string | null; account: string | null };
  diff: AccessDiff | null;
  /** Facts a reader needs to trust the numbers (members not read, snapshot age), one sentence each. */
  notes: string[];
}

export function buildReport(
  view: Report["view"],
  access: EffectiveAccess,
  filter: AccessFilter,
  diff: AccessDiff | null,
  notes: readonly string[],
): Report {
  return {
    view,
    access,
    summary: summarise(access),
    rows: accessRows(access),
    filter: { principal: filter.principal ?? null, account: filter.account ?? null },
    diff,
    notes: [...notes],
  };
}

/** `file:line via OU Root/Prod` for each rule, `; `-joined; empty when no rule grants it. */
export function describeRules(rules: Grant["rules"]): string {
  return rules.map((r) => `${r.file}:${r.line} via ${describeMatch(r)}`).join("; ");
}

/** The distinct `reason`s of the rules, `; `-joined. */
export function describeReasons(rules: Grant["rules"]): string {
  return [...new Set(rules.flatMap((r) => (r.reason === null ? [] : [r.reason])))].join("; ");
}

/** What the view is, in words, for titles. */
export function viewTitle(report: Report): string {
  switch (report.view) {
    case "files":
      return "Effective access granted by the access files";
    case "live":
      return "Effective access held live in IAM Identity Center";
    case "diff":
      return "Effective access: the access files compared with live";
  }
}
