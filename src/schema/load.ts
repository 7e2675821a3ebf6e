import { resolve } from "node:path";
import { byCodeUnit } from "../model/canonical.ts";
import type { Config } from "../model/config.ts";
import { ConfigError, type Diagnostic } from "../model/errors.ts";
import { collectDeclarations } from "./declarations.ts";
import { policyFileReader, readAccessFiles } from "./files.ts";
import { normalise } from "./normalise.ts";
import { loadPolicies, type PolicyFileReader } from "./policy.ts";
import { checkRules, ruleContext } from "./rules.ts";

export { memoryPolicyReader, type PolicyFileReader, type PolicyFileResult } from "./policy.ts";

/** One access file's text, by its path relative to the access directory (`/`-separated). */
export interface SourceDocument {
  path: string;
  text: string;
}

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
  diagnostics.push(...checkRules(declarations, ruleContext(options.now)));
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
