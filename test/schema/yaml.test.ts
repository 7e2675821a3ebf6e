import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/model/errors.ts";
import {
  MAX_EXPANDED_VALUES,
  MAX_SCALAR_LENGTH,
  MAX_YAML_ALIASES,
  parseYaml,
} from "../../src/schema/yaml.ts";

const problems = (text: string) => parseYaml("f.yaml", text).diagnostics.map(formatDiagnostic);

describe("parseYaml", () => {
  it("reads plain data with the core schema only", () => {
    const parsed = parseYaml("f.yaml", "a: 2027-01-01T00:00:00Z\nb: no\nc: 0o17\nd: ~\ne: [1, x]\n");
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value).toEqual({ a: "2027-01-01T00:00:00Z", b: "no", c: 15, d: null, e: [1, "x"] });
  });

  it.each([
    ["a custom tag", "a: !Ref x\n", "f.yaml:1:4: tag !Ref is not allowed"],
    ["a js tag", "a: !!js/undefined ''\n", "f.yaml:1:4: tag !!js/undefined is not allowed"],
    ["a YAML 1.1 set", "a: !!set { x }\n", "f.yaml:1:4: tag !!set is not allowed"],
    ["a YAML 1.1 timestamp", "a: !!timestamp 2001-12-14\n", "f.yaml:1:4: tag !!timestamp is not allowed"],
    [
      "a duplicate key",
      "a: 1\nb: 2\na: 3\n",
      'f.yaml:3:1: key "a" appears twice in the same mapping; keep one',
    ],
    ["a quoted duplicate key", "{ \"k y\": 1, 'k y': 2 }\n", 'f.yaml:1:13: key "k y" appears twice'],
    ["two documents", "a: 1\n---\na: 2\n", "f.yaml:2:1: a file holds one YAML document"],
    ["a list as a key", "? [a]\n: 1\n", "f.yaml:1:3: a key must be a plain word, not a list"],
    ["a mapping as a key", "? { a: 1 }\n: 1\n", "f.yaml:1:3: a key must be a plain word, not a mapping"],
    ["an alias with no anchor", "a: *x\n", "f.yaml:1:4: alias *x has no anchor &x before it"],
    ["tab indentation", "a:\n\t- b\n", "f.yaml:2:1: indent with spaces, not tabs"],
  ])("refuses %s", (_name, text, expected) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toContain(expected);
    expect(parseYaml("f.yaml", text).value).toBeUndefined();
  });

  it("refuses a billion-laughs file quickly instead of expanding it", () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const parsed = parseYaml("f.yaml", `${levels.join("\n")}\n`);
    expect(parsed.value).toBeUndefined();
    expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([
      `f.yaml:2:8: the aliases expand this file to more than ${MAX_EXPANDED_VALUES} values; write the values out, or use fewer aliases`,
    ]);
  });

  it(`refuses more than ${MAX_YAML_ALIASES} aliases even to small values`, () => {
    const aliases = Array.from({ length: MAX_YAML_ALIASES + 1 }, (_, i) => `k${i}: *v`).join("\n");
    const parsed = parseYaml("f.yaml", `v: &v x\n${aliases}\n`);
    expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([
      `f.yaml:2:5: too many YAML alias expansions (the limit is ${MAX_YAML_ALIASES}); write the values out instead of nesting anchors`,
    ]);
  });

  it("allows a few aliases", () => {
    const parsed = parseYaml("f.yaml", "x: &prod [a, b]\ny: *prod\n");
    expect(parsed.value).toEqual({ x: ["a", "b"], y: ["a", "b"] });
  });

  it("reports a file nested too deeply once, without crashing", () => {
    const depth = 20_000;
    const parsed = parseYaml("f.yaml", `a: ${"[".repeat(depth)}${"]".repeat(depth)}\n`);
    expect(parsed.value).toBeUndefined();
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
    expect(parsed.diagnostics.length).toBeLessThanOrEqual(20);
  });

  it("keeps a __proto__ key as a plain key", () => {
    const parsed = parseYaml("f.yaml", "__proto__: { polluted: true }\n");
    expect(Object.hasOwn(parsed.value as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe("locate", () => {
    const text = "root:\n  list:\n    - name: x\n      empty:\n  flow: { k: [1, 2] }\n";
    const parsed = parseYaml("f.yaml", text);
    it.each([
      [["root", "list", 0, "name"], "value", 3, 13],
      [["root", "list", 0, "name"], "key", 3, 7],
      [["root", "list", 0], "value", 3, 7],
      [["root", "list", 0, "empty"], "value", 4, 7],
      [["root", "flow", "k", 1], "value", 5, 18],
      [["root", "missing", "deeper"], "value", 2, 3],
    ] as const)("%j (%s) is at %i:%i", (path, part, line, column) => {
      expect(parsed.locate(path, part)).toEqual({ file: "f.yaml", line, column });
    });

    it("gives the source text of a scalar", () => {
      expect(parseYaml("f.yaml", "a: [012345678901]\n").sourceText(["a", 0])).toBe("012345678901");
    });
  });
});

describe("alias expansion", () => {
  it("refuses an alias inside the value it refers to", () => {
    expect(problems("a: &a [1, *a]\n")).toEqual([
      "f.yaml:1:11: alias *a is inside the value it refers to; plain data cannot hold a cycle",
    ]);
  });

  it("refuses aliases that expand the file beyond the bound of a plain file", () => {
    const list = Array.from({ length: MAX_EXPANDED_VALUES / 50 }, (_, i) => `v${i}`).join(", ");
    const copies = Array.from({ length: 60 }, (_, i) => `c${i}: *list`).join("\n");
    const parsed = parseYaml("f.yaml", `list: &list [${list}]\n${copies}\n`);
    expect(parsed.value).toBeUndefined();
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["yaml-aliases"]);
  });
});

describe("string length", () => {
  it("refuses a string longer than any access file needs, before any pattern runs on it", () => {
    const long = `a@${"b.".repeat(MAX_SCALAR_LENGTH)}`;
    expect(problems(`emails: ["${long}"]\n? ${"k".repeat(MAX_SCALAR_LENGTH + 1)}\n: 1\n`)).toEqual([
      `f.yaml:1:10: this string is ${long.length} characters long; no value in an access file needs more than ${MAX_SCALAR_LENGTH}`,
      `f.yaml:2:3: this string is ${MAX_SCALAR_LENGTH + 1} characters long; no value in an access file needs more than ${MAX_SCALAR_LENGTH}`,
    ]);
  });
});
