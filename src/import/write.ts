import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { byCodeUnit } from "../model/canonical.ts";
import { ConfigError } from "../model/errors.ts";
import { YAML_FILE } from "../schema/files.ts";
import { loadAccessDir } from "../schema/load.ts";
import type { ImportedFile } from "./documents.ts";

export interface WriteOptions {
  /** Replace the access files of a non-empty directory (`--force`). */
  force: boolean;
  /** The loader's clock (only for its "expires is past" warning). */
  now: Date;
}

export interface WriteResult {
  /** Absolute path of the directory written. */
  dir: string;
  /** Files written, relative to `dir`, sorted. */
  written: string[];
  /** Files `--force` removed first (relative to `dir`, sorted): access files of an earlier layout. */
  removed: string[];
}

const POLICY_FILE = /\.json$/;
/** The folder import writes inline policies to; `--force` clears its JSON files too. */
const POLICY_DIR = "policies";

/**
 * Writes imported files into `dir`. Refuses a directory holding anything unless `force`; with
 * `force`, first removes every file the loader would read there (`*.yaml`, `*.yml`, outside
 * dot folders) and the JSON files under `policies/`, so no stale declaration is merged with the
 * import; other files (a README, `.git`) stay. The files are written to a temporary sibling
 * directory and loaded from disk by the real loader before anything in `dir` changes.
 */
export async function writeImport(
  dir: string,
  files: readonly ImportedFile[],
  options: WriteOptions,
): Promise<WriteResult> {
  const target = resolve(dir);
  const existing = await entries(target);
  if (existing === "not-a-directory") {
    throw new ConfigError(`${dir} is not a directory`, [], "Give --out a directory path (new or empty).");
  }
  if (existing.length > 0 && !options.force) {
    throw new ConfigError(
      `${dir} is not empty (${existing.length} entr${existing.length === 1 ? "y" : "ies"})`,
      [],
      "Import into a new or empty directory with --out DIR, or pass --force to replace its access files (*.yaml and policies/*.json; other files stay).",
    );
  }

  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), ".accessops-import-"));
  try {
    for (const f of files) {
      const path = join(staging, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.text, "utf8");
    }
    const check = await loadAccessDir(staging, { now: options.now });
    if (!check.ok) {
      throw new ConfigError(
        "the imported files do not validate when read back from disk",
        check.errors,
        "This is a bug in accessops import: report it with the messages above. Nothing was written.",
      );
    }

    let removed: string[] = [];
    if (existing.length === 0) {
      await rmdir(target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      await rename(staging, target);
    } else {
      removed = await removeAccessFiles(target);
      for (const f of files) {
        const path = join(target, f.path);
        await mkdir(dirname(path), { recursive: true });
        await rename(join(staging, f.path), path);
      }
    }
    return { dir: target, written: files.map((f) => f.path).sort(byCodeUnit), removed };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The names in a directory; empty when it does not exist. */
async function entries(dir: string): Promise<string[] | "not-a-directory"> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) return "not-a-directory";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return readdir(dir);
}

/** Removes the files an import replaces; returns them relative to `dir`, sorted. */
async function removeAccessFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (
        // What the loader would read: symbolic links too (rm removes the link, not its target).
        (entry.isFile() || entry.isSymbolicLink()) &&
        (YAML_FILE.test(entry.name) || (rel === POLICY_DIR && POLICY_FILE.test(entry.name)))
      ) {
        await rm(join(dir, path));
        removed.push(path);
      }
    }
  };
  await walk("");
  return removed.sort(byCodeUnit);
}
