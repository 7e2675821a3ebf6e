import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMarker } from "../../src/action/marker.ts";
import type { FakeGitHub } from "./fake-github.ts";
import {
  type Checkout,
  checkout,
  dispatchEvent,
  pullRequestEvent,
  pushEvent,
  runInProcess,
  scheduleEvent,
  type Trigger,
  useServers,
  writeAccessFiles,
} from "./harness.ts";
import { accessFiles, DEV, PROD } from "./scenario.ts";

const servers = useServers();

const MERGE_SHA = "b".repeat(40);
const ownComments = (pr: number) =>
  servers.github.commentsOn(pr).filter((c) => c.user.login === "github-actions[bot]");
const planComment = (pr: number) => ownComments(pr).find((c) => parseMarker("plan", c.body) !== null);
const applyComment = (pr: number) => ownComments(pr).find((c) => parseMarker("apply", c.body) !== null);
const hasAssignment = (account: string, group: string) =>
  (servers.emu.state().assignments ?? []).some(
    (a) => a.account === account && a.group === group && a.permissionSet === "Ops",
  );

/** A pull request planned by the Action (and so reviewed), then merged as MERGE_SHA. */
async function reviewedAndMerged(repo: Checkout, options: { associated?: boolean } = {}): Promise<number> {
  const pr = servers.github.addPull({});
  const planned = await runInProcess(repo, pullRequestEvent(servers.github, pr), servers.github, {
    command: "plan",
    endpoint: servers.emu.endpoint,
  });
  expect(planned.outputs["failure-reason"]).toBe("");
  servers.github.merge(pr, MERGE_SHA, options);
  return pr;
}

const apply = (repo: Checkout, trigger: Trigger, inputs: Record<string, string> = {}) =>
  runInProcess(repo, trigger, servers.github, {
    command: "apply",
    endpoint: servers.emu.endpoint,
    ...inputs,
  });

