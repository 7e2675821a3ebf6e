import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseMarker } from "../../src/action/marker.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { GITHUB_COMMENT_MAX_CHARS, parsePlanJson, renderMarkdown } from "../../src/plan/index.ts";
import {
  ACTIONS_BOT,
  BODY_MAX_CHARS,
  type FakeGitHub,
  startFakeGitHub,
  WORKFLOW_TOKEN,
} from "./fake-github.ts";
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

/**
 * Plans `files` on a new pull request against a new emulator (with `fleet` more accounts);
 * `before` runs first with the pull request's number (to add someone else's comment, say).
 */
async function planPullRequest(
  files: Record<string, string>,
  options: {
    fleet?: number;
    path?: string;
    inputs?: Record<string, string>;
    before?: (pr: number) => void;
  } = {},
) {
  emu = await emulator(options.fleet ?? 0);
  const repo = await checkout(files, options.path);
  const pr = github.addPull({});
  options.before?.(pr);
  const inputs = { command: "plan", endpoint: emu.endpoint, ...options.inputs };
  const run = await runInProcess(repo, pullRequestEvent(github, pr), github, inputs);
  return { repo, pr, run, inputs };
}

describe("plan on a pull request", () => {
  it("creates one sticky comment, then updates it in place", async () => {
    const { repo, pr, run: first, inputs } = await planPullRequest(accessFiles({ grantDevs: true }));
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

/** The markdown outside fenced blocks and code spans: where markdown, HTML and mentions are live. */
function liveMarkdown(md: string): string {
  const withoutFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "");
  return withoutFences.replace(/(?<!\\)(`+)[\s\S]*?\1/g, "");
}

const ZWJ = "\u200d";
const HOSTILE_GROUP =
  "@octo-org/admins <img src=x onerror=alert(1)> | [x](https://evil.example) </details> <!-- accessops:status --> ``` *b*";
const HOSTILE_DESCRIPTION = "@everyone </details><script>alert(1)</script> <!-- accessops:plan {} --> ```";
const HOSTILE_REASON = "@oncall <b>now</b> | `x` ~~gone~~";

describe("plan comment size", () => {
  it("cuts a huge plan under GitHub's limit, says so, and keeps the whole plan in the job summary", async () => {
    const { pr, run } = await planPullRequest(accessFiles({ teams: 8 }), { fleet: 400 });
    expect(run.failed).toBe(false);
    const [comment] = ownComments(pr);
    const text = comment?.body ?? "";
    expect(text.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(BODY_MAX_CHARS).toBe(GITHUB_COMMENT_MAX_CHARS);
    expect(text).toMatch(
      /✂️ \*\*Cut to fit the comment size limit:\*\* [\d,]+ more changes not shown; see the job summary/,
    );
    expect(text).toContain(
      "Full plan: the job summary of [this run](https://github.com/acme/access/actions/runs/",
    );
    expect(parseMarker("plan", text)).toMatchObject({ truncated: true, status: "planned" });

    const plan = parsePlanJson(await readFile(run.outputs["plan-json"] ?? "", "utf8"));
    expect(plan.summary.total).toBeGreaterThan(3000);
    expect(run.summary).not.toContain("Cut to fit");
    for (const c of plan.changes) expect(run.summary).toContain(c.address);

    // The renderer's cut note names the limit and where the rest is when told (the job summary's).
    const cut = renderMarkdown(plan, { maxChars: 20_000, cut: { limit: "LIMIT", rest: "REST" } });
    expect(cut).toMatch(/✂️ \*\*Cut to fit LIMIT:\*\* [\d,]+ more changes not shown; REST\./);
    expect(cut.length).toBeLessThanOrEqual(20_000);
  });
});

describe("hostile strings from the files", () => {
  it("come out inert in the comment and the job summary", async () => {
    const { pr, run } = await planPullRequest(
      accessFiles({
        extraGroups: `  - { name: ${JSON.stringify(HOSTILE_GROUP)}, description: ${JSON.stringify(HOSTILE_DESCRIPTION)} }\n`,
        extraAssignments: `  - { principal: { group: ${JSON.stringify(HOSTILE_GROUP)} }, permissionSets: [Ops], targets: { accounts: [dev] }, reason: ${JSON.stringify(HOSTILE_REASON)} }\n`,
      }),
    );
    expect(run.failed).toBe(false);
    const [comment] = ownComments(pr);
    for (const md of [comment?.body ?? "", run.summary]) {
      expect(md).toContain("octo-org/admins");
      const live = liveMarkdown(md);
      expect(live).not.toMatch(/<img|<script|<b>/i);
      for (const m of live.matchAll(/@/g)) expect(live[(m.index ?? 0) + 1]).toBe(ZWJ);
      expect(live.match(/<details/g)?.length).toBe(1);
      expect(live.match(/<\/details>/g)?.length).toBe(1);
      expect(live.split("\n").filter((l) => l.startsWith("#"))).toHaveLength(1);
    }
    const body = comment?.body ?? "";
    expect(parseMarker("plan", body)).toMatchObject({ status: "planned", checksum: run.outputs.checksum });
    expect(
      body
        .trimEnd()
        .endsWith(
          `<!-- accessops:status -->\n✅ **Ready to apply on merge** (plan \`${run.outputs.checksum?.slice(0, 12)}…\`).`,
        ),
    ).toBe(true);
  });
});

describe("plan failures on a pull request", () => {
  it("annotates invalid files on their line, says so in the comment, and calls no API", async () => {
    const files = accessFiles();
    files["groups.yaml"] = "groups:\n  - name: Admins\n    colour: red\n";
    files["assignments.yaml"] =
      "assignments:\n  - { principal: { group: Admins }, permissionSets: [Nope], targets: { accounts: [prod] } }\n";
    const path = "deploy/access";
    const { repo, pr, run, inputs } = await planPullRequest(files, { path, inputs: { path } });

    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({
      "exit-code": "1",
      "failure-reason": "invalid-config",
      "has-changes": "",
    });
    const errors = run.annotations.filter((a) => a.level === "error" && a.properties.file !== undefined);
    expect(errors.map((a) => [a.properties.file, a.properties.line])).toEqual(
      expect.arrayContaining([
        ["deploy/access/groups.yaml", "3"],
        ["deploy/access/assignments.yaml", "2"],
      ]),
    );
    expect(errors.every((a) => Number(a.properties.col) > 0)).toBe(true);
    expect(Object.values(emu.calls()).reduce((n, s) => n + s.calls, 0)).toBe(0);

    const [comment] = ownComments(pr);
    expect(comment?.body).toContain("the access files are invalid");
    expect(comment?.body).toContain("`deploy/access/groups.yaml:3:");
    expect(parseMarker("plan", comment?.body ?? "")).toMatchObject({ status: "invalid", checksum: null });

    await writeAccessFiles(repo, accessFiles({ grantDevs: true }), "deploy/access");
    const fixed = await runInProcess(repo, pullRequestEvent(github, pr), github, inputs);
    expect(fixed.failed).toBe(false);
    expect(ownComments(pr)).toHaveLength(1);
    expect(parseMarker("plan", ownComments(pr)[0]?.body ?? "")).toMatchObject({ status: "planned" });
  });

  it("refuses an unsafe plan in the comment and fails the step with exit code 3", async () => {
    const { pr, run } = await planPullRequest(accessFiles({ dropAdmins: true, maxDeletes: 0 }));
    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({
      "exit-code": "3",
      "failure-reason": "unsafe-plan",
      "has-changes": "true",
    });
    const [comment] = ownComments(pr);
    expect(comment?.body).toContain("⛔ **Refused:** a safety rail tripped");
    expect(parseMarker("plan", comment?.body ?? "")?.status).toBe("unsafe");
  });
});

describe("whose comment is the plan comment", () => {
  it("ignores a marker pasted by someone else and never touches their comment", async () => {
    const forged = `<!-- accessops:plan {"path":"access","instance":null,"checksum":"${"f".repeat(64)}","truncated":false,"status":"planned"} -->\nlooks legit`;
    const { pr, run } = await planPullRequest(accessFiles({ grantDevs: true }), {
      before: (number) => github.addComment(number, forged, { login: "mallory", type: "User" }),
    });
    expect(run.failed).toBe(false);
    expect(github.commentsOn(pr)).toHaveLength(2);
    expect(github.commentsOn(pr).find((c) => c.user.login === "mallory")?.body).toBe(forged);
    expect(parseMarker("plan", ownComments(pr)[0]?.body ?? "")?.checksum).toBe(run.outputs.checksum);
  });

  it("says which permission is missing when the token cannot comment", async () => {
    await github.stop();
    github = await startFakeGitHub({ tokens: { [WORKFLOW_TOKEN]: { ...ACTIONS_BOT, readOnly: true } } });
    const { run } = await planPullRequest(accessFiles({ grantDevs: true }));
    expect(run.failed).toBe(true);
    expect(run.outputs).toMatchObject({ "failure-reason": "invalid-config", "has-changes": "true" });
    const error = run.annotations.find((a) => a.level === "error")?.message ?? "";
    expect(error).toContain("GitHub refused to comment on the pull request (HTTP 403)");
    expect(error).toContain("permissions: pull-requests: write");
    expect(github.comments).toEqual([]);
  });

  it("posts nothing with comment: off", async () => {
    const { run } = await planPullRequest(accessFiles({ grantDevs: true }), { inputs: { comment: "off" } });
    expect(run.failed).toBe(false);
    expect(run.outputs["has-changes"]).toBe("true");
    expect(github.comments).toEqual([]);
    expect(github.requests).toEqual([]);
  });
});
