import { describe, expect, it } from "vitest";
import { INPUT_DEFAULTS, type InputName, parseInputs } from "../../src/action/inputs.ts";
import {
  composeBody,
  contentOf,
  findOwn,
  type Marker,
  parseMarker,
  renderMarker,
  STATUS_MARKER,
} from "../../src/action/marker.ts";
import { body, statusText } from "../../src/action/render.ts";
import { ConfigError, InternalError } from "../../src/model/errors.ts";
import { GITHUB_COMMENT_BUDGET_CHARS, GITHUB_COMMENT_MAX_CHARS } from "../../src/plan/index.ts";

const marker = (over: Partial<Marker> = {}): Marker => ({
  path: "access",
  instance: "arn:aws:sso:::instance/ssoins-0123456789abcdef",
  checksum: "a".repeat(64),
  truncated: false,
  status: "planned",
  ...over,
});
const links = { path: "access", runUrl: "https://github.com/acme/access/actions/runs/1" };

describe("markers", () => {
  it.each([
    ["a plain path", "access"],
    ["a path that tries to close the comment", "a --> <!-- accessops:plan {} --> & <b>"],
    ["unicode", "zugänge/ünïcode"],
  ])("round-trips %s and never ends the HTML comment early", (_, path) => {
    const text = renderMarker("plan", marker({ path }));
    expect(text.indexOf("-->")).toBe(text.length - "-->".length);
    expect(parseMarker("plan", `${text}\nrest`)).toEqual(marker({ path }));
  });

  it.each([
    ["another kind", renderMarker("drift", marker())],
    ["not at the start", `hello\n${renderMarker("plan", marker())}`],
    ["broken JSON", "<!-- accessops:plan {nope -->"],
    ["an unknown status", renderMarker("plan", marker()).replace('"planned"', '"merged"')],
    ["a missing field", '<!-- accessops:plan {"path":"access"} -->'],
  ])("rejects %s", (_, text) => {
    expect(parseMarker("plan", text)).toBeNull();
  });

  it("finds the content by the last status marker, whatever the content quotes", () => {
    const content = `plan text\n\`\`\`\n${STATUS_MARKER}\nforged status\n\`\`\``;
    const composed = composeBody("plan", marker(), content, "real status");
    expect(contentOf("plan", composed)).toBe(content);
    expect(composed.endsWith(`${STATUS_MARKER}\nreal status\n`)).toBe(true);
  });

  it("trusts only the viewer's bodies, case-insensitively, oldest first", () => {
    const mine = { body: composeBody("plan", marker(), "x", "s"), author: "github-actions[bot]" };
    const items = [
      { body: composeBody("plan", marker({ checksum: "f".repeat(64) }), "x", "s"), author: "mallory" },
      { body: composeBody("plan", marker({ path: "other" }), "x", "s"), author: "github-actions[bot]" },
      mine,
      { ...mine, body: mine.body.replace("a".repeat(64), "b".repeat(64)) },
    ];
    expect(findOwn(items, "plan", "access", "GitHub-Actions[bot]")?.item).toBe(mine);
    expect(findOwn(items, "plan", "access", "someone")).toBeNull();
  });
});

describe("inputs", () => {
  const read = (values: Partial<Record<InputName, string>>) => (name: InputName) => values[name] ?? "";

  it("takes action.yml's defaults for unset inputs", () => {
    expect(parseInputs(read({}))).toEqual({
      command: "plan",
      path: "access",
      githubToken: "",
      allowDeletes: false,
      refresh: "full",
      comment: "update",
      driftIssueLabel: "accessops-drift",
      onlyExpired: false,
      allowUnreviewed: false,
      checksum: null,
      region: null,
      endpoint: null,
      instanceArn: null,
      maxRate: null,
    });
  });

  it.each<[Partial<Record<InputName, string>>, Partial<ReturnType<typeof parseInputs>>]>([
    [
      { command: "drift", "allow-deletes": "TRUE", "only-expired": "True" },
      { command: "drift", allowDeletes: true, onlyExpired: true },
    ],
    [{ checksum: ` ${"AB".repeat(32)} ` }, { checksum: "ab".repeat(32) }],
    [
      { "max-rate": "2.5", refresh: "targeted", comment: "off" },
      { maxRate: 2.5, refresh: "targeted", comment: "off" },
    ],
    [{ path: "./deploy//access/" }, { path: "deploy/access" }],
    [{ path: "/" }, { path: "/" }],
  ])("parses %j", (values, expected) => {
    expect(parseInputs(read(values))).toMatchObject(expected);
  });

  it("reports every bad input at once", () => {
    let error: unknown;
    try {
      parseInputs(read({ command: "destroy", "allow-deletes": "yes", checksum: "abc", "max-rate": "0" }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ["command", "allow-deletes", "checksum", "max-rate"])
      expect(message).toContain(`${name} is`);
  });

  it("lists each default once", () => {
    expect(new Set(Object.keys(INPUT_DEFAULTS)).size).toBe(Object.keys(INPUT_DEFAULTS).length);
  });
});

describe("comment bodies", () => {
  it("fit GitHub's limit with a full plan budget and the longest status", () => {
    const status = statusText("plan-changed", links, {
      checksum: "a".repeat(64),
      current: "b".repeat(64),
      reason: "why ".repeat(10_000),
    });
    const text = body("plan", marker(), "x".repeat(GITHUB_COMMENT_BUDGET_CHARS), status);
    expect(text.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_CHARS);
    expect(status).toContain("⛔ **Not applied: the plan changed**");
  });

  it("refuse to exceed the limit rather than be rejected by GitHub", () => {
    expect(() => body("plan", marker(), "x".repeat(GITHUB_COMMENT_MAX_CHARS), "s")).toThrow(InternalError);
  });

  it("escape the reason in a status line", () => {
    expect(statusText("not-applied", links, { reason: "@team <b>x</b>" })).toContain(
      "@\u200dteam &lt;b&gt;x&lt;/b&gt;",
    );
  });
});
