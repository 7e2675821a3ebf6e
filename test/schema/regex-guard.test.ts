import { describe, expect, it } from "vitest";
import { checkOwnershipRegex, compileOwnershipRegex } from "../../src/schema/regex-guard.ts";

describe("checkOwnershipRegex", () => {
  it.each([
    "^team-",
    "^(team|squad)-[a-z]+$",
    "^platform-(admins|readers)?$",
    "^[a-z]+(-[a-z]+)?$",
    "^\\p{L}+-\\d{2,4}$",
    "^(?:ops|sre)-.*",
    "^a{2}(b{1})+$",
    "[(+*)]+",
  ])("accepts %s", (source) => {
    expect(checkOwnershipRegex(source)).toMatchObject({ ok: true });
  });

  it.each([
    ["(a+)+$", "repeats a group that itself repeats"],
    ["^(a*)*b", "repeats a group that itself repeats"],
    ["^(a|aa)+$", "repeats a group that itself repeats or alternates"],
    ["^(?:x{2,})+$", "repeats a group that itself repeats"],
    ["^((ab)*c)*$", "repeats a group that itself repeats"],
    ["^(.*?,){11}P", "repeats a group that itself repeats"],
    ["^(a)\\1$", "backreference"],
    ["^(?<x>a)\\k<x>$", "backreference"],
    ["^(team-", "not a valid regular expression"],
    ["\\p{Nope}", "not a valid regular expression"],
    ["a".repeat(257), "the limit is 256"],
  ])("refuses %s", (source, reason) => {
    const check = checkOwnershipRegex(source);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain(reason);
  });

  it("compiles with the u flag, the one way the planner compiles it too", () => {
    expect(compileOwnershipRegex("^\\p{Lu}").test("Émile")).toBe(true);
    expect(compileOwnershipRegex("^team-").flags).toBe("u");
  });
});
