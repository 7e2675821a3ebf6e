import { AccessopsError, ConfigError } from "../model/errors.ts";
import type { Marker } from "./marker.ts";
import { failureOf, type Outcome, plannedOutcome, planOutcome } from "./outcome.ts";
import { errorContent, invalidContent, planCommentContent, planSummary, statusText } from "./render.ts";
import {
  appendSummary,
  planFiles,
  type Run,
  repositoryPath,
  tryReport,
  upsertComment,
  writePlanJson,
} from "./shell.ts";

/**
 * `command: plan`: plans the files against the live instance; on a pull request, one sticky
 * comment per pull request and path shows the plan and whether it can be applied on merge. The
 * full plan goes to the job summary and to plan.json. Changes do not fail the step; an unsafe
 * plan, invalid files and errors do.
 */
export async function planCommand(run: Run): Promise<Outcome> {
  const pr = run.inputs.comment === "update" ? run.ctx.pullRequest : null;
  let planned: Awaited<ReturnType<typeof planFiles>>;
  try {
    planned = await planFiles(run);
  } catch (error) {
    if (pr !== null) await tryReport("update the plan comment", () => commentFailure(run, pr, error));
    throw error;
  }
  const { plan } = planned;
  const planJson = await writePlanJson(run, plan);
  await appendSummary(run, planSummary("plan", plan, run.links));
  if (pr !== null) {
    const status: Marker["status"] = !plan.safety.ok
      ? "unsafe"
      : plan.summary.total === 0
        ? "no-changes"
        : "planned";
    const { content, truncated } = planCommentContent(plan, run.links);
    try {
      await upsertComment(
        run,
        pr,
        "plan",
        { path: run.inputs.path, instance: plan.instance.arn, checksum: plan.checksum, truncated, status },
        content,
        statusText(status, run.links, { checksum: plan.checksum }),
      );
    } catch (error) {
      // The plan stands (outputs, plan.json, summary); the step fails because the review cannot happen.
      return { ...failureOf(error), plan: plannedOutcome(plan, planJson) };
    }
  }
  return planOutcome(plan, planJson);
}

/**
 * The sticky comment says the plan failed, so an earlier "ready to apply" never stands: invalid
 * files list their problems; any other error says what happened.
 */
async function commentFailure(run: Run, pr: number, error: unknown): Promise<void> {
  const invalid = error instanceof ConfigError && error.diagnostics.length > 0;
  const marker: Marker = {
    path: run.inputs.path,
    instance: null,
    checksum: null,
    truncated: false,
    status: invalid ? "invalid" : "error",
  };
  const content = invalid
    ? invalidContent(
        error.diagnostics.map((d) => ({ ...d, file: repositoryPath(run, d.file) })),
        run.links,
      )
    : errorContent(
        error instanceof AccessopsError ? error : { message: (error as Error).message ?? String(error) },
        run.links,
      );
  await upsertComment(run, pr, "plan", marker, content, statusText(marker.status, run.links));
}
