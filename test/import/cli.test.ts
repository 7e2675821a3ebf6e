import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ImportFlags, runImport } from "../../src/cli/import.ts";
import { type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";
import { ConfigError } from "../../src/model/errors.ts";
import { loadAccessDir } from "../../src/schema/load.ts";
import { Capture, NOW, SCALED_LIMITS, TIME_SCALE } from "./harness.ts";
import { externalSeed, nestedSeed, staleSeed } from "./seeds.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const run = async (flags: ImportFlags): Promise<{ code: number; stdout: string }> => {
  const stdout = new Capture();
  const code = await runImport(flags, {
    stdout,
    stderr: new Capture(),
    env: {},
    now: NOW,
    limits: SCALED_LIMITS,
  });
  return { code, stdout: stdout.text };
};

describe("accessops import", () => {
  let emulator: RunningEmulator;
  let nested: RunningEmulator;
  let work: string;
  beforeAll(async () => {
    [emulator, nested] = await Promise.all([
      startEmulator({ seed: externalSeed, latencyMs: 0, timeScale: TIME_SCALE }),
      startEmulator({ seed: nestedSeed, latencyMs: 0, timeScale: TIME_SCALE }),
    ]);
    work = await mkdtemp(join(tmpdir(), "accessops-import-cli-"));
  });
  afterAll(async () => {
    await Promise.all([emulator.stop(), nested.stop()]);
    await rm(work, { recursive: true, force: true });
  });

  it("writes the directory and names the adoption as the next step", async () => {
    const out = join(work, "fresh", "access");
    const { code, stdout } = await run({ out, endpoint: emulator.endpoint });
    expect(code).toBe(0);
    expect(stdout).toContain(`Imported ${emulator.instanceArn} into ${out}: 5 files.`);
    expect(stdout).toContain(
      "users from your identity provider, 2 groups (2 external), 2 permission sets, 4 assignment rules for 11 assignments",
    );
    expect(stdout).toContain(
      `Next: run accessops apply ${out} once to adopt 1 permission set: it only adds the tag managed-by=accessops. After that, accessops plan ${out} shows no changes.`,
    );
    expect((await readdir(out)).sort()).toEqual([
      "assignments",
      "groups.yaml",
      "permission-sets.yaml",
      "settings.yaml",
    ]);
    const loaded = await loadAccessDir(out, { now: NOW });
    expect(loaded.ok).toBe(true);
    // The modeline points at the schema shipped with accessops, relative to each file.
    const settings = await readFile(join(out, "settings.yaml"), "utf8");
    const schemaPath = settings.split("\n")[0]?.replace("# yaml-language-server: $schema=", "") ?? "";
    await expect(readFile(join(out, schemaPath), "utf8")).resolves.toContain('"$schema"');
  });

  it("lists what it imported as external and what it leaves to ownership.ignore", async () => {
    const out = join(work, "nested");
    const { stdout } = await run({ out, endpoint: nested.endpoint, externalPermissionSets: "^Unused$" });
    expect(stdout).toContain(
      "Imported as external (referenced, never changed):\n  AWSAdministratorAccess: made and updated by AWS Control Tower\n",
    );
    expect(stdout).toContain("  Unused: matches --external-permission-sets\n");
    expect(stdout).toContain(
      "Left alone through settings.ownership.ignore:\n  account 100000000104: suspended: assignments there cannot change until it is active\n",
    );
    expect(stdout).toContain("adopt 4 permission sets");
  });

  it("refuses a non-empty directory before reading anything, and --force replaces only access files", async () => {
    const out = join(work, "existing");
    await mkdir(join(out, "policies"), { recursive: true });
    await writeFile(join(out, "README.md"), "our notes\n");
    await writeFile(join(out, "old.yaml"), "groups:\n  - name: Stale\n");
    await writeFile(join(out, "policies", "old.json"), "{}\n");
    const before = emulator.calls();
    const refused = run({ out, endpoint: emulator.endpoint });
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(/is not empty/);
    expect(emulator.calls()).toEqual(before);

    const { stdout } = await run({ out, endpoint: emulator.endpoint, force: true });
    expect(stdout).toContain("(replacing 2 files)");
    const names = (await readdir(out)).sort();
    expect(names).toEqual([
      "README.md",
      "assignments",
      "groups.yaml",
      "permission-sets.yaml",
      "policies",
      "settings.yaml",
    ]);
    expect(await readdir(join(out, "policies"))).toEqual([]);
    expect(await readFile(join(out, "README.md"), "utf8")).toBe("our notes\n");
    expect((await loadAccessDir(out, { now: NOW })).ok).toBe(true);
  });

  it("--force also removes what the loader would read besides: upper-case extensions and links", async () => {
    const out = join(work, "existing-odd");
    const elsewhere = join(work, "shared-rules.yaml");
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "Legacy.YAML"), "groups:\n  - name: Stale\n");
    await writeFile(elsewhere, "groups:\n  - name: AlsoStale\n");
    await symlink(elsewhere, join(out, "linked.yml"));
    const { stdout } = await run({ out, endpoint: emulator.endpoint, force: true });
    expect(stdout).toContain("(replacing 2 files)");
    expect((await readdir(out)).filter((n) => /legacy|linked/i.test(n))).toEqual([]);
    expect(await readFile(elsewhere, "utf8")).toContain("AlsoStale");
    const loaded = await loadAccessDir(out, { now: NOW });
    expect(loaded.ok && loaded.config.groups.map((g) => g.name)).not.toContain("Stale");
  });

  it("says when the first apply also re-provisions outdated copies", async () => {
    const stale = await startEmulator({ seed: staleSeed, latencyMs: 0, timeScale: TIME_SCALE });
    try {
      const out = join(work, "stale");
      const { stdout } = await run({ out, endpoint: stale.endpoint });
      expect(stdout).toContain(
        "1 permission set holds outdated copies in some accounts (drift that exists with or without the import): ReadOnly.",
      );
      expect(stdout).toContain(
        `Next: run accessops apply ${out} once: it adds the tag managed-by=accessops to 1 permission set and re-provisions the outdated copies.`,
      );
    } finally {
      await stale.stop();
    }
  });

  it("refuses a pattern that could backtrack without end", async () => {
    await expect(
      run({ out: join(work, "x"), endpoint: emulator.endpoint, externalPermissionSets: "(a+)+$" }),
    ).rejects.toThrow(/--external-permission-sets "\(a\+\)\+\$" is not a usable regular expression/);
  });
});
