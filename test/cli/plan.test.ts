import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { readRequestFor } from "../../src/aws/read-request.ts";
import { type RunningEmulator, type Seed, startEmulator } from "../../src/emulator/index.ts";
import type { Config } from "../../src/model/config.ts";
import type { Plan } from "../../src/model/plan.ts";
import { loadConfigOrThrow } from "../../src/schema/load.ts";
import { generateOrg } from "../aws/generated-org.ts";
import { expectWithinFormula, fullReadFormula } from "../aws/read-cost.ts";

/**
 * `node bin/accessops.js plan` end to end against an in-process emulator, through the real SDK
 * and AWS's real quotas (the command paces itself; the emulator throttles what goes faster). It
 * runs the compiled `build/`, which `npm test` builds first (run `npm run build` when running this
 * file alone). Tests run concurrently: each waits mostly on the command's pacing.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = "bin/accessops.js";
const FIXTURES = "test/fixtures";
const ESC = "\u001b[";
const READ_COST = /^read live state: (\d+) API calls? in \d+\.\d s, 0 throttled$/m;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command without blocking the event loop (the emulator answers from this process). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith("AWS_") && key !== "NO_COLOR" && key !== "FORCE_COLOR",
    ),
  );
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...inherited, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `fn` against a fresh emulator holding the seed (a fixture case name or a seed object). */
async function withEmulator<T>(seed: string | Seed, fn: (emu: RunningEmulator) => Promise<T>): Promise<T> {
  const emu = await startEmulator({
    seed: typeof seed === "string" ? join(ROOT, FIXTURES, seed, "seed.json") : seed,
    latencyMs: 0,
  });
  try {
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "accessops-plan-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `plan <the case's access dir> --endpoint <emulator> ...flags`. */
function plan(
  emu: RunningEmulator,
  scenario: string,
  flags: string[] = [],
  env: Record<string, string> = {},
) {
  return run(["plan", `${FIXTURES}/${scenario}/access`, "--endpoint", emu.endpoint, ...flags], env);
}

const golden = (scenario: string, file: string): string =>
  readFileSync(join(ROOT, FIXTURES, scenario, file), "utf8");

const totalCalls = (emu: RunningEmulator): number =>
  Object.values(emu.calls()).reduce((n, s) => n + s.calls, 0);

function readCost(stderr: string): number {
  const match = READ_COST.exec(stderr);
  expect(match, `no read-cost line in:\n${stderr}`).not.toBeNull();
  return Number(match?.[1]);
}

describe.concurrent("accessops plan", () => {
  it("exits 0 on no changes, also with --detailed-exitcode, and counts its calls truly", async () => {
    await withEmulator("no-changes", async (emu) => {
      const { code, stdout, stderr } = await plan(emu, "no-changes", ["--detailed-exitcode"]);
      expect(stdout).toMatch(/^No changes: the live state matches the access files\.\n/);
      expect(stdout).not.toContain("accessops apply");
      expect(code).toBe(0);
      expect(readCost(stderr)).toBe(totalCalls(emu));
      expect(emu.writes()).toEqual([]);
    });
  });

  it("colours the text only when asked, never with NO_COLOR; exits 0 on changes and ends with the apply command", async () => {
    await withEmulator("bootstrap", async (emu) => {
      const [forced, noColour] = await Promise.all([
        plan(emu, "bootstrap", [], { FORCE_COLOR: "1" }),
        plan(emu, "bootstrap", [], { FORCE_COLOR: "1", NO_COLOR: "1" }),
      ]);
      expect(forced.stdout).toContain(ESC);
      expect(noColour.stdout).not.toContain(ESC);
      expect(stripVTControlCharacters(forced.stdout)).toBe(noColour.stdout);
      expect(noColour.code).toBe(0);
      expect(noColour.stdout).toMatch(/^Plan: 21 to create, 0 to update, 0 to delete\.\n/);
      const { checksum } = JSON.parse(golden("bootstrap", "plan.json")) as Plan;
      expect(noColour.stdout.trimEnd().split("\n").at(-1)).toBe(
        `Run \`accessops apply ${FIXTURES}/bootstrap/access --checksum ${checksum}\` to apply exactly this plan.`,
      );
    });
  });

  it("prints only the plan JSON on stdout with --format json and exits 2 on changes with --detailed-exitcode", async () => {
    await withEmulator("bootstrap", async (emu) => {
      const { code, stdout, stderr } = await plan(
        emu,
        "bootstrap",
        ["--format", "json", "--detailed-exitcode"],
        {
          FORCE_COLOR: "1",
        },
      );
      expect(code).toBe(2);
      expect(stdout).toBe(golden("bootstrap", "plan.json"));
      expect(stderr).toMatch(READ_COST);
    });
  });

  it("plans the same against an emulator running K times faster with --time-scale K, and refuses a scale of 0", async () => {
    const fast = 50;
    const emu = await startEmulator({
      seed: join(ROOT, FIXTURES, "bootstrap", "seed.json"),
      latencyMs: 0,
      timeScale: fast,
    });
    try {
      const scaled = await plan(emu, "bootstrap", ["--format", "json", "--time-scale", String(fast)]);
      expect(scaled.code).toBe(0);
      expect(scaled.stdout).toBe(golden("bootstrap", "plan.json"));
      expect(scaled.stderr).toMatch(READ_COST);
      const zero = await plan(emu, "bootstrap", ["--time-scale", "0"]);
      expect(zero.code).toBe(1);
      expect(zero.stderr).toContain('expected a positive number, got "0"');
    } finally {
      await emu.stop();
    }
  });

  it("writes --out atomically with the bytes of --format json, whatever is displayed", async () => {
    await withTempDir(async (dir) => {
      await withEmulator("bootstrap", async (emu) => {
        const out = join(dir, "plan.json");
        const missing = join(dir, "no-such-dir", "plan.json");
        const [written, failed] = await Promise.all([
          plan(emu, "bootstrap", ["--out", out, "--format", "markdown"], { FORCE_COLOR: "1" }),
          plan(emu, "bootstrap", ["--out", missing]),
        ]);
        expect(written.code).toBe(0);
        // The golden is rendered without a directory; the command names the one it planned.
        expect(written.stdout).toBe(
          golden("bootstrap", "plan.md").replace(
            "accessops apply --checksum",
            `accessops apply ${FIXTURES}/bootstrap/access --checksum`,
          ),
        );
        expect(readFileSync(out, "utf8")).toBe(golden("bootstrap", "plan.json"));
        expect(readdirSync(dir)).toEqual(["plan.json"]);
        expect(written.stderr).toContain(
          `Run \`accessops apply ${FIXTURES}/bootstrap/access --plan ${out}\` to apply exactly this plan.`,
        );

        expect(failed.code).toBe(1);
        expect(failed.stdout).toBe("");
        expect(failed.stderr).toContain(`error: cannot write ${missing}: `);
        expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
      });
    });
  });

  it("exits 3 on an unsafe plan after printing it, and 2 once --allow-deletes lets it through", async () => {
    await withEmulator("unsafe-delete", async (emu) => {
      const [refused, allowed] = await Promise.all([
        plan(emu, "unsafe-delete"),
        plan(emu, "unsafe-delete", ["--allow-deletes", "--detailed-exitcode"]),
      ]);
      expect(refused.code).toBe(3);
      expect(refused.stdout).toContain("This plan is unsafe: apply will refuse it.");
      expect(refused.stdout).not.toContain("accessops apply");
      expect(refused.stderr).toContain("error: plan is unsafe: 1 safety rail tripped\n");
      expect(refused.stderr).toContain("settings.safety.maxDeletes allows 3");
      expect(allowed.code).toBe(2);
      expect(allowed.stdout).toContain("Safety rails overridden with --allow-deletes:");
      expect(allowed.stdout).toContain(
        `\`accessops apply ${FIXTURES}/unsafe-delete/access --allow-deletes --checksum `,
      );
    });
  });

  it("exits 3 when a declared external group is missing, whatever the flags", async () => {
    await withEmulator("missing-external-group", async (emu) => {
      const { code, stdout, stderr } = await plan(emu, "missing-external-group", [
        "--allow-deletes",
        "--detailed-exitcode",
        "--format",
        "json",
      ]);
      expect(code).toBe(3);
      expect(JSON.parse(stdout)).toMatchObject({ safety: { ok: false, deletesAllowed: true } });
      expect(stderr).toContain(
        'group "okta-engineering" is declared external but is not in the identity store',
      );
    });
  });

  it("stops on invalid files before any API call, naming each problem as file:line:column", async () => {
    await withEmulator("bootstrap", async (emu) => {
      const dir = `${FIXTURES}/invalid/unknown-permission-set`;
      const { code, stdout, stderr } = await run(["plan", dir, "--endpoint", emu.endpoint]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      const expected = readFileSync(join(ROOT, dir, "expected.txt"), "utf8")
        .trimEnd()
        .split("\n");
      expect(stderr.split("\n").slice(0, expected.length)).toEqual(expected.map((l) => `${dir}/${l}`));
      expect(stderr).toContain(`error: ${dir}: 3 errors in the access files\n`);
      expect(totalCalls(emu)).toBe(0);
    });
  });

  it("reports files that do not resolve against the organisation with their place, and plans nothing", async () => {
    await withEmulator("delegated-admin", async (emu) => {
      const scenario = "delegated-admin-names-management";
      const { code, stdout, stderr } = await plan(emu, scenario);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      const [diagnostic] = golden(scenario, "error.txt").split("\n");
      expect(stderr).toContain(`${FIXTURES}/${scenario}/access/${diagnostic}\n`);
      expect(emu.writes()).toEqual([]);
    });
  });

  it("prints validation warnings on stderr and keeps stdout to the plan", async () => {
    await withTempDir(async (dir) => {
      await cp(join(ROOT, FIXTURES, "bootstrap", "access"), dir, { recursive: true });
      // Long past whatever the clock says: the loader warns, and the rule grants nothing.
      await writeFile(
        join(dir, "expired.yaml"),
        "assignments:\n  - principal: { group: Developers }\n    permissionSets: [ReadOnly]\n    targets: { accounts: [prod-web] }\n    expires: 2020-01-01T00:00:00Z\n",
        "utf8",
      );
      await withEmulator("bootstrap", async (emu) => {
        const { code, stdout, stderr } = await run([
          "plan",
          dir,
          "--endpoint",
          emu.endpoint,
          "--format",
          "json",
        ]);
        expect(code).toBe(0);
        expect(stdout).toBe(golden("bootstrap", "plan.json"));
        expect(stderr).toMatch(new RegExp(`^${dir}/expired\\.yaml:5:14: warning: .*2020-01-01`, "m"));
      });
    });
  });

  it("plans a targeted read as the golden drift-targeted case, says what it leaves out, and how to apply it", async () => {
    await withTempDir(async (dir) => {
      await withEmulator("drift", async (emu) => {
        const out = join(dir, "plan.json");
        const { code, stdout, stderr } = await plan(emu, "drift", [
          "--format",
          "json",
          "--refresh",
          "targeted",
          "--out",
          out,
        ]);
        expect(code).toBe(0);
        expect(stdout).toBe(golden("drift-targeted", "plan.json"));
        expect(stderr).toContain("refresh targeted: only what the files name was read");
        expect(stderr).toContain(
          `accessops apply ${FIXTURES}/drift/access --refresh targeted --plan ${out}\``,
        );
      });
    });
  });

  it("fails with exit 1 and the operation when nothing answers at the endpoint", async () => {
    const emu = await startEmulator({ latencyMs: 0 });
    await emu.stop();
    const { code, stdout, stderr } = await run([
      "plan",
      `${FIXTURES}/bootstrap/access`,
      "--endpoint",
      emu.endpoint,
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: .*ListInstances/m);
    expect(stderr).not.toContain("internal error");
  });

  it("documents every flag and the exit codes in --help", async () => {
    const help = await run(["plan", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of [
      "--out <file>",
      "--format <format>",
      "--detailed-exitcode",
      "--refresh <mode>",
      "--allow-deletes",
      "--endpoint <url>",
      "--region <region>",
      "--profile <name>",
      "--instance-arn <arn>",
      "--max-rate <calls-per-second>",
      "--time-scale <k>",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain("3 unsafe plan");
  });
});

/** The generated organisation's access files as YAML: every seed user, the managed groups, the declared sets, the rules. */
function accessYaml(config: Config, seed: Seed): string {
  const users = (seed.users ?? []).map((u) => ({
    userName: u.userName,
    displayName: u.displayName,
    name: { givenName: u.name?.givenName, familyName: u.name?.familyName },
    emails: [u.userName],
  }));
  return stringify({
    settings: { ownership: { tag: config.settings.ownership.tag } },
    users,
    groups: config.groups.map((g) => ({ name: g.name, members: g.members })),
    permissionSets: config.permissionSets.map((p) => ({ name: p.name })),
    assignments: config.assignments.map((r) => ({
      principal: r.principal.type === "GROUP" ? { group: r.principal.name } : { user: r.principal.name },
      permissionSets: r.permissionSets,
      targets: {
        ...(r.targets.ous.length > 0 ? { ous: r.targets.ous } : {}),
        ...(r.targets.tags === null ? {} : { tags: r.targets.tags }),
      },
    })),
  });
}

describe("the read cost of accessops plan", () => {
  it("stays within the §2.6 formula for a seeded organisation, with zero throttling", async () => {
    const { seed, config: generated } = generateOrg({
      accounts: 10,
      ous: 3,
      groups: 16,
      users: 12,
      permissionSets: 8,
      declaredSets: 4,
      ownedUndeclaredSets: 2,
      managedGroups: 3,
      bigGroupMembers: 6,
      assignmentsPerGroup: 2,
    });
    await withTempDir(async (dir) => {
      await writeFile(join(dir, "access.yaml"), accessYaml(generated, seed), "utf8");
      const { config } = await loadConfigOrThrow(dir);
      const formula = fullReadFormula(seed, config, readRequestFor(config, { refresh: "full" }).accountTags);
      await withEmulator(seed, async (emu) => {
        const { code, stderr } = await run(["plan", dir, "--endpoint", emu.endpoint, "--allow-deletes"]);
        expect(code, stderr).toBe(0);
        const stats = emu.calls();
        expectWithinFormula(
          Object.fromEntries(Object.entries(stats).map(([op, s]) => [op, s.calls])),
          formula,
        );
        expect(Object.values(stats).reduce((n, s) => n + s.throttled, 0)).toBe(0);
        expect(readCost(stderr)).toBe(totalCalls(emu));
      });
    });
  });
});
