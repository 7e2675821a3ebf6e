import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, formatDiagnostic } from "../../src/model/errors.ts";
import { MAX_POLICY_FILE_BYTES, MAX_YAML_FILE_BYTES, readAccessFiles } from "../../src/schema/files.ts";
import { loadAccessDir, loadConfigOrThrow } from "../../src/schema/load.ts";
import { NOW } from "./helpers.ts";

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "accessops-files-"));
  dir = join(root, "access");
  await mkdir(dir);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const write = async (path: string, text: string) => {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), text);
};

const GROUP = "groups:\n  - name: Platform-Admins\n";
const WITH_POLICY = (path: string) => `permissionSets:\n  - name: Ops\n    inlinePolicy: ${path}\n`;
const POLICY = '{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}';

async function problems(): Promise<string[]> {
  const result = await loadAccessDir(dir, { now: NOW });
  return [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);
}

describe("loadAccessDir on disk", () => {
  it("merges .yaml and .yml files from every folder, skipping dot folders and other files", async () => {
    await write("a.yaml", GROUP);
    await write("teams/b.YML", "groups:\n  - name: Developers\n");
    await write(".git/c.yaml", "not: [valid");
    await write(".hidden.yaml", "not: [valid");
    await write("notes.txt", "not yaml");
    const result = await loadAccessDir(dir, { now: NOW });
    expect(result.ok && result.config.files).toEqual(["a.yaml", "teams/b.YML"]);
    expect(result.ok && result.config.groups.map((g) => g.name)).toEqual(["Developers", "Platform-Admins"]);
    expect(result.ok && result.config.dir).toBe(dir);
  });

  it("refuses a YAML file above the size limit and still checks the others", async () => {
    await write("big.yaml", `# ${"x".repeat(MAX_YAML_FILE_BYTES)}\n`);
    await write("bad.yaml", "groups: {}\n");
    expect(await problems()).toEqual([
      'bad.yaml:1:9: groups must be a list: one "- item" per line, or [a, b]',
      "big.yaml: the file is 1,048,579 bytes; the limit is 1 MiB (1,048,576 bytes): split it into several files",
    ]);
  });

  it("reads symlinks that stay inside and refuses those that leave", async () => {
    await write("real/groups.yaml", GROUP);
    await symlink(join(dir, "real/groups.yaml"), join(dir, "link.yaml"));
    await writeFile(join(root, "outside.yaml"), "groups:\n  - name: Developers\n");
    await symlink(join(root, "outside.yaml"), join(dir, "escape.yaml"));
    expect(await problems()).toEqual([
      "escape.yaml: the file is a symlink to a place outside the access directory; copy the file in instead",
      'real/groups.yaml:2:11: group "Platform-Admins" is already declared at link.yaml:2:11; group names must be unique across files',
    ]);
  });

  it("does not follow symlinked folders", async () => {
    await write("a.yaml", GROUP);
    await mkdir(join(root, "elsewhere"));
    await writeFile(join(root, "elsewhere", "x.yaml"), "not: [valid");
    await symlink(join(root, "elsewhere"), join(dir, "linked"));
    expect(await problems()).toEqual([]);
  });

  it("reads policy files through symlinks inside the directory only", async () => {
    await write("policies/real.json", POLICY);
    await symlink(join(dir, "policies/real.json"), join(dir, "policies/link.json"));
    await writeFile(join(root, "secret.json"), POLICY);
    await symlink(join(root, "secret.json"), join(dir, "policies/escape.json"));
    await write("a.yaml", WITH_POLICY("policies/link.json"));
    await write("b.yaml", WITH_POLICY("policies/escape.json").replace("Ops", "Esc"));
    expect(await problems()).toEqual([
      "b.yaml:3:19: inline policy file policies/escape.json: the file is a symlink to a place outside the access directory; copy the file in instead",
    ]);
  });

  it("bounds policy files, and refuses folders", async () => {
    await write("policies/big.json", `${" ".repeat(MAX_POLICY_FILE_BYTES)}${POLICY}`);
    await mkdir(join(dir, "policies/folder.json"));
    await write("a.yaml", WITH_POLICY("policies/big.json"));
    await write("b.yaml", WITH_POLICY("policies/folder.json").replace("Ops", "Dir"));
    expect(await problems()).toEqual([
      "a.yaml:3:19: inline policy file policies/big.json: the file is 262,234 bytes; the limit is 256 KiB (262,144 bytes): shorten it",
      "b.yaml:3:19: inline policy file policies/folder.json: not a regular file",
    ]);
  });

  it("reports a shared policy file once and loads it for every permission set", async () => {
    await write("policies/p.json", POLICY);
    await write(
      "a.yaml",
      `${WITH_POLICY("policies/p.json")}  - name: Other\n    inlinePolicy: ./policies/p.json\n`,
    );
    const result = await loadAccessDir(dir, { now: NOW });
    expect(result.ok && result.config.permissionSets.map((p) => p.inlinePolicyFile)).toEqual([
      "policies/p.json",
      "policies/p.json",
    ]);
  });

  it.each([
    ["a missing directory", "missing", ".: cannot read the access directory: no such file or directory"],
    ["a file", "file.yaml", ".: not a directory; give the access directory"],
    [
      "an empty directory",
      "empty",
      ".: the access directory holds no .yaml or .yml files; add settings, users, groups, permissionSets and assignments",
    ],
  ])("reports %s", async (_name, path, expected) => {
    await writeFile(join(root, "file.yaml"), GROUP);
    await mkdir(join(root, "empty"));
    const result = await loadAccessDir(join(root, path), { now: NOW });
    expect(result.ok ? [] : result.errors.map(formatDiagnostic)).toEqual([expected]);
  });
});

describe("loadConfigOrThrow", () => {
  it("returns the config and warnings when the files are valid", async () => {
    await write("a.yaml", GROUP);
    await write("empty.yaml", "");
    const { config, warnings } = await loadConfigOrThrow(dir, { now: NOW });
    expect(config.groups.map((g) => g.name)).toEqual(["Platform-Admins"]);
    expect(warnings.map((w) => w.code)).toEqual(["empty-file"]);
  });

  it("throws a ConfigError holding every error and warning", async () => {
    await write("a.yaml", "groups: {}\nusers: 1\n");
    await write("empty.yaml", "");
    const error = await loadConfigOrThrow(dir, { now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.message).toBe(`${dir}: 2 errors in the access files`);
    expect(configError.diagnostics.map((d) => `${d.severity} ${d.file}:${d.line}`)).toEqual([
      "error a.yaml:1",
      "error a.yaml:2",
      "warning empty.yaml:1",
    ]);
  });
});

describe("readAccessFiles limits", () => {
  const limits = { files: 3, fileBytes: 1024, dirBytes: 2048 };

  it("refuses a directory whose YAML adds up to more than the total limit", async () => {
    for (const name of ["a", "b", "c"]) await write(`${name}.yaml`, `# ${"x".repeat(800)}\n`);
    const read = await readAccessFiles(dir, limits);
    expect(read.documents).toEqual([]);
    expect(read.diagnostics.map(formatDiagnostic)).toEqual([
      ".: the YAML files hold more than 2 KiB in total; point accessops at the access directory only",
    ]);
  });

  it("refuses a directory with more YAML files than the limit", async () => {
    for (const name of ["a", "b", "c", "d"]) await write(`${name}.yaml`, GROUP);
    const read = await readAccessFiles(dir, limits);
    expect(read.diagnostics.map(formatDiagnostic)).toEqual([
      ".: more than 3 YAML files; point accessops at the access directory only",
    ]);
  });
});
