import * as core from "@actions/core";
import { startProgressDisplay } from "../apply/progress.ts";
import { reportHeadline } from "../apply/render.ts";
import { reportSucceeded } from "../apply/report.ts";
import { type ApplyIo, type ApplyResult, type Reviewed, runApply } from "../apply/run.ts";
import { systemClock } from "../aws/clock.ts";
import { EXIT_ERROR, EXIT_OK, InternalError, StalePlanError, UnsafePlanError } from "../model/errors.ts";
import { codeSpan, escapeMarkdown, planChecksum } from "../plan/index.ts";
import type { Marker } from "./marker.ts";
import { contentOf, findOwn } from "./marker.ts";
import { ApplyRefusedError, failureOf, type Outcome, plannedOutcome } from "./outcome.ts";
import { body, planSummary, reportContent, type StatusDetail, shortChecksum, statusText } from "./render.ts";
import {
  annotate,
  appendSummary,
  changeSource,
  journalPath,
  logPlan,
  planFiles,
  type Run,
  sessionOptionsOf,
  tryReport,
  upsertComment,
  writePlanJson,
} from "./shell.ts";

/** The checksum of a plan with no changes: apply finding this means there is nothing left to do. */
const EMPTY_PLAN_CHECKSUM = planChecksum([]);

/** What the run applies, and on whose review. */
type Review =
  /** The plan reviewed in the merged pull request's plan comment: its number and checksum. */
  | { kind: "pull-request"; pr: number; checksum: string; instanceArn: string | null }
  /** A checksum given as an input (a plan reviewed in a plan run's job summary). */
  | { kind: "checksum"; checksum: string }
  /** `only-expired`: the revocation of expired access, which the merged files already decided. */
  | { kind: "only-expired" }
  /** `allow-unreviewed` on `workflow_dispatch`: the files at the branch head, as they plan now. */
  | { kind: "unreviewed" };

/**
 * `command: apply`, on `push` to the default branch: finds the merged pull request, takes the
 * checksum of the plan reviewed there, and applies only when planning now gives the same plan.
 * Never on pull request events, for forks, or off the default branch, whatever the inputs say.
 */
export async function applyCommand(run: Run): Promise<Outcome> {
  await refuseWhereNeverApplied(run);
  const review = await findReview(run);
  const reviewed: Reviewed =
    review.kind === "pull-request"
      ? { kind: "checksum", checksum: review.checksum, instanceArn: review.instanceArn }
      : review.kind === "checksum"
        ? { kind: "checksum", checksum: review.checksum }
        : null;
  const pr = review.kind === "pull-request" && run.inputs.comment === "update" ? review : null;
  if (pr !== null) {
    await tryReport("update the plan comment", () =>
      setPlanStatus(run, pr, "applying", { checksum: pr.checksum }),
    );
  }

  let result: ApplyResult;
  try {
    result = await runApply(
      {
        session: sessionOptionsOf(run),
        reviewed,
        autoApprove: reviewed === null,
        allowDeletes: run.inputs.allowDeletes,
        refresh: run.inputs.refresh,
        onlyExpired: review.kind === "only-expired",
        journalPath: await journalPath(run),
        timeScale: run.options.timeScale ?? 1,
      },
      applyIo(run),
    );
  } catch (error) {
    if (error instanceof StalePlanError && error.actualChecksum === EMPTY_PLAN_CHECKSUM) {
      return nothingLeft(run, pr, { hasChanges: false, checksum: EMPTY_PLAN_CHECKSUM, planJson: null });
    }
    return notApplied(run, pr, error);
  }
  if (result.kind === "cancelled") throw new InternalError("apply asked for a confirmation in a workflow");
  return applied(run, review, pr, result);
}

/** The outcome of a finished apply: the report on the pull request and in the job summary. */
async function applied(
  run: Run,
  review: Review,
  pr: Extract<Review, { kind: "pull-request" }> | null,
  result: Exclude<ApplyResult, { kind: "cancelled" }>,
): Promise<Outcome> {
  const { plan, report } = result;
  const planJson = await writePlanJson(run, plan);
  if (result.kind === "no-changes") return nothingLeft(run, pr, plannedOutcome(plan, planJson));
  const ok = reportSucceeded(report);
  const byAddress = new Map(plan.changes.map((c) => [c.address, c]));
  for (const e of report.entries.filter((x) => x.outcome === "failed")) {
    core.error(
      `${e.address}: ${e.error?.operation ?? e.action} failed: ${e.error?.failureReason ?? e.error?.message ?? ""}`,
      {
        title: "accessops apply",
        ...changeSource(run, byAddress.get(e.address)),
      },
    );
  }
  await appendSummary(
    run,
    [reviewLine(run, review), reportContent(report, run.links), planSummary("plan", plan, run.links)].join(
      "\n\n",
    ),
  );
  if (pr !== null) {
    const status = ok ? "applied" : "apply-failed";
    const detail: StatusDetail = { checksum: report.checksum, reason: reportHeadline(report) };
    // The changes are made: a GitHub failure now is a warning, not the step's outcome.
    await tryReport("post the apply report on the pull request", async () => {
      await upsertComment(
        run,
        pr.pr,
        "apply",
        {
          path: run.inputs.path,
          instance: plan.instance.arn,
          checksum: report.checksum,
          truncated: false,
          status,
        },
        reportContent(report, run.links),
        statusText(status, run.links),
      );
      await setPlanStatus(run, pr, status, detail);
    });
  }
  const planned = plannedOutcome(plan, planJson);
  if (ok) return { exitCode: EXIT_OK, failureReason: null, failure: null, plan: planned };
  return {
    exitCode: EXIT_ERROR,
    failureReason: "apply-failed",
    failure: `${reportHeadline(report)}\nThe job summary lists what failed and why; run apply again once the cause is fixed.`,
    plan: planned,
  };
}

