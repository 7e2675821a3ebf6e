import { resolve } from "node:path";
import { byCodeUnit } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import { ConfigError, type Diagnostic } from "../model/errors.ts";
import { collectDeclarations } from "./declarations.ts";
import { policyFileReader, readAccessFiles } from "./files.ts";
import { type Declarations, type Entry, type PermissionSetInput, where } from "./input.ts";
import { jsonSyntaxError } from "./json-syntax.ts";
import { type LoadedPolicy, normalise } from "./normalise.ts";
import { checkPolicyDocument, resolvePolicyPath } from "./policy.ts";
import { checkRules } from "./rules.ts";
import { parseYaml } from "./yaml.ts";

/** One access file's text, by its path relative to the access directory (`/`-separated). */
export interface SourceDocument {
  path: string;
  text: string;
}

export type PolicyFileResult = { ok: true; text: string } | { ok: false; message: string };

/** A policy reader over in-memory files (keyed by path relative to the access directory). */
export function memoryPolicyReader(files: Readonly<Record<string, string>>): PolicyFileReader {
  return async (path) =>
    Object.hasOwn(files, path)
      ? { ok: true, text: files[path] as string }
      : { ok: false, message: "no such file" };
}

/**
 * Reads an inline policy file. `path` is relative to the access directory, normalised, and
 * never leads outside it lexically; the reader refuses what leads outside through symlinks.
 */
export type PolicyFileReader = (path: string) => Promise<PolicyFileResult>;

export interface LoadOptions {
  /** The current time, for the "expires is already past" warning. Defaults to the clock when loading from disk. */
  now?: Date;
}

export interface LoadDocumentsOptions {
  /** Absolute path of the access directory, recorded in `Config.dir`. */
  dir: string;
  now: Date;
  readPolicyFile: PolicyFileReader;
}

/** Errors and warnings are sorted by file, line and column; warnings never fail a load. */
export type LoadResult =
  | { ok: true; config: Config; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

/**
 * Loads and validates an access directory from disk: every `*.yaml`/`*.yml` below `dir`,
 * merged into one normalised `Config`, or every problem found, each located.
 */
export async function loadAccessDir(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const absolute = resolve(dir);
  const files = await readAccessFiles(absolute);
  if (files.realDir === null) return { ok: false, ...partition(files.diagnostics) };
  const result = await loadDocuments(files.documents, {
    dir: absolute,
    now: options.now ?? new Date(),
    readPolicyFile: policyFileReader(files.realDir),
  });
  if (files.diagnostics.length === 0) return result;
  // Unreadable files: everything else is still checked, and the load fails.
  return {
    ok: false,
    ...partition([...files.diagnostics, ...(result.ok ? [] : result.errors), ...result.warnings]),
  };
}

/** `loadAccessDir`, throwing a `ConfigError` holding every error and warning when the files are invalid. */
export async function loadConfigOrThrow(
  dir: string,
  options: LoadOptions = {},
): Promise<{ config: Config; warnings: Diagnostic[] }> {
  const result = await loadAccessDir(dir, options);
  if (result.ok) return { config: result.config, warnings: result.warnings };
  const count = result.errors.length;
  throw new ConfigError(
    `${dir}: ${count} error${count === 1 ? "" : "s"} in the access files`,
    [...result.errors, ...result.warnings].sort(byPosition),
  );
}

/**
 * The pure core of loading: parses, validates and normalises in-memory documents. It does no
 * I/O but through `readPolicyFile`, never reads the clock, and never throws on bad input:
 * every problem comes back as a diagnostic.
 */
export async function loadDocuments(
  documents: SourceDocument[],
  options: LoadDocumentsOptions,
): Promise<LoadResult> {
  const sortedDocuments = [...documents].sort((a, b) => byCodeUnit(a.path, b.path));
  const { declarations, diagnostics } = collectDeclarations(sortedDocuments);
  diagnostics.push(...checkRules(declarations, { now: options.now }));
  const policies = await loadPolicies(declarations, options.readPolicyFile);
  diagnostics.push(...policies.diagnostics);

  const { errors, warnings } = partition(diagnostics);
  if (errors.length > 0) return { ok: false, errors, warnings };
  const files = sortedDocuments.map((d) => d.path);
  return { ok: true, config: normalise(declarations, options.dir, files, policies.loaded), warnings };
}

function partition(diagnostics: Diagnostic[]): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const sorted = [...diagnostics].sort(byPosition);
  return {
    errors: sorted.filter((d) => d.severity === "error"),
    warnings: sorted.filter((d) => d.severity === "warning"),
  };
}

