import { posix } from "node:path";
import { ConfigError } from "../model/errors.ts";
import type { RefreshMode } from "../model/live.ts";
import { PLAN_CHECKSUM } from "../plan/checksum.ts";

/** What the Action does in this step (see docs/github-action.md). */
export type ActionCommand = "plan" | "apply" | "drift";

/** `update`: one sticky comment per pull request (and the drift issue); `off`: post nothing to GitHub. */
export type CommentMode = "update" | "off";

/** The Action's inputs, parsed and checked. Every field has a default (`INPUT_DEFAULTS`). */
export interface ActionInputs {
  command: ActionCommand;
  /** The access directory, relative to the checkout. */
  path: string;
  /** Token for the GitHub API (comments, issues, finding the merged pull request); may be empty. */
  githubToken: string;
  allowDeletes: boolean;
  refresh: RefreshMode;
  comment: CommentMode;
  driftIssueLabel: string;
  /** plan/drift: only the removal of expired access; apply: revoke expired access, nothing else. */
  onlyExpired: boolean;
  /**
   * apply on `workflow_dispatch` with no merged pull request: apply the files at the branch head
   * without a reviewed plan. Never honoured on other events.
   */
  allowUnreviewed: boolean;
  /** apply: the checksum of a plan reviewed elsewhere (a plan run's job summary); null: find the PR. */
  checksum: string | null;
  region: string | null;
  endpoint: string | null;
  instanceArn: string | null;
  maxRate: number | null;
}

/**
 * The defaults, as `action.yml` declares them (a test holds the two together). `github-token`
 * defaults to `${{ github.token }}` there; outside a runner it is empty.
 */
export const INPUT_DEFAULTS = {
  command: "plan",
  path: "access",
  "github-token": "",
  "allow-deletes": "false",
  refresh: "full",
  comment: "update",
  "drift-issue-label": "accessops-drift",
  "only-expired": "false",
  "allow-unreviewed": "false",
  checksum: "",
  region: "",
  endpoint: "",
  "instance-arn": "",
  "max-rate": "",
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;

const COMMANDS: readonly ActionCommand[] = ["plan", "apply", "drift"];
const REFRESH_MODES: readonly RefreshMode[] = ["full", "targeted"];
const COMMENT_MODES: readonly CommentMode[] = ["update", "off"];
/** The YAML 1.2 core schema's booleans, which `core.getBooleanInput` also accepts. */
const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE"]);

/**
 * The access path in one spelling (`./access/` is `access`): it names the path's comment and
 * issue, so two spellings must not make two comments.
 */
function normalisePath(path: string): string {
  return posix.normalize(path.replace(/\\/g, "/")).replace(/(.)\/+$/, "$1");
}

/**
 * Parses the inputs. `read` returns an input's raw value (`core.getInput`), "" when unset; unset
 * inputs take their default. Every bad value is reported at once, as one `ConfigError`.
 */
export function parseInputs(read: (name: InputName) => string): ActionInputs {
  const problems: string[] = [];
  const raw = (name: InputName): string => {
    const value = read(name).trim();
    return value === "" ? INPUT_DEFAULTS[name] : value;
  };
  const oneOf = <T extends string>(name: InputName, allowed: readonly T[]): T => {
    const value = raw(name);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} is "${value}"; use one of ${allowed.join(", ")}`);
    return INPUT_DEFAULTS[name] as T;
  };
  const bool = (name: InputName): boolean => {
    const value = raw(name);
    if (TRUE.has(value)) return true;
    if (!FALSE.has(value)) problems.push(`${name} is "${value}"; use true or false`);
    return false;
  };
  const optional = (name: InputName): string | null => {
    const value = raw(name);
    return value === "" ? null : value;
  };

  const checksum = optional("checksum")?.toLowerCase() ?? null;
  if (checksum !== null && !PLAN_CHECKSUM.test(checksum)) {
    problems.push(`checksum is "${checksum}"; use the 64-hex-digit plan checksum a plan run printed`);
  }
  const maxRateText = optional("max-rate");
  const maxRate = maxRateText === null ? null : Number(maxRateText);
  if (maxRate !== null && !(Number.isFinite(maxRate) && maxRate > 0)) {
    problems.push(`max-rate is "${maxRateText}"; use a positive number of calls per second`);
  }
  const inputs: ActionInputs = {
    command: oneOf("command", COMMANDS),
    path: normalisePath(raw("path")),
    githubToken: raw("github-token"),
    allowDeletes: bool("allow-deletes"),
    refresh: oneOf("refresh", REFRESH_MODES),
    comment: oneOf("comment", COMMENT_MODES),
    driftIssueLabel: raw("drift-issue-label"),
    onlyExpired: bool("only-expired"),
    allowUnreviewed: bool("allow-unreviewed"),
    checksum,
    region: optional("region"),
    endpoint: optional("endpoint"),
    instanceArn: optional("instance-arn"),
    maxRate,
  };
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid Action input${problems.length === 1 ? "" : "s"}: ${problems.join("; ")}`,
      [],
      "Fix the `with:` block of the accessops step; docs/github-action.md lists every input.",
    );
  }
  return inputs;
}
