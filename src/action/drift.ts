import * as core from "@actions/core";
import { EXIT_CHANGES, EXIT_OK } from "../model/errors.ts";
import type { Plan } from "../model/plan.ts";
import { codeSpan } from "../plan/index.ts";
import { findOwn, type Marker } from "./marker.ts";
import { failureOf, type Outcome, plannedOutcome } from "./outcome.ts";
import { body, countsText, driftContent, planSummary, shortChecksum } from "./render.ts";
import { appendSummary, planFiles, type Run, writePlanJson } from "./shell.ts";

/** The drift issue label's colour (GitHub's red) and description, when the Action creates it. */
const LABEL_COLOR = "d93f0b";
const LABEL_DESCRIPTION = "accessops: live IAM Identity Center differs from the access files";

/**
 * `command: drift`, on a schedule: plans with the detailed exit code. Drift (any change) fails the
 * step (`changes-to-apply`), because a red scheduled run is what people notice, and is tracked in
 * one labelled issue per access path: opened on the first drift, its body rewritten on every run
 * (with a comment when the drift itself changed), closed with a comment when drift is gone.
 * Upcoming expirations of just-in-time access are in the issue and in the job summary.
 */
export async function driftCommand(run: Run): Promise<Outcome> {
  const { plan } = await planFiles(run);
  const planJson = await writePlanJson(run, plan);
  await appendSummary(run, planSummary("drift", plan, run.links));
  const planned = plannedOutcome(plan, planJson);
  if (run.inputs.comment === "update") {
    try {
      await trackIssue(run, plan);
    } catch (error) {
      // The plan stands (outputs, plan.json, summary); the step fails because the issue is not kept.
      return { ...failureOf(error), plan: planned };
    }
  }
  if (plan.summary.total === 0)
    return { exitCode: EXIT_OK, failureReason: null, failure: null, plan: planned };
  return {
    exitCode: EXIT_CHANGES,
    failureReason: "changes-to-apply",
    failure: `drift: live state differs from ${run.inputs.path} (${countsText(plan)}). Merge a change to the files, or apply to put live state back; the drift issue and the job summary show the changes.`,
    plan: planned,
  };
}

async function trackIssue(run: Run, plan: Plan): Promise<void> {
  const github = run.github();
  const label = run.inputs.driftIssueLabel;
  const own = findOwn(await github.openIssues(label), "drift", run.inputs.path, await github.viewer());
  const drifted = plan.summary.total > 0;
  const stamp = `Last checked by [this run](${run.links.runUrl}) at ${new Date().toISOString()}.`;

  if (!drifted) {
    if (own === null) return;
    await github.createComment(
      own.item.number,
      `✅ Drift resolved: live state matches ${codeSpan(run.inputs.path)} again ([run](${run.links.runUrl})). Closing.`,
    );
    await github.updateIssue(own.item.number, { state: "closed" });
    core.info(`Closed the drift issue ${own.item.url}`);
    return;
  }
  const { content, truncated } = driftContent(plan, run.links);
  const marker: Marker = {
    path: run.inputs.path,
    instance: plan.instance.arn,
    checksum: plan.checksum,
    truncated,
    status: "planned",
  };
  const text = body("drift", marker, content, stamp);
  if (own === null) {
    await github.ensureLabel(label, LABEL_COLOR, LABEL_DESCRIPTION);
    const created = await github.createIssue(
      `accessops drift: live IAM Identity Center differs from ${run.inputs.path}`,
      text,
      label,
    );
    core.info(`Opened the drift issue ${created.url}`);
    return;
  }
  await github.updateIssue(own.item.number, { body: text });
  if (own.marker.checksum !== plan.checksum) {
    const was = own.marker.checksum === null ? "" : `, was ${codeSpan(shortChecksum(own.marker.checksum))}`;
    await github.createComment(
      own.item.number,
      `🔄 Drift changed: now ${countsText(plan)} (plan ${codeSpan(shortChecksum(plan.checksum))}${was}); [run](${run.links.runUrl}). The description above is up to date.`,
    );
  }
  core.info(`Updated the drift issue ${own.item.url}`);
}
