import { describe, expect, it } from "vitest";
import { parseMarker } from "../../src/action/marker.ts";
import { ACTIONS_BOT } from "./fake-github.ts";
import {
  type Checkout,
  checkout,
  dispatchEvent,
  runInProcess,
  scheduleEvent,
  useServers,
  writeAccessFiles,
} from "./harness.ts";
import { accessFiles } from "./scenario.ts";

const servers = useServers();

const HEAD = "d".repeat(40);
const DAY_MS = 86_400_000;
const LABEL = "accessops-drift";

const drift = (repo: Checkout) =>
  runInProcess(repo, scheduleEvent(servers.github, HEAD), servers.github, {
    command: "drift",
    endpoint: servers.emu.endpoint,
  });
const driftIssues = () =>
  servers.github.issues.filter((i) => !i.pull && parseMarker("drift", i.body) !== null);
const commentsOn = (issue: number | undefined) => servers.github.comments.filter((c) => c.issue === issue);

describe("drift on a schedule", () => {
  it("opens one labelled issue, updates it, comments when the drift changes, and closes it when drift is gone", async () => {
    const expiring = new Date(Date.now() + 3 * DAY_MS);
    const repo = await checkout(accessFiles({ grantDevs: true, expiringAt: expiring }));
    const forged = servers.github.addIssue({
      title: "drift",
      body: `<!-- accessops:drift {"path":"access","instance":null,"checksum":null,"truncated":false,"status":"planned"} -->`,
      labels: [LABEL],
      user: { login: "mallory", type: "User" },
    });

    const first = await drift(repo);
    expect(first.failed).toBe(true);
    expect(first.outputs).toMatchObject({
      "exit-code": "2",
      "failure-reason": "changes-to-apply",
      "has-changes": "true",
    });
    const own = driftIssues().filter((i) => i.user.login === "github-actions[bot]");
    expect(own).toHaveLength(1);
    const issue = own[0];
    expect(issue?.state).toBe("open");
    expect(issue?.labels).toEqual([LABEL]);
    expect(issue?.body).toContain(
      "IAM Identity Center drift check — `access` on `ssoins-7f3e2d1c0b9a8877` · 🟢",
    );
    expect(issue?.body).toContain("⏳ Expiring soon");
    expect(issue?.body).toContain(`expires ${expiring.toISOString()}`);
    expect(parseMarker("drift", issue?.body ?? "")?.checksum).toBe(first.outputs.checksum);
    expect(first.summary).toContain(`expires ${expiring.toISOString()}`);

    const firstBody = issue?.body;
    const same = await drift(repo);
    expect(same.failed).toBe(true);
    expect(driftIssues().filter((i) => i.user.login === "github-actions[bot]")).toHaveLength(1);
    expect(issue?.body).not.toBe(firstBody);
    expect(issue?.body).toContain("Last checked by [this run]");
    expect(commentsOn(issue?.number)).toEqual([]);

    await writeAccessFiles(repo, accessFiles({ grantDevs: true, audit: true, expiringAt: expiring }));
    const changed = await drift(repo);
    expect(changed.failed).toBe(true);
    expect(parseMarker("drift", issue?.body ?? "")?.checksum).toBe(changed.outputs.checksum);
    expect(issue?.body).toContain("Audit");
    expect(commentsOn(issue?.number)).toHaveLength(1);
    expect(commentsOn(issue?.number)[0]?.body).toContain("🔄 Drift changed");

    const applied = await runInProcess(repo, dispatchEvent(servers.github, HEAD), servers.github, {
      command: "apply",
      "allow-unreviewed": "true",
      endpoint: servers.emu.endpoint,
    });
    expect(applied.failed).toBe(false);

    const clean = await drift(repo);
    expect(clean.failed).toBe(false);
    expect(clean.outputs).toMatchObject({ "exit-code": "0", "failure-reason": "", "has-changes": "false" });
    expect(issue?.state).toBe("closed");
    expect(commentsOn(issue?.number).at(-1)?.body).toContain("✅ Drift resolved");
    expect(clean.summary).toContain(
      "IAM Identity Center drift check — `access` on `ssoins-7f3e2d1c0b9a8877` · ✅ no changes",
    );
    expect(clean.summary).toContain(`expires ${expiring.toISOString()}`);
    expect(driftIssues().filter((i) => i.user.login === "github-actions[bot]")).toHaveLength(1);

    const forgedIssue = servers.github.issues.find((i) => i.number === forged);
    expect(forgedIssue?.state).toBe("open");
    expect(commentsOn(forged)).toEqual([]);
  });

  it("keeps the oldest of two open drift issues of its own up to date, as it keeps the oldest comment", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const marker = `<!-- accessops:drift {"path":"access","instance":null,"checksum":null,"truncated":false,"status":"planned"} -->`;
    const [older, newer] = [1, 2].map(() =>
      servers.github.addIssue({ title: "drift", body: marker, labels: [LABEL], user: ACTIONS_BOT }),
    );
    await drift(repo);
    const body = (n: number | undefined) => servers.github.issues.find((i) => i.number === n)?.body ?? "";
    expect(body(older)).toContain("Last checked by");
    expect(body(newer)).toBe(marker);
  });

  it("keeps the plan's outputs when GitHub refuses the issue, and fails the step for that", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const run = await runInProcess(repo, scheduleEvent(servers.github, HEAD), servers.github, {
      command: "drift",
      endpoint: servers.emu.endpoint,
      "github-token": "not-a-token-github-knows",
    });
    expect(run.failed).toBe(true);
    expect(run.outputs["has-changes"]).toBe("true");
    expect(run.outputs.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(run.outputs["plan-json"]).not.toBe("");
    expect(run.outputs["failure-reason"]).not.toBe("changes-to-apply");
    expect(driftIssues()).toEqual([]);
  });

  it("creates its label, and opens a new issue for a new episode of drift after the last one was closed", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    await drift(repo);
    expect(servers.github.labels).toEqual([expect.objectContaining({ name: LABEL, color: "d93f0b" })]);
    await writeAccessFiles(repo, accessFiles());
    await drift(repo);
    expect(driftIssues().map((i) => i.state)).toEqual(["closed"]);
    await writeAccessFiles(repo, accessFiles({ audit: true }));
    await drift(repo);
    expect(driftIssues().map((i) => i.state)).toEqual(["closed", "open"]);
  });
});
