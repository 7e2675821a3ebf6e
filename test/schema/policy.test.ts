import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/model/errors.ts";
import { QUOTAS } from "../../src/schema/constraints.ts";
import { jsonSyntaxError } from "../../src/schema/json-syntax.ts";
import { checkPolicyDocument, resolvePolicyPath } from "../../src/schema/policy.ts";

const at = () => ({ file: "p.json", line: 1, column: 1 });
const messages = (value: unknown) => checkPolicyDocument(value, at).diagnostics.map((d) => d.message);

const statement = { Effect: "Deny", Action: "iam:*", Resource: "*" };

describe("checkPolicyDocument", () => {
  it("returns the canonical text of a valid policy", () => {
    const check = checkPolicyDocument({ Statement: [statement], Version: "2012-10-17" }, at);
    expect(check.diagnostics).toEqual([]);
    expect(check.canonical).toBe(
      '{"Statement":[{"Action":"iam:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}',
    );
  });

  it("accepts a single statement object and an Id", () => {
    expect(messages({ Version: "2008-10-17", Id: "x", Statement: statement })).toEqual([]);
  });

  it.each([
    ["a list", [statement], "must be a JSON object with Version and Statement, not a list"],
    ["no Version", { Statement: [statement] }, "has no Version"],
    ["an unknown Version", { Version: "2024-01-01", Statement: [statement] }, 'Version must be "2012-10-17"'],
    ["no Statement", { Version: "2012-10-17" }, "has no Statement"],
    ["an empty Statement list", { Version: "2012-10-17", Statement: [] }, "Statement must be a statement"],
    ["a string Statement", { Version: "2012-10-17", Statement: "Allow" }, "Statement must be a statement"],
    [
      "an unknown element",
      { Version: "2012-10-17", Statement: statement, Statment: [] },
      '"Statment" is not a policy element (did you mean "Statement"?)',
    ],
    [
      "a non-Latin-1 character",
      { Version: "2012-10-17", Statement: { ...statement, Sid: "Ω" } },
      'contains U+03A9 "Ω"',
    ],
  ])("refuses %s", (_name, value, expected) => {
    const found = messages(value);
    expect(
      found.some((m) => m.includes(expected)),
      found.join("\n"),
    ).toBe(true);
  });

  const policyOfSize = (resourceCount: number, resourceLength: number) => ({
    Version: "2012-10-17",
    Statement: {
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: Array.from({ length: resourceCount }, (_, i) => `${i}`.padStart(resourceLength, "r")),
    },
  });

  it("measures the non-whitespace limit on the canonical text, not the file's formatting", () => {
    // 1,000 resources of 8 characters, quoted and comma-separated: about 10,000 characters.
    const under = policyOfSize(900, 8);
    const over = policyOfSize(1100, 8);
    expect(messages(under)).toEqual([]);
    expect(messages(over).join()).toContain(`the limit is ${QUOTAS.inlinePolicyNonWhitespace}`);
  });

  it("counts whitespace inside strings toward the byte limit only", () => {
    const spaces = {
      Version: "2012-10-17",
      Statement: { ...statement, Sid: " ".repeat(QUOTAS.inlinePolicyBytes) },
    };
    const found = messages(spaces);
    expect(found.join()).toContain(`the limit is ${QUOTAS.inlinePolicyBytes}`);
    expect(found.join()).not.toContain("not whitespace");
  });
});

describe("resolvePolicyPath", () => {
  it.each([
    ["permission-sets.yaml", "policies/a.json", "policies/a.json"],
    ["teams/x/sets.yaml", "../../policies/a.json", "policies/a.json"],
    ["teams/x/sets.yaml", "./a.json", "teams/x/a.json"],
  ])("%s + %s is %s", (yamlFile, reference, expected) => {
    expect(resolvePolicyPath(yamlFile, reference)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ["sets.yaml", "../outside.json", "leads outside the access directory"],
    ["teams/sets.yaml", "../../../etc/passwd", "leads outside the access directory"],
    ["sets.yaml", ".", "leads outside the access directory"],
    ["sets.yaml", "/etc/passwd", "is absolute"],
    ["sets.yaml", "C:/policies/a.json", "is absolute"],
    ["sets.yaml", "policies\\a.json", "must use / between folders"],
    ["sets.yaml", "a\u0000.json", "must use / between folders"],
    ["sets.yaml", ' {"Version": "2012-10-17"}', "looks like JSON text"],
  ])("refuses %s + %j", (yamlFile, reference, expected) => {
    const resolved = resolvePolicyPath(yamlFile, reference);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.message).toContain(expected);
  });
});

describe("jsonSyntaxError", () => {
  it.each(['{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"]}', "[]", ' "s" ', "0"])("accepts %s", (text) => {
    expect(jsonSyntaxError(text)).toBeNull();
  });

  it.each([
    ['{"a": 1,}', 7, "remove this trailing comma"],
    ["[1, 2,\n]", 5, "remove this trailing comma"],
    ["{'a': 1}", 1, "expected a key in double quotes"],
    ['{"a" 1}', 5, "expected : after the key"],
    ['{"a": tru}', 6, "expected a value"],
    ['{"a": "x', 6, "no closing quote"],
    ['"\\x41"', 1, "invalid escape \\x"],
    ['"a\tb"', 2, "control characters"],
    ["{} {}", 3, "after the end"],
    ["// comment\n{}", 0, "expected a value"],
    ["", 0, "expected a value, found the end of the file"],
  ])("refuses %j at offset %i", (text, offset, message) => {
    const error = jsonSyntaxError(text);
    expect(error?.offset).toBe(offset);
    expect(error?.message).toContain(message);
  });

  it("refuses deep nesting without overflowing the stack", () => {
    expect(jsonSyntaxError(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)?.message).toContain(
      "nests deeper",
    );
  });
});

describe("policy diagnostics", () => {
  it("point into the file the policy was written in", () => {
    const check = checkPolicyDocument({ Version: 1, Statement: statement }, (path) => ({
      file: "policies/x.json",
      line: path.length + 1,
      column: 3,
    }));
    expect(check.diagnostics.map(formatDiagnostic)).toEqual([
      'policies/x.json:2:3: Version must be "2012-10-17", not 1',
    ]);
  });
});

describe("a __proto__ key in a policy", () => {
  it("is refused rather than silently dropped from the canonical text", () => {
    const policy = JSON.parse(
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "__proto__": {"x": 1}}]}',
    );
    const check = checkPolicyDocument(policy, (path) => ({ file: path.join("/"), line: 1, column: 1 }));
    expect(check.canonical).toBeNull();
    expect(check.diagnostics.map(formatDiagnostic)).toEqual([
      'Statement/0/__proto__:1:1: "__proto__" is not a policy element; remove it',
    ]);
  });
});
