/**
 * Effective-access reports: who can reach which account with which permission set, through
 * which group, granted by which rule, until when. `access.ts` builds the data (pure), the
 * renderers turn it into CSV, markdown, JSON or one self-contained HTML page (pure), and
 * `sources.ts` reads what a report from the files needs from AWS or from a snapshot.
 */
import { renderHtml } from "./html.ts";
import { renderCsv, renderJson, renderMarkdown } from "./render.ts";
import type { Report, ReportFormat } from "./report.ts";

export {
  type AccessChange,
  type AccessDiff,
  type AccessFilter,
  type AccessRow,
  type AccessSource,
  type AccessSummary,
  accessFromFiles,
  accessFromLive,
  accessRows,
  diffAccess,
  type EffectiveAccess,
  type FromFilesInput,
  filesProvenance,
  filterAccess,
  type Grant,
  type GroupMembers,
  liveMembers,
  membersOf,
  type ReportAccount,
  type ReportPrincipal,
  summarise,
} from "./access.ts";
export { type HtmlData, htmlData, renderHtml, scriptJson } from "./html.ts";
export { csvField, csvTable, renderCsv, renderJson, renderMarkdown } from "./render.ts";
export {
  buildReport,
  describeReasons,
  describeRules,
  REPORT_FORMAT_VERSION,
  REPORT_FORMATS,
  type Report,
  type ReportFormat,
} from "./report.ts";
export {
  externalGroups,
  needsAccountTags,
  type OrgSnapshotFile,
  type OrgView,
  orgViewOfLive,
  parseSnapshot,
  readOrgView,
  SNAPSHOT_FORMAT_VERSION,
  snapshotOf,
  snapshotText,
} from "./sources.ts";

/** The report in one of the formats. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case "csv":
      return renderCsv(report);
    case "markdown":
      return renderMarkdown(report);
    case "json":
      return renderJson(report);
    case "html":
      return renderHtml(report);
  }
}
