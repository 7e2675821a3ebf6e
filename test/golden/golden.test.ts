import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/aws/limiter.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { ConfigError, formatDiagnostic } from "../../src/model/errors.ts";
import type { RefreshMode } from "../../src/model/live.ts";
import { openSession, planWith } from "../../src/pipeline.ts";
import { parsePlanJson, renderJson, renderMarkdown, renderText } from "../../src/plan/index.ts";
import { TIME_SCALE } from "../aws/harness.ts";

/**
 * Golden plan scenarios: each `test/fixtures/<case>/` holding a `case.json` is planned end to end
 * (the emulator seeded with `seed.json`, the real SDK, the reader, the planner) and the rendered
 * plan is compared byte for byte with `plan.json` and `plan.md` (or, for a case expected to fail,
 * the error with its diagnostics with `error.txt`).
 *
 * After a deliberate change, review the differences, then rewrite the files with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden`; every file it rewrites is listed on stderr.
 */

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const CLI_DOC = fileURLToPath(new URL("../../docs/cli.md", import.meta.url));
/** The scenario docs/cli.md shows as its example plan. */
const DOC_EXAMPLE = "drift";
const UPDATE = process.env.UPDATE_GOLDEN === "1";
/** The scenarios issue 4 asks for; fewer means a fixture folder went missing. */
const SCENARIOS_AT_LEAST = 12;
const UPDATE_HINT = "review the difference, then run UPDATE_GOLDEN=1 npx vitest run test/golden";

/** `case.json`: what a scenario is about and the flags it plans with. */
interface GoldenCase {
  /** One line: what the scenario shows. */
  description: string;
  /** The instant the plan is made at (expiry is judged against it). */
  now: string;
  refresh?: RefreshMode;
  allowDeletes?: boolean;
  /**
   * Another case whose `access/` and `seed.json` this one uses where it has none of its own: a
   * second row of the same inputs with other flags, or the same organisation with other files.
   */
  inputsFrom?: string;
  /** `error`: planning must fail with a `ConfigError`, compared with `error.txt`. */
  expect?: "plan" | "error";
}

function readCase(name: string): GoldenCase {
  const value = JSON.parse(readFileSync(join(FIXTURES, name, "case.json"), "utf8")) as Partial<GoldenCase>;
  if (typeof value.description !== "string" || typeof value.now !== "string") {
    throw new Error(`test/fixtures/${name}/case.json needs a "description" and a "now"`);
  }
  return value as GoldenCase;
}

const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, "case.json")))
  .map((d) => d.name)
  .sort();

/** Compares `actual` with the golden file, or rewrites the file (and says so) under UPDATE_GOLDEN=1. */
function golden(name: string, file: string, actual: string): void {
  const path = join(FIXTURES, name, file);
  const expected = existsSync(path) ? readFileSync(path, "utf8") : null;
  if (UPDATE) {
    if (expected !== actual) {
      writeFileSync(path, actual, "utf8");
      process.stderr.write(`golden: rewrote test/fixtures/${name}/${file}\n`);
    }
    return;
  }
  expect(expected, `test/fixtures/${name}/${file} is missing: ${UPDATE_HINT}`).not.toBeNull();
  expect(actual, `test/fixtures/${name}/${file} differs: ${UPDATE_HINT}`).toBe(expected);
}

/** A `ConfigError` as a user sees it: each diagnostic as file:line:column, then the title. */
function errorText(error: ConfigError): string {
  return `${[...error.diagnostics.map(formatDiagnostic), `error: ${error.message}`].join("\n")}\n`;
}

describe("golden plan scenarios", () => {
  it("finds the scenarios", () => {
    expect(cases.length).toBeGreaterThanOrEqual(SCENARIOS_AT_LEAST);
  });

  it.each(cases)("%s", async (name) => {
    const spec = readCase(name);
    const input = (file: string): string => {
      const own = join(FIXTURES, name, file);
      return existsSync(own) || spec.inputsFrom === undefined ? own : join(FIXTURES, spec.inputsFrom, file);
    };
    const emulator = await startEmulator({
      seed: input("seed.json"),
      latencyMs: 0,
      timeScale: TIME_SCALE,
    });
    try {
      const session = await openSession({
        dir: input("access"),
        now: new Date(spec.now),
        connection: {
          endpoint: emulator.endpoint,
          env: {},
          limits: {
            ssoAdminRate: DEFAULT_LIMITS.ssoAdminRate * TIME_SCALE,
            identityStoreRate: DEFAULT_LIMITS.identityStoreRate * TIME_SCALE,
            organizationsRate: DEFAULT_LIMITS.organizationsRate * TIME_SCALE,
          },
        },
      });
      try {
        const outcome = await planWith(session, {
          refresh: spec.refresh ?? "full",
          allowDeletes: spec.allowDeletes ?? false,
        }).then(
          (run) => ({ run }),
          (error: unknown) => {
            if (error instanceof ConfigError && spec.expect === "error") return { error };
            throw error;
          },
        );
        if ("error" in outcome) {
          golden(name, "error.txt", errorText(outcome.error));
          return;
        }
        expect(spec.expect ?? "plan", `${name} planned, but case.json expects an error`).toBe("plan");
        golden(name, "plan.json", renderJson(outcome.run.plan));
        golden(name, "plan.md", renderMarkdown(outcome.run.plan));
        expect(outcome.run.stats.totalThrottled).toBe(0);
      } finally {
        session.ctx.close();
      }
    } finally {
      await emulator.stop();
    }
  });

  it(`docs/cli.md shows the ${DOC_EXAMPLE} scenario as it is planned`, () => {
    const doc = readFileSync(CLI_DOC, "utf8");
    const plan = parsePlanJson(readFileSync(join(FIXTURES, DOC_EXAMPLE, "plan.json"), "utf8"));
    const text = renderText(plan, { paint: (_style, t) => t });
    expect(doc).toContain(`$ accessops plan --out plan.json\n${text}\`\`\``);
    const markdown = readFileSync(join(FIXTURES, DOC_EXAMPLE, "plan.md"), "utf8");
    const quoted = markdown
      .trimEnd()
      .split("\n")
      .map((line) => (line === "" ? ">" : `> ${line}`))
      .join("\n");
    expect(
      unpadTables(doc),
      `update the example in docs/cli.md from test/fixtures/${DOC_EXAMPLE}/plan.md`,
    ).toContain(unpadTables(quoted));
  });
});

/** Markdown with table cells unpadded (`npm run format` pads the tables of docs; they render the same). */
function unpadTables(markdown: string): string {
  return markdown
    .split("\n")
    .map((line) =>
      /^(> )?\|/.test(line) ? line.replace(/ *\| */g, "|").replace(/\|-+(?=\|)/g, "|---") : line,
    )
    .join("\n");
}
