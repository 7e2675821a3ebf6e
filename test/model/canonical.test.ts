import { describe, expect, it } from "vitest";
import { canonicalDuration, canonicalJson, durationSeconds } from "../../src/model/canonical.ts";

describe("canonicalJson", () => {
  it("ignores key order and whitespace but keeps array order", () => {
    const a = canonicalJson(JSON.parse('{ "b": 1, "a": [3, 1, {"y": 2, "x": 1}] }'));
    const b = canonicalJson({ a: [3, 1, { x: 1, y: 2 }], b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":[3,1,{"x":1,"y":2}],"b":1}');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });
});

describe("canonicalDuration", () => {
  it.each([
    ["PT1H", "PT1H", 3600],
    ["PT60M", "PT1H", 3600],
    ["PT90M", "PT1H30M", 5400],
    ["PT3600S", "PT1H", 3600],
    ["P0DT12H", "PT12H", 43200],
  ])("%s is %s", (input, canonical, seconds) => {
    expect(canonicalDuration(input)).toBe(canonical);
    expect(durationSeconds(input)).toBe(seconds);
  });

  it.each(["", "P", "PT", "1H", "PT1.5H", "PTH"])("rejects %j", (input) => {
    expect(durationSeconds(input)).toBeNull();
    expect(canonicalDuration(input)).toBe(input);
  });
});
