import { codeSpan, escapeMarkdown } from "../plan/index.ts";
import type { AccessChange, AccessRow, Grant } from "./access.ts";
import { describeReasons, describeRules, REPORT_FORMAT_VERSION, type Report, viewTitle } from "./report.ts";

/**
 * Text renderers of an access report: CSV for auditors' spreadsheets, markdown for people and
 * pull requests, JSON for scripts. Pure; the HTML view is in `html.ts`.
 */

/** RFC 4180 line ending. */
const CRLF = "\r\n";
/**
 * Cells starting with these are formulas to a spreadsheet (OWASP "CSV injection"); a leading
 * quote makes them text. Tab and carriage return are included: some spreadsheets strip them and
 * then read what follows as a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Characters that force a CSV field into quotes (RFC 4180 section 2). */
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: neutralised against formula injection, then quoted when RFC 4180 requires. */
export function csvField(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV text (CRLF line ends, a header row) of the given rows. */
export function csvTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join(CRLF) + CRLF;
}

const ACCESS_HEADER = [
  "user",
  "via_type",
  "via",
  "account_id",
  "account_name",
  "ou",
  "permission_set",
  "admin",
  "expires",
  "rules",
  "reason",
  "note",
] as const;

/** What a row with no user means. */
const UNKNOWN_MEMBERS_NOTE = "members of this external group were not read";

/**
 * The user-level access as CSV, one row per user, account, permission set and the principal it
 * comes through (see docs/reports.md for the columns). With `--diff`, a first column `change`
 * says `files-only` (applying the files grants it) or `live-only` (only live holds it).
 */
export function renderCsv(report: Report): string {
  const accounts = new Map(report.access.accounts.map((a) => [a.id, a]));
  const cells = (r: AccessRow): string[] => {
    const account = accounts.get(r.accountId);
    return [
      r.userName ?? "",
      r.via.type === "GROUP" ? "group" : "user",
      r.via.name,
      r.accountId,
      account?.name ?? "",
      account?.ouPath ?? "",
      r.permissionSet,
      r.admin ? "yes" : "no",
      r.expires ?? "",
      describeRules(r.rules),
      describeReasons(r.rules),
      r.userName === null ? UNKNOWN_MEMBERS_NOTE : "",
    ];
  };
  if (report.diff) {
    return csvTable(
      ["change", ...ACCESS_HEADER],
      report.diff.rows.map((c) => [changeWord(c), ...cells(c.item)]),
    );
  }
  return csvTable(ACCESS_HEADER, report.rows.map(cells));
}

const changeWord = (c: AccessChange<unknown>): string => (c.change === "+" ? "files-only" : "live-only");

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** The report as markdown: title, filters, summary table, notes, then the access (or the diff) as tables. */
export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const accounts = new Map(report.access.accounts.map((a) => [a.id, a]));
  const account = (id: string): string => {
    const name = accounts.get(id)?.name;
    return name ? `${escapeMarkdown(name)} (${id})` : id;
  };
  const lines: string[] = [`# ${viewTitle(report)}`, ""];
  const filters = [
    report.filter.principal === null ? null : `principal ${codeSpan(report.filter.principal)}`,
    report.filter.account === null ? null : `account ${codeSpan(report.filter.account)}`,
  ].filter((f): f is string => f !== null);
  lines.push(
    `As of ${report.access.now}${filters.length > 0 ? `, filtered to ${filters.join(" and ")}` : ""}.`,
    "",
    "| Principals | Users | Accounts | Permission sets | Grants | Admin-class grants | Expiring within " +
      `${plural(report.access.expiringWithinDays, "day")} |`,
    "|---:|---:|---:|---:|---:|---:|---:|",
    `| ${s.principals} | ${s.users} | ${s.accounts} of ${s.organisationAccounts} | ${s.permissionSets} | ${s.grants} | ${s.adminGrants} | ${s.expiring} |`,
    "",
  );
  for (const note of report.notes) lines.push(`> ${escapeMarkdown(note)}`, "");

  const header = "| User | Through | Account | Permission set | Admin | Expires | Rule |";
  const rule = "|---|---|---|---|---|---|---|";
  const row = (r: AccessRow): string =>
    `| ${r.userName === null ? "_members not read_" : escapeMarkdown(r.userName)} | ${r.via.type === "GROUP" ? "group" : "user"} ${escapeMarkdown(r.via.name)} | ${account(r.accountId)} | ${escapeMarkdown(r.permissionSet)} | ${r.admin ? "**admin**" : ""} | ${r.expires ?? ""} | ${escapeMarkdown(describeRules(r.rules)) || "_no rule_"} |`;
  if (report.diff) {
    const gained = report.diff.rows.filter((c) => c.change === "+");
    const lost = report.diff.rows.filter((c) => c.change === "-");
    lines.push(
      `## Only in the files: applying them grants (${plural(gained.length, "row")})`,
      "",
      ...(gained.length > 0 ? [header, rule, ...gained.map((c) => row(c.item))] : ["Nothing."]),
      "",
      `## Only live: the files do not grant (${plural(lost.length, "row")})`,
      "",
      "Applying removes what accessops manages; access it does not manage stays (see the plan).",
      "",
      ...(lost.length > 0 ? [header, rule, ...lost.map((c) => row(c.item))] : ["Nothing."]),
      "",
    );
    return lines.join("\n");
  }
  lines.push(
    `## Access (${plural(report.rows.length, "row")})`,
    "",
    ...(report.rows.length > 0 ? [header, rule, ...report.rows.map(row)] : ["Nobody has access."]),
    "",
  );
  return lines.join("\n");
}

/** The JSON document (docs/reports.md describes every field). Deterministic for the same inputs. */
export function renderJson(report: Report): string {
  const grant = (g: Grant) => ({
    principalType: g.principalType,
    principalName: g.principalName,
    accountId: g.accountId,
    permissionSet: g.permissionSet,
    admin: g.admin,
    expires: g.expires,
    rules: g.rules,
  });
  const row = (r: AccessRow) => ({
    userName: r.userName,
    via: r.via,
    accountId: r.accountId,
    permissionSet: r.permissionSet,
    admin: r.admin,
    expires: r.expires,
    rules: r.rules.map((p) => p.rule),
  });
  const doc = {
    formatVersion: REPORT_FORMAT_VERSION,
    kind: "accessops-access-report",
    view: report.view,
    now: report.access.now,
    expiringWithinDays: report.access.expiringWithinDays,
    filter: report.filter,
    summary: report.summary,
    notes: report.notes,
    accounts: report.access.accounts,
    principals: report.access.principals,
    grants: report.access.grants.map(grant),
    access: report.rows.map(row),
    diff: report.diff
      ? {
          grants: report.diff.grants.map((c) => ({ change: c.change, ...grant(c.item) })),
          access: report.diff.rows.map((c) => ({ change: c.change, ...row(c.item) })),
        }
      : null,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
