import {
  AccessopsError,
  ConfigError,
  EXIT_CHANGES,
  EXIT_ERROR,
  EXIT_OK,
  exitCodeFor,
  UnsafePlanError,
} from "../model/errors.ts";
import type { Plan } from "../model/plan.ts";

/**
 * Why the step failed, for workflow conditions (`steps.x.outputs.failure-reason`). The first
 * five follow dflook/terraform-github-actions:
 * - `invalid-config`: the access files (or the Action's inputs) are invalid;
 * - `unsafe-plan`: a safety rail tripped;
 * - `plan-changed`: apply found a different plan from the reviewed one (stale), and applied nothing;
 * - `apply-failed`: apply ran and some change failed or live state did not reach the files;
 * - `changes-to-apply`: drift: live state differs from the files;
 * - `unreviewed`: apply found no reviewed plan to apply, or ran where it never applies (a pull
 *   request event, a fork, another branch);
 * - `error`: anything else (AWS refused a read, the GitHub API failed, a bug).
 */
export type FailureReason =
  | "invalid-config"
  | "unsafe-plan"
  | "plan-changed"
  | "apply-failed"
  | "changes-to-apply"
  | "unreviewed"
  | "error";

/** How a run ended: the step's outputs, and the message `core.setFailed` gets when it failed. */
export interface Outcome {
  /** The CLI's exit codes: 0 done or nothing to do, 1 error, 2 changes present, 3 refused. */
  exitCode: number;
  failureReason: FailureReason | null;
  /** Null: the step succeeds. Otherwise what happened and what to do, for the step's error. */
  failure: string | null;
  /** What was planned (plan, drift, apply); null when the run failed before planning. */
  plan: { hasChanges: boolean; checksum: string; planJson: string | null } | null;
}

/**
 * Apply refused to run: on a pull request event, for a fork, off the default branch, or without a
 * reviewed plan. The user fixes the workflow or how they trigger it, like any `ConfigError`.
 */
export class ApplyRefusedError extends ConfigError {
  constructor(title: string, detail: string) {
    super(title, [], detail);
  }
}

const REASON_OF_KIND: Record<AccessopsError["kind"], FailureReason> = {
  config: "invalid-config",
  "unsafe-plan": "unsafe-plan",
  "stale-plan": "plan-changed",
  aws: "error",
  internal: "error",
};

/** The failure an error stands for: the exit code, the reason and the step's message. */
export function failureOf(error: unknown): Pick<Outcome, "exitCode" | "failureReason" | "failure"> {
  if (error instanceof ApplyRefusedError) {
    return {
      exitCode: EXIT_ERROR,
      failureReason: "unreviewed",
      failure: `${error.message}\n${error.detail}`,
    };
  }
  if (error instanceof AccessopsError) {
    return {
      exitCode: exitCodeFor(error),
      failureReason: REASON_OF_KIND[error.kind],
      failure: `${error.message}\n${error.detail}`,
    };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return { exitCode: EXIT_ERROR, failureReason: "error", failure: err.message };
}

/** The plan part of an outcome. */
export function plannedOutcome(plan: Plan, planJson: string): Outcome["plan"] {
  return { hasChanges: plan.summary.total > 0, checksum: plan.checksum, planJson };
}

/** A plan run's outcome: success (changes are not a failure on a pull request), or refused when unsafe. */
export function planOutcome(plan: Plan, planJson: string): Outcome {
  const planned = plannedOutcome(plan, planJson);
  if (!plan.safety.ok) return { ...failureOf(new UnsafePlanError(plan.safety.violations)), plan: planned };
  const exitCode = plan.summary.total > 0 ? EXIT_CHANGES : EXIT_OK;
  return { exitCode, failureReason: null, failure: null, plan: planned };
}
