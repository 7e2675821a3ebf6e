import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildAction, REPOSITORY_ROOT } from "../../src/action/bundle.ts";
import { INPUT_DEFAULTS } from "../../src/action/inputs.ts";
import { parseMarker } from "../../src/action/marker.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { type FakeGitHub, startFakeGitHub } from "./fake-github.ts";
import { checkout, pullRequestEvent, runBundle, runInProcess } from "./harness.ts";
import { accessFiles, emulator } from "./scenario.ts";

interface ActionYaml {
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string };
}

const actionYaml = async (): Promise<ActionYaml> =>
  parse(await readFile(join(REPOSITORY_ROOT, "action.yml"), "utf8")) as ActionYaml;

describe("dist/, the committed bundle", () => {
  it("is byte for byte what npm run build:action makes of the sources now", async () => {
    const built = await buildAction();
    const committed = (await readdir(join(REPOSITORY_ROOT, "dist"))).map((f) => `dist/${f}`).sort();
    expect(committed, "dist/ holds other files than the build: run npm run build:action").toEqual(
      [...built.keys()].sort(),
    );
    for (const [path, bytes] of built) {
      const onDisk = await readFile(join(REPOSITORY_ROOT, path));
      expect(
        Buffer.compare(onDisk, Buffer.from(bytes)) === 0,
        `${path} is out of date with src/: run npm run build:action and commit dist/`,
      ).toBe(true);
    }
  });

  it("builds reproducibly, with no machine paths in it", async () => {
    const [a, b] = [await buildAction(), await buildAction()];
    const text = (m: Map<string, Uint8Array>) =>
      Buffer.from(m.get("dist/index.js") ?? new Uint8Array()).toString("utf8");
    expect(text(a)).toBe(text(b));
    expect(text(a)).not.toContain(REPOSITORY_ROOT);
    expect(
      text(a).startsWith('import { createRequire as __accessopsCreateRequire } from "node:module";'),
    ).toBe(true);
  });
});

describe("action.yml", () => {
  it("declares the inputs the code reads, with the same defaults, each documented", async () => {
    const yml = await actionYaml();
    expect(Object.keys(yml.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    for (const [name, input] of Object.entries(yml.inputs)) {
      expect(input.description?.length, name).toBeGreaterThan(20);
      expect(input.required, name).toBe(false);
      const expected =
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
        name === "github-token" ? "${{ github.token }}" : INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS];
      expect(input.default, name).toBe(expected);
    }
    expect(yml.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });
});

describe("the bundle on a runner", () => {
  let emu: RunningEmulator;
  let github: FakeGitHub;
  beforeAll(async () => {
    emu = await emulator();
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    await emu.stop();
    await github.stop();
  });

  it("runs node dist/index.js: plans, comments, and sets the outputs action.yml declares", async () => {
    const repo = await checkout(accessFiles({ grantDevs: true }));
    const pr = github.addPull({});
    const run = await runBundle(
      join(REPOSITORY_ROOT, "dist/index.js"),
      repo,
      pullRequestEvent(github, pr),
      github,
      {
        command: "plan",
        endpoint: emu.endpoint,
      },
    );
    expect(run.failed, run.log).toBe(false);
    expect(run.outputs).toMatchObject({ "exit-code": "2", "has-changes": "true", "failure-reason": "" });
    const [comment] = github.commentsOn(pr);
    expect(parseMarker("plan", comment?.body ?? "")).toMatchObject({
      status: "planned",
      checksum: run.outputs.checksum,
    });
    expect(run.summary).toContain("IAM Identity Center plan");
    expect(Object.keys(run.outputs).sort()).toEqual(Object.keys((await actionYaml()).outputs).sort());

    const again = await runInProcess(repo, pullRequestEvent(github, pr), github, {
      command: "plan",
      endpoint: emu.endpoint,
    });
    expect(again.outputs.checksum).toBe(run.outputs.checksum);
    expect(github.commentsOn(pr)).toHaveLength(1);
  });
});