describe("apply on merge", () => {
  it.each([
    { how: "the commit's pull request", associated: true },
    { how: "recently closed pull requests (commit not associated yet)", associated: false },
  ])("applies the plan reviewed in the merged pull request, found through $how", async ({ associated }) => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = await reviewedAndMerged(repo, { associated });
    const reviewed = parseMarker("plan", planComment(pr)?.body ?? "")?.checksum;
    expect(hasAssignment(DEV, "Devs")).toBe(false);

    const run = await apply(repo, pushEvent(servers.github, MERGE_SHA));
    expect(run.failed).toBe(false);
    expect(run.outputs).toMatchObject({ "exit-code": "0", "failure-reason": "", checksum: reviewed });
    expect(hasAssignment(DEV, "Devs")).toBe(true);
    expect(run.summary).toContain(`Applying the plan reviewed in #${pr}.`);
    expect(run.summary).toContain("Apply complete");

    const plan = planComment(pr)?.body ?? "";
    expect(parseMarker("plan", plan)).toMatchObject({ status: "applied", checksum: reviewed });
    expect(plan).toContain("✅ **Applied** in [this run]");
    expect(plan).toContain("assignment/333333333333/Ops/GROUP/Devs");
    expect(applyComment(pr)?.body).toContain("IAM Identity Center apply — ✅ Apply complete");
    expect(ownComments(pr)).toHaveLength(2);

    // A re-run: on the same runner (the journal has the reviewed plan), and on a fresh one.
    for (const runner of [
      repo,
      { ...repo, runnerTemp: await mkdtemp(join(tmpdir(), "accessops-runner-")) },
    ]) {
      const again = await apply(runner, pushEvent(servers.github, MERGE_SHA));
      expect(again.failed).toBe(false);
      expect(again.outputs).toMatchObject({ "exit-code": "0", "has-changes": "false" });
      expect(again.summary).toContain("nothing to apply");
      expect(ownComments(pr)).toHaveLength(2);
      expect(planComment(pr)?.body).toContain("Nothing needed changing");
    }
  });

  it("refuses when the plan changed since the review, changes nothing, and says so on the pull request", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = await reviewedAndMerged(repo);
    const reviewed = parseMarker("plan", planComment(pr)?.body ?? "")?.checksum ?? "";
    // Another change landed on the default branch before this apply ran.
    await writeAccessFiles(repo, accessFiles({ grantDevs: true, audit: true }));
    servers.emu.resetStats();

    const run = await apply(repo, pushEvent(servers.github, MERGE_SHA));
    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({
      "exit-code": "3",
      "failure-reason": "plan-changed",
      "has-changes": "true",
    });
    expect(run.outputs.checksum).not.toBe(reviewed);
    expect(servers.emu.writes()).toEqual([]);
    expect(run.summary).toContain("not applied");
    expect(run.summary).toContain("Audit");

    const plan = planComment(pr)?.body ?? "";
    expect(parseMarker("plan", plan)).toMatchObject({ status: "plan-changed", checksum: reviewed });
    expect(plan).toContain("⛔ **Not applied: the plan changed**");
    expect(plan).toContain(`reviewed \`${reviewed.slice(0, 12)}…\``);
    expect(plan).toContain(`planned at merge \`${run.outputs.checksum?.slice(0, 12)}…\``);
    expect(applyComment(pr)).toBeUndefined();
  });

  it("refuses a plan that was reviewed for another instance, though its checksum matches", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = await reviewedAndMerged(repo);
    const comment = planComment(pr);
    const other = "arn:aws:sso:::instance/ssoins-0000000000000000";
    expect(comment?.body).toContain(servers.emu.instanceArn);
    // The plan workflow ran against another instance than the apply workflow does.
    if (comment) comment.body = comment.body.replace(servers.emu.instanceArn, other);
    servers.emu.resetStats();

    const run = await apply(repo, pushEvent(servers.github, MERGE_SHA));
    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({ "exit-code": "3", "failure-reason": "plan-changed" });
    expect(servers.emu.writes()).toEqual([]);
    expect(run.summary).toContain(`the reviewed plan was made for instance ${other}`);
  });

  it("fails the step when a change fails, annotates it on its rule, and reports it on the pull request", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = await reviewedAndMerged(repo);
    const reason = "Received a 409 status error: Cannot exceed quota for RolesPerAccount: 1000";
    servers.emu.addFaultRules({
      operation: "CreateAccountAssignment",
      error: "FAILED",
      failureReason: reason,
    });

    const run = await apply(repo, pushEvent(servers.github, MERGE_SHA));
    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({ "exit-code": "1", "failure-reason": "apply-failed" });
    const failure = run.annotations.find((a) => a.properties.title === "accessops apply");
    expect(failure?.message).toContain("assignment/333333333333/Ops/GROUP/Devs");
    expect(failure?.message).toContain(reason);
    expect(failure?.properties).toMatchObject({ file: "access/assignments.yaml", line: "3" });
    expect(parseMarker("plan", planComment(pr)?.body ?? "")?.status).toBe("apply-failed");
    expect(applyComment(pr)?.body).toContain("❌ Apply finished with errors: 1 failed");
    expect(applyComment(pr)?.body).toContain("RolesPerAccount");
    expect(run.summary).toContain("RolesPerAccount");
  });

  it("refuses a merged pull request that has no plan comment, and says so there", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = servers.github.addPull({});
    servers.github.merge(pr, MERGE_SHA);
    const run = await apply(repo, pushEvent(servers.github, MERGE_SHA));
    expect(run.failed).toBe(true);
    expect(run.outputs["failure-reason"]).toBe("unreviewed");
    expect(servers.emu.writes()).toEqual([]);
    expect(planComment(pr)?.body).toContain("⛔ **Not applied**");
  });
});

