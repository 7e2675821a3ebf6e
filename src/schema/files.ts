import type { Dirent } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import type { Diagnostic } from "../model/errors.ts";
import type { SourceDocument } from "./load.ts";
import type { PolicyFileReader } from "./policy.ts";

/**
 * The file-system shell of the loader: finds the YAML files of an access directory, reads
 * them within bounds, and reads inline policy files for the pure core, refusing any that
 * resolve (through `..` or a symlink) outside the directory.
 */

/** Largest YAML file read. Real access files are a few kilobytes; this keeps a hostile one from using memory. */
export const MAX_YAML_FILE_BYTES = 1024 * 1024;

/**
 * Largest inline policy file read. The canonical policy is at most 32 KiB; this leaves room
 * for generous formatting and still bounds what is read.
 */
export const MAX_POLICY_FILE_BYTES = 256 * 1024;

/** Most YAML files one access directory may hold: far above any real one, low enough to bound a walk. */
export const MAX_ACCESS_FILES = 10_000;

/**
 * Most YAML text one access directory may hold in total. A large organisation's directory is
 * a few megabytes; this bounds the parsing work (about a second per megabyte) a hostile one causes.
 */
export const MAX_ACCESS_DIR_BYTES = 32 * 1024 * 1024;

/** The files the loader reads (and `import --force` removes). */
export const YAML_FILE = /\.ya?ml$/i;

/** The bounds of one directory read; tests lower them. */
export interface ReadLimits {
  files: number;
  fileBytes: number;
  dirBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  files: MAX_ACCESS_FILES,
  fileBytes: MAX_YAML_FILE_BYTES,
  dirBytes: MAX_ACCESS_DIR_BYTES,
};

export interface AccessFiles {
  /** Absolute, symlink-free path of the directory; null when it cannot be read. */
  realDir: string | null;
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
}

/** A problem with the directory itself (file `.`, no position). */
const dirProblem = (code: string, message: string): Diagnostic => ({
  severity: "error",
  file: ".",
  line: 0,
  column: 0,
  code,
  message,
});

const fileProblem = (file: string, code: string, message: string): Diagnostic => ({
  severity: "error",
  file,
  line: 0,
  column: 0,
  code,
  message,
});

/**
 * Every `*.yaml` / `*.yml` file under `dir`, recursively, sorted by relative path. Entries
 * whose name starts with a dot are skipped (editor and VCS files); symlinked files are read
 * only when they resolve inside the directory; symlinked folders are not followed.
 */
export async function readAccessFiles(
  dir: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<AccessFiles> {
  let realDir: string;
  try {
    realDir = await realpath(dir);
    if (!(await stat(realDir)).isDirectory()) {
      return {
        realDir: null,
        documents: [],
        diagnostics: [dirProblem("not-a-directory", "not a directory; give the access directory")],
      };
    }
  } catch (error) {
    return {
      realDir: null,
      documents: [],
      diagnostics: [dirProblem("no-directory", `cannot read the access directory: ${reason(error)}`)],
    };
  }

  const diagnostics: Diagnostic[] = [];
  const paths: string[] = [];
  const pending = [realDir];
  while (pending.length > 0) {
    const folder = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      diagnostics.push(
        fileProblem(toRelative(realDir, folder), "unreadable", `cannot read this folder: ${reason(error)}`),
      );
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if ((entry.isFile() || entry.isSymbolicLink()) && YAML_FILE.test(entry.name)) paths.push(full);
    }
    if (paths.length > limits.files) {
      return {
        realDir,
        documents: [],
        diagnostics: [
          dirProblem(
            "too-many-files",
            `more than ${limits.files} YAML files; point accessops at the access directory only`,
          ),
        ],
      };
    }
  }

  const documents: SourceDocument[] = [];
  let total = 0;
  for (const full of paths.sort()) {
    const file = toRelative(realDir, full);
    const read = await readBounded(realDir, full, limits.fileBytes, "split it into several files");
    if (!read.ok) {
      diagnostics.push(fileProblem(file, read.code, read.message));
      continue;
    }
    total += Buffer.byteLength(read.text);
    if (total > limits.dirBytes) {
      diagnostics.push(
        dirProblem(
          "too-large",
          `the YAML files hold more than ${formatBytes(limits.dirBytes)} in total; point accessops at the access directory only`,
        ),
      );
      return { realDir, documents: [], diagnostics };
    }
    documents.push({ path: file, text: read.text });
  }
  if (documents.length === 0 && diagnostics.length === 0) {
    diagnostics.push(
      dirProblem(
        "no-files",
        "the access directory holds no .yaml or .yml files; add settings, users, groups, permissionSets and assignments",
      ),
    );
  }
  return { realDir, documents, diagnostics };
}

/** Reads inline policy files below `realDir` (paths already normalised and relative to it). */
export function policyFileReader(realDir: string): PolicyFileReader {
  return async (path) => {
    const read = await readBounded(realDir, join(realDir, path), MAX_POLICY_FILE_BYTES, "shorten it");
    return read.ok ? { ok: true, text: read.text } : { ok: false, message: read.message };
  };
}

type Read = { ok: true; text: string } | { ok: false; code: string; message: string };

/** Reads a regular file inside `realDir`, refusing symlink escapes, oversized files and non-UTF-8 text. */
async function readBounded(realDir: string, full: string, maxBytes: number, advice: string): Promise<Read> {
  let target: string;
  try {
    target = await realpath(full);
  } catch (error) {
    return { ok: false, code: "unreadable", message: `cannot read the file: ${reason(error)}` };
  }
  const inside = relative(realDir, target);
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
    return {
      ok: false,
      code: "outside-access-dir",
      message: "the file is a symlink to a place outside the access directory; copy the file in instead",
    };
  }
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(target, "r");
    const info = await handle.stat();
    if (!info.isFile()) return { ok: false, code: "not-a-file", message: "not a regular file" };
    if (info.size > maxBytes) {
      return {
        ok: false,
        code: "file-too-large",
        message: `the file is ${bytes(info.size)}; the limit is ${formatBytes(maxBytes)} (${bytes(maxBytes)}): ${advice}`,
      };
    }
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return decode(buffer.subarray(0, bytesRead));
  } catch (error) {
    return { ok: false, code: "unreadable", message: `cannot read the file: ${reason(error)}` };
  } finally {
    await handle?.close();
  }
}

function decode(bytes: Uint8Array): Read {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { ok: false, code: "not-utf8", message: "the file is not UTF-8 text; save it as UTF-8" };
  }
}

const toRelative = (realDir: string, full: string): string => relative(realDir, full).split(sep).join("/");

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "too many symlinks";
  return error instanceof Error ? error.message : String(error);
}

const KIB = 1024;
const MIB = KIB * KIB;

/** A limit in binary units; the limits are whole KiB or MiB. */
const formatBytes = (n: number): string => (n >= MIB ? `${n / MIB} MiB` : `${n / KIB} KiB`);

const bytes = (n: number): string => `${n.toLocaleString("en-US")} bytes`;
