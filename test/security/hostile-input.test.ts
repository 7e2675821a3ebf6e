import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan } from "../../src/cli/plan.ts";
import { runValidate } from "../../src/cli/validate.ts";
import { reportError } from "../../src/cli.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { ConfigError, exitCodeFor, formatDiagnostic } from "../../src/model/errors.ts";
import { Capture } from "../apply/cli-io.ts";
import { ROOT, runCli } from "./cli-process.ts";

/**
 * The hostile-input corpus: access directories and emulator seeds written to hurt. Every case
 * must stop `accessops plan` and `accessops validate` with exit 1 and a clear, located error
 * before any API call (the emulator's call counter stays at zero), and every lying seed must stop
 * the emulator at start-up. The corpus is `test/fixtures/hostile/<case>/` (an `access/` directory
 * or a `seed.json`) with the exact lines `plan` prints in `expected.txt`, plus the 64 cases of
 * `test/fixtures/invalid/` (the loader's own corpus) run through `plan` as well. The 10 MB file is
 * generated at test time. Regenerate the goldens after a deliberate change with
 * `UPDATE_FIXTURES=1 npx vitest run test/security/hostile-input.test.ts`, and read the diff.
 */

const HOSTILE = "test/fixtures/hostile";
const INVALID = "test/fixtures/invalid";
const UPDATE = process.env.UPDATE_FIXTURES === "1";
const NOW = new Date("2026-06-01T00:00:00Z");
/** The generated file: ten times the loader's per-file limit. */
const HUGE_FILE_BYTES = 10 * 1024 * 1024;

const casesIn = (dir: string, has: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((name) => statSync(join(ROOT, dir, name)).isDirectory() && existsSync(join(ROOT, dir, name, has)))
    .sort();

const accessCases = casesIn(HOSTILE, "access").filter((name) => name !== "huge-file");
const seedCases = casesIn(HOSTILE, "seed.json");
const invalidCases = readdirSync(join(ROOT, INVALID)).filter((name) =>
  statSync(join(ROOT, INVALID, name)).isDirectory(),
);

function golden(path: string, actual: string): void {
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing; run with UPDATE_FIXTURES=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `accessops plan DIR --endpoint EMULATOR`, in-process, errors mapped as the CLI maps them. */
async function plan(dir: string, endpoint: string): Promise<Outcome> {
  const stdout = new Capture();
  const stderr = new Capture();
  try {
    const code = await runPlan(
      dir,
      { format: "text", refresh: "full", endpoint },
      { stdout, stderr, env: {}, now: NOW, elapsedMs: () => 0 },
    );
    return { code, stdout: stdout.text, stderr: stderr.text };
  } catch (error) {
    reportError(error, stderr);
    return { code: exitCodeFor(error), stdout: stdout.text, stderr: stderr.text };
  }
}

/** `accessops validate DIR`, in-process. */
async function validate(dir: string): Promise<Outcome> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runValidate(dir, "text", { stdout, stderr, env: {}, now: NOW });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The `file:line:column: message` lines of an output (not the error title, not validate's summary). */
const located = (text: string): string[] =>
  text.split("\n").filter((l) => /^\S+: /.test(l) && !l.startsWith("error: ") && !l.includes(" — invalid; "));

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ latencyMs: 0 });
});
afterAll(async () => {
  await emu?.stop();
});

/** Runs plan and validate on `dir`; both must refuse with exit 1 and the same located lines, and call nothing. */
async function refuses(dir: string): Promise<Outcome> {
  emu.resetStats();
  const planned = await plan(dir, emu.endpoint);
  expect(emu.calls(), "API calls were made").toEqual({});
  expect(planned.code).toBe(1);
  expect(planned.stdout).toBe("");
  expect(planned.stderr).toMatch(/^error: .*: \d+ errors? in the access files$/m);
  expect(planned.stderr).not.toContain("internal error");
  const validated = await validate(dir);
  expect(validated.code).toBe(1);
  expect(located(validated.stderr)).toEqual(located(planned.stderr));
  expect(located(planned.stderr).length).toBeGreaterThan(0);
  return planned;
}