describe("where apply never applies", () => {
  const fork = "mallory/access";
  it.each<[string, (g: FakeGitHub) => Trigger]>([
    ["pull_request", (g) => pullRequestEvent(g, 1)],
    [
      "pull_request_target",
      (g) => ({ ...pullRequestEvent(g, 1), event: "pull_request_target", ref: "refs/heads/main" }),
    ],
    [
      "a fork's pull request",
      (g) => ({ ...pullRequestEvent(g, 1, fork), event: "pull_request_target", ref: "refs/heads/main" }),
    ],
    [
      "a workflow_run of a fork",
      () => ({
        event: "workflow_run",
        payload: {
          workflow_run: { head_repository: { full_name: fork } },
          repository: { default_branch: "main" },
        },
        sha: MERGE_SHA,
        ref: "refs/heads/main",
      }),
    ],
    ["a push to another branch", (g) => pushEvent(g, MERGE_SHA, "feature")],
  ])("refuses on %s, whatever the inputs say", async (_, trigger) => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    servers.github.addPull({});
    const run = await apply(repo, trigger(servers.github), {
      "allow-unreviewed": "true",
      "allow-deletes": "true",
    });
    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({ "exit-code": "1", "failure-reason": "unreviewed" });
    expect(servers.emu.writes()).toEqual([]);
  });
});

describe("deliberate applies without a pull request", () => {
  it("refuses a direct push, and applies on workflow_dispatch with allow-unreviewed", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pushed = await apply(repo, pushEvent(servers.github, MERGE_SHA), { "allow-unreviewed": "true" });
    expect(pushed.failed).toBe(true);
    expect(pushed.outputs["failure-reason"]).toBe("unreviewed");
    const failure = pushed.annotations.find((a) => a.level === "error")?.message ?? "";
    expect(failure).toContain("no merged pull request found");
    expect(failure).toContain("workflow_dispatch");
    expect(failure).toContain("allow-unreviewed: true");
    expect(servers.emu.writes()).toEqual([]);

    const dispatched = await apply(repo, dispatchEvent(servers.github, MERGE_SHA), {
      "allow-unreviewed": "true",
    });
    expect(dispatched.failed).toBe(false);
    expect(dispatched.summary).toContain("**Unreviewed apply**");
    expect(hasAssignment(DEV, "Devs")).toBe(true);
  });

  it("applies a plan reviewed in a plan run's job summary by its checksum", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const planned = await runInProcess(repo, dispatchEvent(servers.github, MERGE_SHA), servers.github, {
      command: "plan",
      endpoint: servers.emu.endpoint,
    });
    expect(planned.summary).toContain(planned.outputs.checksum ?? "-");
    const run = await apply(repo, dispatchEvent(servers.github, MERGE_SHA), {
      checksum: planned.outputs.checksum ?? "",
    });
    expect(run.failed).toBe(false);
    expect(hasAssignment(DEV, "Devs")).toBe(true);
    expect(servers.github.comments).toEqual([]);
  });

  it("revokes expired access on a schedule and applies nothing else", async () => {
    const repo = await checkout(
      accessFiles({
        grantDevs: true,
        dropAdmins: true,
        extraAssignments:
          '  - { principal: { group: Admins }, permissionSets: [Ops], targets: { accounts: [prod] }, expires: "2020-01-01T00:00:00Z", reason: INC-1 }\n',
      }),
    );
    expect(hasAssignment(PROD, "Admins")).toBe(true);
    const run = await apply(repo, scheduleEvent(servers.github, MERGE_SHA), { "only-expired": "true" });
    expect(run.failed).toBe(false);
    expect(run.summary).toContain("Revoking expired access only");
    expect(hasAssignment(PROD, "Admins")).toBe(false);
    expect(hasAssignment(DEV, "Devs")).toBe(false);
    expect(new Set(servers.emu.writes().map((w) => w.operation))).toEqual(
      new Set(["DeleteAccountAssignment"]),
    );
  });
});
