import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/model/errors.ts";
import { loadAccessDir } from "../../src/schema/load.ts";
import { formatJson, NOW } from "./helpers.ts";

/**
 * Golden access directories. Each `invalid/<case>/` holds the exact lines the loader reports
 * in `expected.txt`; each `valid/<case>/` holds the normalised `config.json` (with `dir` as
 * `<dir>`) and its warnings in `warnings.txt`. To regenerate after a deliberate change, run
 * `UPDATE_FIXTURES=1 npx vitest run test/schema/corpus.test.ts` and review the diff.
 */
const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const UPDATE = process.env.UPDATE_FIXTURES === "1";

const casesIn = (kind: "invalid" | "valid"): string[] =>
  readdirSync(join(FIXTURES, kind))
    .filter((name) => statSync(join(FIXTURES, kind, name)).isDirectory())
    .sort();

/** Compares `actual` with a golden file, or rewrites the file when updating. */
function golden(path: string, actual: string): void {
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `${path} is missing; run with UPDATE_FIXTURES=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("invalid inputs", () => {
  const cases = casesIn("invalid");

  it("cover at least 40 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)("%s", async (name) => {
    const dir = join(FIXTURES, "invalid", name);
    const result = await loadAccessDir(dir, { now: NOW });
    expect(result.ok).toBe(false);
    const lines = [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);
    golden(join(dir, "expected.txt"), `${lines.join("\n")}\n`);
  });
});

describe("valid inputs", () => {
  it.each(casesIn("valid"))("%s", async (name) => {
    const dir = join(FIXTURES, "valid", name);
    const result = await loadAccessDir(dir, { now: NOW });
    if (!result.ok) expect.fail(result.errors.map(formatDiagnostic).join("\n"));
    golden(join(dir, "warnings.txt"), result.warnings.map((w) => `${formatDiagnostic(w)}\n`).join(""));
    const path = join(dir, "config.json");
    golden(path, formatJson({ ...result.config, dir: "<dir>" }, path));
  });
});