/**
 * Apply planned again and found nothing to do: an earlier run (this one's journal says so) or
 * someone else already made the changes.
 */
async function nothingLeft(
  run: Run,
  pr: Extract<Review, { kind: "pull-request" }> | null,
  planned: Outcome["plan"],
): Promise<Outcome> {
  const reason = "Nothing needed changing: live state already matched the files.";
  core.info(reason);
  await appendSummary(run, `### IAM Identity Center apply — ✅ nothing to apply\n\n${reason}`);
  if (pr !== null) {
    await tryReport("update the plan comment", () => setPlanStatus(run, pr, "applied", { reason }));
  }
  return { exitCode: EXIT_OK, failureReason: null, failure: null, plan: planned };
}

/** What was applied on whose review, for the top of the job summary. */
function reviewLine(run: Run, review: Review): string {
  switch (review.kind) {
    case "pull-request":
      return `Applying the plan reviewed in #${review.pr}.`;
    case "checksum":
      return `Applying the reviewed plan ${codeSpan(review.checksum)} (the \`checksum\` input).`;
    case "only-expired":
      return "Revoking expired access only (`only-expired`).";
    case "unreviewed":
      return `⚠️ **Unreviewed apply** of the files at ${codeSpan(run.ctx.sha)}, started by ${escapeMarkdown(`@${run.ctx.actor}`)} with \`allow-unreviewed\`.`;
  }
}

/** On a pull request event, for a fork, or off the default branch, apply refuses whatever the inputs say. */
async function refuseWhereNeverApplied(run: Run): Promise<void> {
  const { ctx } = run;
  if (ctx.eventName.startsWith("pull_request")) {
    throw new ApplyRefusedError(
      `apply never runs on ${ctx.eventName} events`,
      "Code under review must not change access. Run command: plan on pull requests, and command: apply on push to the default branch (docs/github-action.md).",
    );
  }
  if (ctx.forkRepository !== null) {
    throw new ApplyRefusedError(
      `apply never runs for code from the fork ${ctx.forkRepository}`,
      "Only changes merged into this repository's default branch are applied.",
    );
  }
  const branch = ctx.defaultBranch ?? (await run.github().defaultBranch());
  if (ctx.ref !== `refs/heads/${branch}`) {
    throw new ApplyRefusedError(
      `apply runs only on the default branch ${branch}; this run is for ${ctx.ref || "no ref"}`,
      `Trigger the apply workflow on push to ${branch} (or by hand on ${branch}).`,
    );
  }
}

/** The review this apply rests on, or a refusal saying how to apply deliberately. */
async function findReview(run: Run): Promise<Review> {
  const { inputs, ctx } = run;
  if (inputs.onlyExpired) return { kind: "only-expired" };
  if (inputs.checksum !== null) return { kind: "checksum", checksum: inputs.checksum };
  const pr = await mergedPullRequest(run);
  if (pr === null) {
    if (inputs.allowUnreviewed && ctx.eventName === "workflow_dispatch") return { kind: "unreviewed" };
    throw new ApplyRefusedError(
      `no merged pull request found for ${ctx.sha.slice(0, 12)}: nothing reviewed to apply`,
      [
        "accessops applies on push only what was reviewed in a pull request's plan comment.",
        "To apply deliberately, run the apply workflow by hand (workflow_dispatch) with command: apply and either checksum: <the checksum of a plan you reviewed> or allow-unreviewed: true.",
      ].join(" "),
    );
  }
  const github = run.github();
  const own = findOwn(await github.comments(pr), "plan", inputs.path, await github.viewer());
  const refuse = (why: string): never => {
    throw new ApplyRefusedError(
      `pull request #${pr} has ${why}: nothing reviewed to apply`,
      "The plan workflow must run on the pull request (command: plan, comment: update) and succeed before merge; to apply now, run the apply workflow by hand with checksum: <a plan you reviewed>.",
    );
  };
  if (own === null) {
    if (inputs.comment === "update") {
      await tryReport("comment on the pull request", () =>
        upsertComment(
          run,
          pr,
          "plan",
          { path: inputs.path, instance: null, checksum: null, truncated: false, status: "not-applied" },
          `### IAM Identity Center apply — ${codeSpan(inputs.path)} · ⛔ not applied`,
          statusText("not-applied", run.links, {
            reason: "this pull request has no accessops plan to apply.",
          }),
        ),
      );
    }
    return refuse(`no accessops plan comment for ${inputs.path}`);
  }
  const { marker } = own;
  if (marker.checksum === null || marker.status === "invalid" || marker.status === "error") {
    return refuse(`no successful plan for ${inputs.path} (its plan comment says ${marker.status})`);
  }
  if (marker.status === "unsafe") return refuse(`a plan for ${inputs.path} that the safety rails refused`);
  return { kind: "pull-request", pr, checksum: marker.checksum, instanceArn: marker.instance };
}