const byPosition = (a: Diagnostic, b: Diagnostic): number =>
  byCodeUnit(a.file, b.file) || a.line - b.line || a.column - b.column || byCodeUnit(a.message, b.message);

interface Policies {
  loaded: Map<Entry<PermissionSetInput>, LoadedPolicy>;
  diagnostics: Diagnostic[];
}

/** A policy file: unreadable (reported where the YAML names it), or read and checked. */
type PolicyFile =
  | { read: false; message: string }
  | { read: true; canonical: string | null; diagnostics: Diagnostic[] };

/**
 * Loads and checks the inline policy of every managed permission set: from the YAML mapping,
 * or from its JSON file (each file read and reported once, however many sets share it).
 */
async function loadPolicies(d: Declarations, readPolicyFile: PolicyFileReader): Promise<Policies> {
  const loaded = new Map<Entry<PermissionSetInput>, LoadedPolicy>();
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, PolicyFile>();
  const problem = (entry: Entry<PermissionSetInput>, code: string, message: string): Diagnostic => ({
    ...where(entry, "inlinePolicy"),
    severity: "error",
    code,
    message,
  });
  for (const entry of d.permissionSets) {
    const inline = entry.data.inlinePolicy;
    if (inline === undefined || entry.data.external === true) continue;
    if (typeof inline !== "string") {
      const check = checkPolicyDocument(inline, (path) => where(entry, "inlinePolicy", ...path));
      diagnostics.push(...check.diagnostics);
      if (check.canonical !== null) loaded.set(entry, { canonical: check.canonical, file: null });
      continue;
    }
    const resolved = resolvePolicyPath(entry.source.file, inline);
    if (!resolved.ok) {
      diagnostics.push(problem(entry, "invalid-policy-path", resolved.message));
      continue;
    }
    let file = files.get(resolved.path);
    if (!file) {
      file = await loadPolicyFile(resolved.path, readPolicyFile);
      files.set(resolved.path, file);
      if (!file.read)
        diagnostics.push(
          problem(entry, "unreadable-policy", `inline policy file ${resolved.path}: ${file.message}`),
        );
      else diagnostics.push(...file.diagnostics);
    }
    if (file.read && file.canonical !== null)
      loaded.set(entry, { canonical: file.canonical, file: resolved.path });
  }
  return { loaded, diagnostics };
}

/** Reads a policy file, requires strict JSON, and checks the policy with positions inside the file. */
async function loadPolicyFile(path: string, readPolicyFile: PolicyFileReader): Promise<PolicyFile> {
  const read = await readPolicyFile(path);
  if (!read.ok) return { read: false, message: read.message };
  const syntax = jsonSyntaxError(read.text);
  if (syntax) {
    const before = read.text.slice(0, syntax.offset).split("\n");
    const diagnostic: Diagnostic = {
      severity: "error",
      file: path,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      code: "json-syntax",
      message: `invalid JSON: ${syntax.message}`,
    };
    return { read: true, canonical: null, diagnostics: [diagnostic] };
  }
  // Well-formed JSON: the YAML parser adds positions and refuses duplicate keys.
  const parsed = parseYaml(path, read.text, { schema: "json" });
  if (parsed.value === undefined) return { read: true, canonical: null, diagnostics: parsed.diagnostics };
  return { read: true, ...checkPolicyDocument(parsed.value, (p) => parsed.locate(p)) };
}
