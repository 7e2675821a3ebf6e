import { describe, expect, it } from "vitest";
import { budgetedSuggestions, editDistance, nearest } from "../../src/schema/suggest.ts";

describe("nearest", () => {
  const keys = ["name", "sessionDuration", "managedPolicies", "customerManagedPolicies", "tags"];

  it.each([
    ["sesionDuration", "sessionDuration"],
    ["SessionDuration", "sessionDuration"],
    ["managedPolicy", "managedPolicies"],
    ["nmae", "name"],
    ["tag", "tags"],
  ])("suggests %s -> %s", (word, expected) => {
    expect(nearest(word, keys)).toBe(expected);
  });

  it.each(["description", "x", "bob@example.com", "a".repeat(500)])("has nothing close to %s", (word) => {
    expect(nearest(word, [...keys, "alice@example.com"])).toBeNull();
  });

  it("breaks ties by code unit order", () => {
    expect(nearest("ab", ["ac", "aa"])).toBe("aa");
  });
});

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["a", "", 1],
    ["group", "gruop", 1],
    ["kitten", "sitting", 3],
  ])("%s -> %s is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe("budgetedSuggestions", () => {
  it("suggests until its budget of comparisons is spent, then stays silent", () => {
    const names = new Set(["ReadOnly", "PowerUser"]);
    const suggest = budgetedSuggestions(3);
    expect(suggest("ReadOnyl", names)).toBe(' (did you mean "ReadOnly"?)');
    expect(suggest("PowerUsr", names)).toBe("");
  });
});