/**
 * The pull request merged as `GITHUB_SHA`: asked of the commit first, then looked for among
 * recently closed pull requests (GitHub may not have associated the commit yet).
 */
async function mergedPullRequest(run: Run): Promise<number | null> {
  const github = run.github();
  const merged = (prs: Awaited<ReturnType<typeof github.pullsForCommit>>) =>
    prs.find((p) => p.merged && p.mergeCommitSha === run.ctx.sha)?.number ?? null;
  return merged(await github.pullsForCommit(run.ctx.sha)) ?? merged(await github.recentlyClosedPulls());
}

/** Rewrites the status line of the pull request's plan comment (and its marker); the plan stays. */
async function setPlanStatus(
  run: Run,
  pr: Extract<Review, { kind: "pull-request" }>,
  status: Marker["status"],
  detail: StatusDetail,
): Promise<void> {
  const github = run.github();
  const own = findOwn(await github.comments(pr.pr), "plan", run.inputs.path, await github.viewer());
  if (own === null) return;
  const marker: Marker = { ...own.marker, status };
  await github.updateComment(
    own.item.id,
    body(
      "plan",
      marker,
      contentOf("plan", own.item.body),
      statusText(status, run.links, { checksum: pr.checksum, ...detail }),
    ),
  );
}

/**
 * Says in the job summary and on the pull request why nothing was applied, and rethrows the error,
 * except a stale plan: then the plan made now goes to the job summary and plan.json (one more read
 * of live state, on this failure path only), so the reviewer sees what changed, and the outcome
 * carries it.
 */
async function notApplied(
  run: Run,
  pr: Extract<Review, { kind: "pull-request" }> | null,
  error: unknown,
): Promise<Outcome> {
  const failure = failureOf(error);
  if (error instanceof StalePlanError) {
    // The detail says what changed ("What changed since the review:" and its lines) before its
    // closing advice, which the second line below replaces for the Action.
    const whatChanged = error.detail.split("\n").slice(0, -1);
    failure.failure = [
      `stale plan: the plan made now (${shortChecksum(error.actualChecksum)}) is not the reviewed one (${shortChecksum(error.expectedChecksum)}); nothing was applied.`,
      ...whatChanged,
      "The job summary shows the plan made now. Review a fresh plan: open a pull request, or run a plan by hand and then apply with checksum: <the plan you reviewed>.",
    ].join("\n");
  }
  await appendSummary(
    run,
    `### IAM Identity Center apply — ⛔ not applied\n\n${(failure.failure ?? "").split("\n").map(escapeMarkdown).join("\n\n")}`,
  );
  if (!(error instanceof StalePlanError)) {
    if (pr !== null) {
      const reason =
        error instanceof UnsafePlanError
          ? `a safety rail tripped at merge: ${error.detail}`
          : (failure.failure ?? "apply failed");
      await tryReport("update the plan comment", () => setPlanStatus(run, pr, "not-applied", { reason }));
    }
    throw error;
  }
  let planned: Outcome["plan"] = null;
  try {
    const { plan } = await planFiles(run);
    planned = plannedOutcome(plan, await writePlanJson(run, plan));
    await appendSummary(run, planSummary("plan", plan, run.links));
  } catch (planError) {
    core.warning(`could not plan again to show the changed plan: ${(planError as Error).message}`);
  }
  if (pr !== null) {
    const reason = [
      "The plan made at merge differs from the one reviewed here: the files or live state changed in between (another merge, an earlier apply, or a change outside accessops).",
      planned === null ? "" : "The job summary of this run shows the plan made at merge.",
    ].join(" ");
    await tryReport("update the plan comment", () =>
      setPlanStatus(run, pr, "plan-changed", {
        checksum: error.expectedChecksum,
        current: error.actualChecksum,
        reason,
      }),
    );
  }
  return { ...failure, plan: planned };
}

/** apply's terminal side in a workflow log: lines, annotations, the plan in a group, heartbeats. */
function applyIo(run: Run): ApplyIo {
  return {
    log: (line) => core.info(line),
    warn: (d) => annotate(run, [d]),
    showPlan: logPlan,
    confirm: null,
    startProgress: (tracker) =>
      startProgressDisplay(
        tracker,
        { write: (text: string) => core.info(text.trimEnd()) },
        { interactive: false },
      ),
    now: () => new Date(),
    clock: systemClock,
  };
}
