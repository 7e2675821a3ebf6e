import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/action/marker.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { GITHUB_COMMENT_MAX_CHARS, parsePlanJson } from "../../src/plan/index.ts";
import { BODY_MAX_CHARS, type FakeGitHub, startFakeGitHub } from "./fake-github.ts";
import { checkout, pullRequestEvent, runInProcess, writeAccessFiles } from "./harness.ts";
import { accessFiles, emulator } from "./scenario.ts";

let emu: RunningEmulator;
let github: FakeGitHub;
beforeEach(async () => {
  github = await startFakeGitHub();
});
afterEach(async () => {
  await emu?.stop();
  await github.stop();
});

const ownComments = (pr: number) =>
  github.commentsOn(pr).filter((c) => c.user.login === "github-actions[bot]");

describe("plan on a pull request", () => {
  it("creates one sticky comment, then updates it in place", async () => {
    emu = await emulator();
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = github.addPull({});
    const inputs = { command: "plan", endpoint: emu.endpoint };

    const first = await runInProcess(repo, pullRequestEvent(github, pr), github, inputs);
    expect(first.failed).toBe(false);
    expect(ownComments(pr)).toHaveLength(1);
    const created = ownComments(pr)[0];
    expect(created?.body).toContain("1 to create");
    expect(created?.body).toContain("✅ **Ready to apply on merge**");
    expect(first.outputs).toMatchObject({ "has-changes": "true", "exit-code": "2", "failure-reason": "" });
    const marker = parseMarker("plan", created?.body ?? "");
    expect(marker).toMatchObject({ path: "access", status: "planned", truncated: false });
    expect(marker?.checksum).toBe(first.outputs.checksum);
    const planFile = parsePlanJson(await readFile(first.outputs["plan-json"] ?? "", "utf8"));
    expect(planFile.checksum).toBe(first.outputs.checksum);
    expect(first.summary).toContain("IAM Identity Center plan");
    expect(first.summary).toContain("Devs");

    await writeAccessFiles(repo, accessFiles({ grantDevs: true, audit: true }));
    const second = await runInProcess(repo, pullRequestEvent(github, pr), github, inputs);
    expect(second.failed).toBe(false);
    expect(ownComments(pr)).toHaveLength(1);
    const updated = ownComments(pr)[0];
    expect(updated?.id).toBe(created?.id);
    expect(updated?.body).toContain("Audit");
    expect(parseMarker("plan", updated?.body ?? "")?.checksum).toBe(second.outputs.checksum);
    expect(second.outputs.checksum).not.toBe(first.outputs.checksum);
  });
});
