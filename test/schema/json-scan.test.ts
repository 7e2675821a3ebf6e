import { describe, expect, test } from "vitest";
import { canonicalJson } from "../../src/model/canonical.ts";
import { jsonSyntaxError, scanJson } from "../../src/schema/json-syntax.ts";
import { loadDocuments, memoryPolicyReader } from "../../src/schema/load.ts";
import { parseYaml } from "../../src/schema/yaml.ts";

const MAX = 10;

describe("scanJson: whether JSON.parse alone reads a policy file exactly", () => {
  test.each([
    ['{"Version": "2012-10-17", "Statement": []}', true],
    ['{"a": {"k": 1}, "b": {"k": 2}}', true],
    ['[{"k": 1}, {"k": 1}]', true],
    ['{"k": 1, "k": 2}', false],
    ['{"a": {"k": 1, "k": 1}}', false],
    ['{"\\u006b": 1, "k": 2}', false],
    ['{"k": "0123456789"}', true],
    ['{"k": "0123456789x"}', false],
    ['{"0123456789x": 1}', false],
    ['{"k": 1,}', false],
  ])("%s: %s", (text, simple) => {
    expect(scanJson(text, MAX).simple).toBe(simple);
  });

  test("reports the same syntax errors as jsonSyntaxError", () => {
    for (const text of ['{"k": 1,}', "{'k': 1}", '{"k" 1}', "[1 2]", '"open']) {
      expect(scanJson(text, MAX).error).toEqual(jsonSyntaxError(text));
      expect(scanJson(text, MAX).error).not.toBeNull();
    }
  });
});

const yaml = (policy: string) => ({
  path: "permission-sets.yaml",
  text: `permissionSets:\n  - name: P\n    inlinePolicy: ${policy}\n`,
});
const load = (policyText: string) =>
  loadDocuments([yaml("p.json")], {
    dir: "/access",
    now: new Date("2026-06-01T00:00:00Z"),
    readPolicyFile: memoryPolicyReader({ "p.json": policyText }),
  });

describe("policy files read by JSON.parse give what the careful parser gives", () => {
  test.each([
    '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}',
    '{\n\t"Statement": [{"Sid": "A1", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": ["*"], "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}}],\n\t"Version": "2012-10-17"\n}\n',
  ])("%s", async (text) => {
    const result = await load(text);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
    expect(result.config.permissionSets[0]?.inlinePolicy).toBe(
      canonicalJson(parseYaml("p.json", text, { schema: "json" }).value),
    );
  });

  test.each([
    ['{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}', "duplicate-key", 1, 27],
    ['{"Version": "2012-10-17",\n "Statment": []}', "invalid-policy", 2, 14],
    [`{"Version": "2012-10-17", "Statement": [{"Sid": "${"x".repeat(5000)}"}]}`, "too-long", 1, 49],
  ])("%s is refused with %s at line %i, column %i", async (text, code, line, column) => {
    const result = await load(text);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => [e.code, e.file, e.line, e.column])).toContainEqual([
      code,
      "p.json",
      line,
      column,
    ]);
  });
});
