import { describe, expect, it } from "vitest";
import { parseFaultSpec } from "../../src/emulator/faults.ts";

describe("fault spec", () => {
  it.each([
    [
      "throttle=0.05,server=0.01,failed=0.02,shortpage=0.1,spike=0.05,lag=2000",
      { throttle: 0.05, server: 0.01, failed: 0.02, shortpage: 0.1, spike: 0.05, lag: 2000 },
    ],
    [" throttle = 0.5 ", { throttle: 0.5 }],
  ])("parses %j", (spec, parsed) => {
    expect(parseFaultSpec(spec)).toEqual(parsed);
  });

  it.each([
    ["throttle=2", "fault throttle=2 must be a probability between 0 and 1"],
    ["nope=1", 'unknown fault "nope": use throttle, server, failed, shortpage, spike, lag, spikeFactor'],
    ["throttle", 'fault "throttle" has no value: write it as name=value, for example throttle=0.05'],
    ["lag=abc", "fault lag=NaN is not a number"],
  ])("refuses %j", (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});
