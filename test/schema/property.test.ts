import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { LoadResult } from "../../src/schema/load.ts";
import { load } from "./helpers.ts";

/** Pieces of access-file YAML, valid and not, that random concatenation turns into hostile input. */
const FRAGMENTS = [
  "settings:",
  "users:",
  "groups:",
  "permissionSets:",
  "assignments:",
  "\n",
  "\n  ",
  "\n    ",
  "- ",
  "name: ",
  "ReadOnly",
  "Platform-Admins",
  "members: ",
  "[",
  "]",
  "{",
  "}",
  ", ",
  ": ",
  "&a ",
  "*a",
  "<<: ",
  "!!js/function ",
  "!Ref ",
  "'",
  '"',
  "\t",
  "---\n",
  "? ",
  "111111111111",
  "principal: { group: x }",
  "targets: { all: true }",
  "inlinePolicy: ../../etc/passwd",
  "inlinePolicy: { Version: 2012-10-17 }",
  "expires: 2027-02-30T00:00:00Z",
  "sessionDuration: PT99H",
  "external: true",
  "tags: { aws:x: 1 }",
  "# comment",
  "\u0000",
  "\u202e",
  "é",
  "inlinePolicy: &p { Version: '2012-10-17', Statement: [*p] }",
  "- &g { name: G, members: [*g] }",
];

const hostileYaml = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((parts) => parts.join(""));

/** Every position a diagnostic names must exist in the file it names. */
function expectWellFormed(result: LoadResult, text: string) {
  const lineCount = text.split("\n").length;
  for (const d of [...(result.ok ? [] : result.errors), ...result.warnings]) {
    expect(d.file).toBe("access.yaml");
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lineCount);
    expect(d.column).toBeGreaterThanOrEqual(1);
  }
}

describe("loading never throws on hostile input", () => {
  it("random YAML fragments give diagnostics inside the file, or a config", async () => {
    await fc.assert(
      fc.asyncProperty(hostileYaml, async (text) => {
        expectWellFormed(await load({ "access.yaml": text }), text);
      }),
      { numRuns: 300 },
    );
  });

  it("arbitrary text gives diagnostics inside the file, or a config", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 200 }), async (text) => {
        expectWellFormed(await load({ "access.yaml": text }), text);
      }),
      { numRuns: 300 },
    );
  });

  it("arbitrary data under the top-level keys gives diagnostics inside the file, or a config", async () => {
    const key = fc.constantFrom("settings", "users", "groups", "permissionSets", "assignments", "other");
    const data = fc.dictionary(key, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(data, async (value) => {
        const text = stringify(value);
        expectWellFormed(await load({ "access.yaml": text }), text);
      }),
      { numRuns: 300 },
    );
  });
});