describe("the hostile-input corpus", () => {
  it("holds at least 60 cases, in every category", () => {
    const all = [...accessCases, "huge-file", ...seedCases, ...invalidCases];
    expect(all.length).toBeGreaterThanOrEqual(60);
    const categories = [
      /^yaml-/,
      /^type-|wrong-types/,
      /^unknown-key/,
      /^duplicate-.*across-files/,
      /bomb|billion-laughs|alias-expansion/,
      /^policy-/,
      /^arn-/,
      /^reference-|unknown-principals/,
      /^control-/,
      /^lookalike-/,
      /^path-/,
      /^seed-/,
    ];
    for (const c of categories)
      expect(
        all.some((name) => c.test(name)),
        String(c),
      ).toBe(true);
  });

  it.each(accessCases)("%s: plan and validate refuse before any API call", async (name) => {
    const dir = join(HOSTILE, name, "access");
    const { stderr } = await refuses(dir);
    golden(
      join(ROOT, HOSTILE, name, "expected.txt"),
      stderr.replaceAll(`${dir}/`, "access/").replaceAll(dir, "access"),
    );
  });

  it("a 10 MB file: refused by its size, unread", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "accessops-hostile-")), "access");
    await cp(join(ROOT, HOSTILE, "huge-file", "access"), dir, { recursive: true });
    const line = "  - { name: group-0000000, description: padding to make the file large }\n";
    await writeFile(
      join(dir, "huge.yaml"),
      `groups:\n${line.repeat(Math.ceil(HUGE_FILE_BYTES / line.length))}`,
    );
    const { stderr } = await refuses(dir);
    golden(join(ROOT, HOSTILE, "huge-file", "expected.txt"), stderr.replaceAll(dir, "access"));
  });

  it.each(invalidCases)("%s (the loader's corpus): plan refuses before any API call", async (name) => {
    const dir = join(INVALID, name);
    const { stderr } = await refuses(dir);
    const expected = readFileSync(join(ROOT, dir, "expected.txt"), "utf8")
      .split("\n")
      .filter(Boolean);
    const shown = stderr.split("\n");
    // A problem of the directory itself is reported for the file `.`, which is the directory.
    for (const line of expected)
      expect(shown).toContain(line.startsWith(".: ") ? `${dir}${line.slice(1)}` : `${dir}/${line}`);
  });

  it.each(seedCases)("%s: the emulator refuses the seed at start-up", async (name) => {
    const path = join(HOSTILE, name, "seed.json");
    const error = await startEmulator({ seed: path, latencyMs: 0 }).then(
      async (started) => {
        await started.stop();
        return null;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const lines = [
      (error as ConfigError).message,
      ...(error as ConfigError).diagnostics.map(formatDiagnostic),
    ];
    golden(join(ROOT, HOSTILE, name, "expected.txt"), `${lines.join("\n").replaceAll(path, "seed.json")}\n`);
  });
});

describe("the installed command", () => {
  it("exits 1 with located errors and calls nothing, for plan and validate, and for a lying seed", async () => {
    emu.resetStats();
    const dir = join(HOSTILE, "path-symlinked-yaml", "access");
    const [planned, validated, emulator] = await Promise.all([
      runCli(["plan", dir, "--endpoint", emu.endpoint]),
      runCli(["validate", dir]),
      runCli(["emulator", "--seed", join(HOSTILE, "seed-caller-other-account", "seed.json"), "--port", "0"]),
    ]);
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain(
      `${dir}/stolen.yaml: the file is a symlink to a place outside the access directory`,
    );
    expect(validated.code).toBe(1);
    expect(located(validated.stderr)).toEqual(located(planned.stderr));
    expect(emu.calls()).toEqual({});
    expect(emulator.code).toBe(1);
    expect(emulator.stdout).not.toContain("listening");
    expect(emulator.stderr).toContain(
      "/callerArn: the caller ARN belongs to account 111111111111, but callerAccountId is 222222222222",
    );
  });
});
