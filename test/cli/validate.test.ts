import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runValidate, type ValidateReport } from "../../src/cli/validate.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const INVALID = "test/fixtures/invalid/unknown-permission-set";
const WARNINGS = "test/fixtures/valid/warnings";
const NOW = new Date("2026-06-01T00:00:00Z");

const expectedLines = (dir: string): string[] =>
  readFileSync(`${ROOT}${dir}/expected.txt`, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => `${dir}/${line}`);

/**
 * The installed command, end to end: `node bin/accessops.js validate`. It runs the compiled
 * `build/`, which `npm test` builds before vitest runs (run `npm run build` when running this
 * file alone).
 */
describe.concurrent("accessops validate (the installed command)", () => {
  const run = async (args: string[]) => {
    const { NO_COLOR: _noColour, FORCE_COLOR: _forceColour, ...env } = process.env;
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ["bin/accessops.js", ...args], {
        cwd: ROOT,
        env,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it("validates the shipped access/ by default and prints a one-line summary", async () => {
    const { code, stdout, stderr } = await run(["validate"]);
    expect(stderr).toBe("");
    // The example's just-in-time rule expires in 2027; after that it is still valid, with a warning.
    expect(stdout).toMatch(
      /^access: 8 files, 11 permission sets, 7 groups, 8 users, 13 assignment rules( \(1 warning\))? — valid\n$/,
    );
    expect(code).toBe(0);
  });

  it("prints every error as file:line:column: message on stderr and exits 1", async () => {
    const { code, stdout, stderr } = await run(["validate", INVALID]);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `${[...expectedLines(INVALID), `${INVALID}: 3 errors in 1 file — invalid; fix them and run accessops validate again`].join("\n")}\n`,
    );
    expect(code).toBe(1);
  });

  it("prints the JSON report on stdout with --format json", async () => {
    const { code, stdout } = await run(["validate", "--format", "json"]);
    expect(JSON.parse(stdout)).toMatchObject({
      valid: true,
      dir: "access",
      errors: [],
      summary: { errors: 0, files: 8, permissionSets: 11, groups: 7, users: 8, assignmentRules: 13 },
    });
    expect(code).toBe(0);
  });

  it("has --help", async () => {
    const { code, stdout } = await run(["validate", "--help"]);
    expect(stdout).toContain("Usage: accessops validate [options] [dir]");
    expect(stdout).toContain("--format <format>");
    expect(code).toBe(0);
  });

  it("has --version", async () => {
    const { code, stdout } = await run(["validate", "--version"]);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(code).toBe(0);
  });

  it("refuses an unknown format", async () => {
    const { code, stderr } = await run(["validate", "--format", "xml"]);
    expect(stderr).toContain("argument 'xml' is invalid. Allowed choices are text, json.");
    expect(code).toBe(1);
  });
});

/** A writable that keeps what is written, as a terminal (`isTTY`) or not. */
class Capture extends Writable {
  text = "";
  readonly isTTY: boolean;

  constructor(isTTY = false) {
    super();
    this.isTTY = isTTY;
  }

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function validate(dir: string, format: "text" | "json", env: NodeJS.ProcessEnv = {}, isTTY = false) {
  const stdout = new Capture(isTTY);
  const stderr = new Capture(isTTY);
  const code = await runValidate(`${ROOT}${dir}`, format, { stdout, stderr, env, now: NOW });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("runValidate", () => {
  it("lists warnings apart from errors, and they do not fail", async () => {
    const { code, stdout, stderr } = await validate(WARNINGS, "text");
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.includes(": warning: "))).toBe(true);
    expect(stdout).toBe(
      `${ROOT}${WARNINGS}: 2 files, 1 permission set, 1 group, 0 users, 1 assignment rule (3 warnings) — valid\n`,
    );
    expect(code).toBe(0);
  });

  it("reports errors in JSON with their codes, relative to the access directory", async () => {
    const { code, stdout, stderr } = await validate(INVALID, "json");
    expect(stderr).toBe("");
    const report = JSON.parse(stdout) as ValidateReport;
    expect(report.valid).toBe(false);
    expect(report.errors.map((e) => `${INVALID}/${e.file}:${e.line}:${e.column}: ${e.message}`)).toEqual(
      expectedLines(INVALID),
    );
    expect(report.errors.map((e) => e.code)).toEqual(Array(3).fill("unknown-permission-set"));
    expect(report.summary).toMatchObject({ errors: 3, warnings: 0, files: null, permissionSets: null });
    expect(code).toBe(1);
  });

  it("reports a missing directory", async () => {
    const { code, stderr } = await validate("no-such-dir", "text");
    expect(stderr).toContain(
      `${ROOT}no-such-dir: cannot read the access directory: no such file or directory\n`,
    );
    expect(code).toBe(1);
  });

  it.each([
    ["a terminal", {}, true, true],
    ["a pipe", {}, false, false],
    ["a terminal with NO_COLOR", { NO_COLOR: "1" }, true, false],
    ["a pipe with FORCE_COLOR", { FORCE_COLOR: "1" }, false, true],
    ["FORCE_COLOR with NO_COLOR", { FORCE_COLOR: "1", NO_COLOR: "1" }, true, false],
  ])("colours on %s: %s", async (_name, env, isTTY, coloured) => {
    const { stderr } = await validate(INVALID, "text", env, isTTY);
    expect(stderr.includes("\u001b[")).toBe(coloured);
  });
});
