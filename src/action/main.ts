import * as core from "@actions/core";
import { redactSecrets } from "../aws/redact.ts";
import { AccessopsError, ConfigError } from "../model/errors.ts";
import { applyCommand } from "./apply.ts";
import { readRunContext } from "./context.ts";
import { driftCommand } from "./drift.ts";
import { type InputName, parseInputs } from "./inputs.ts";
import { failureOf, type Outcome } from "./outcome.ts";
import { planCommand } from "./plan.ts";
import { annotate, createRun, type Run, type RunOptions } from "./shell.ts";

export type { RunOptions } from "./shell.ts";

/**
 * The Action: reads the inputs and the run's context, runs `plan`, `apply` or `drift`, sets the
 * outputs, and fails the step (`core.setFailed`) on errors, refusals, unsafe plans, failed
 * applies and drift. Typed errors become outputs and exit codes here and nowhere else.
 */
export async function runAction(options: RunOptions = {}): Promise<Outcome> {
  let run: Run | null = null;
  let outcome: Outcome;
  try {
    const inputs = parseInputs((name: InputName) => core.getInput(name));
    run = createRun(inputs, await readRunContext(process.env), options);
    outcome = await commandOf(run)(run);
  } catch (error) {
    if (run !== null && error instanceof ConfigError) annotate(run, error.diagnostics);
    // An unexpected error (not one of accessops' typed ones) is a bug: its stack goes to the log.
    if (!(error instanceof AccessopsError)) core.info(String((error as Error)?.stack ?? error));
    outcome = { ...failureOf(error), plan: null };
  }
  setOutputs(outcome);
  if (outcome.failure !== null) core.setFailed(redactSecrets(outcome.failure));
  return outcome;
}

function commandOf(run: Run): (run: Run) => Promise<Outcome> {
  switch (run.inputs.command) {
    case "plan":
      return planCommand;
    case "apply":
      return applyCommand;
    case "drift":
      return driftCommand;
  }
}

function setOutputs(outcome: Outcome): void {
  core.setOutput("exit-code", String(outcome.exitCode));
  core.setOutput("failure-reason", outcome.failureReason ?? "");
  core.setOutput("has-changes", outcome.plan === null ? "" : String(outcome.plan.hasChanges));
  core.setOutput("checksum", outcome.plan?.checksum ?? "");
  core.setOutput("plan-json", outcome.plan?.planJson ?? "");
}
