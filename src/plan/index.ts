/**
 * The planner's public API: pure functions from `Config` and `Live` to a `Plan`, and renderers
 * of that plan. Nothing here does I/O or reads a clock.
 */
export { accessSummary, describeAccessDelta, groupAssignments } from "./access.ts";
export { type BuildPlanInput, buildPlan } from "./build.ts";
export { diffPlans, PLAN_CHECKSUM, planChecksum } from "./checksum.ts";
export { isExpiredDeletion, onlyExpired } from "./expiry.ts";
export { APPLY_ORDER, orderChanges, type Phase } from "./order.ts";
export { describeAccounts, indexOrg, type OrgIndex } from "./org.ts";
export { ADMINISTRATOR_POLICY_ARN, isAdministratorClass } from "./policies.ts";
export {
  codeSpan,
  escapeControls,
  escapeMarkdown,
  fencedBlock,
  withVisibleControls,
} from "./render/escape.ts";
export { parsePlanJson, renderJson } from "./render/json.ts";
export {
  GITHUB_COMMENT_BUDGET_CHARS,
  GITHUB_COMMENT_MAX_CHARS,
  type MarkdownOptions,
  renderMarkdown,
} from "./render/markdown.ts";
export { type ApplyCommandOptions, applyCommand, shellWord, TARGETED_SCOPE } from "./render/summary.ts";
export { renderText, type TextOptions } from "./render/text.ts";
export {
  DEFAULT_EXPIRING_WITHIN_DAYS,
  type ExcludedAccount,
  type ExclusionReason,
  type References,
  type ResolveOptions,
  type ResolveResult,
  resolveDesired,
} from "./resolve.ts";
export { checkSafety, MIN_MANAGED_OBJECTS_FOR_PERCENT, type RailFinding } from "./safety.ts";
