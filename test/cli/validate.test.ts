import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ValidateReport } from "../../src/cli/validate.ts";

/**
 * The installed command, end to end: `node bin/accessops.js validate`. It runs the compiled
 * `build/`, which `npm test` builds before vitest runs (run `npm run build` when running this
 * file alone).
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = "bin/accessops.js";
const INVALID = "test/fixtures/invalid/unknown-permission-set";

function run(args: string[], env: Record<string, string> = {}) {
  const { NO_COLOR: _noColour, FORCE_COLOR: _forceColour, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...inherited, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const expectedLines = (dir: string): string[] =>
  readFileSync(`${ROOT}${dir}/expected.txt`, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => `${dir}/${line}`);

describe("accessops validate", () => {
  it("validates the shipped access/ by default and prints a one-line summary", () => {
    const { code, stdout, stderr } = run(["validate"]);
    expect(stderr).toBe("");
    // The example's just-in-time rule expires in 2027; after that it is still valid, with a warning.
    expect(stdout).toMatch(
      /^access: 8 files, 11 permission sets, 7 groups, 8 users, 13 assignment rules( \(1 warning\))? — valid\n$/,
    );
    expect(code).toBe(0);
  });

  it("prints every error as file:line:column: message on stderr and exits 1", () => {
    const { code, stdout, stderr } = run(["validate", INVALID]);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      `${[...expectedLines(INVALID), `${INVALID}: 3 errors in 1 file — invalid; fix them and run accessops validate again`].join("\n")}\n`,
    );
    expect(code).toBe(1);
  });

  it("lists warnings apart from errors", () => {
    const dir = "test/fixtures/valid/warnings";
    const { code, stdout, stderr } = run(["validate", dir]);
    expect(
      stderr
        .split("\n")
        .filter(Boolean)
        .every((line) => line.includes(": warning: ")),
    ).toBe(true);
    expect(stderr.split("\n").filter(Boolean)).toHaveLength(3);
    expect(stdout).toBe(
      `${dir}: 2 files, 1 permission set, 1 group, 0 users, 1 assignment rule (3 warnings) — valid\n`,
    );
    expect(code).toBe(0);
  });

  it("prints the JSON report on stdout with --format json", () => {
    const invalid = run(["validate", INVALID, "--format", "json"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe("");
    const report = JSON.parse(invalid.stdout) as ValidateReport;
    expect(report.valid).toBe(false);
    expect(report.dir).toBe(INVALID);
    expect(report.errors.map((e) => `${report.dir}/${e.file}:${e.line}:${e.column}: ${e.message}`)).toEqual(
      expectedLines(INVALID),
    );
    expect(report.errors.map((e) => e.code)).toEqual([
      "unknown-permission-set",
      "unknown-permission-set",
      "unknown-permission-set",
    ]);
    expect(report.summary).toMatchObject({ errors: 3, warnings: 0, files: null, permissionSets: null });

    const valid = run(["validate", "--format", "json"]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({
      valid: true,
      dir: "access",
      errors: [],
      summary: { errors: 0, files: 8, permissionSets: 11, groups: 7, users: 8, assignmentRules: 13 },
    });
  });

  it("reports a missing directory", () => {
    const { code, stderr } = run(["validate", "no-such-dir"]);
    expect(stderr).toContain("no-such-dir: cannot read the access directory: no such file or directory\n");
    expect(code).toBe(1);
  });

  it("colours only when asked and never with NO_COLOR", () => {
    const ESC = "\u001b[";
    expect(run(["validate", INVALID]).stderr).not.toContain(ESC);
    expect(run(["validate", INVALID], { FORCE_COLOR: "1" }).stderr).toContain(ESC);
    expect(run(["validate", INVALID], { FORCE_COLOR: "1", NO_COLOR: "1" }).stderr).not.toContain(ESC);
  });

  it("has --help and --version", () => {
    const help = run(["validate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: accessops validate [options] [dir]");
    expect(help.stdout).toContain("--format <format>");
    const version = run(["validate", "--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("refuses an unknown format", () => {
    const { code, stderr } = run(["validate", "--format", "xml"]);
    expect(stderr).toContain("argument 'xml' is invalid. Allowed choices are text, json.");
    expect(code).toBe(1);
  });
});
