import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../src/model/errors.ts";
import { formatDiagnostic } from "../../src/model/errors.ts";
import { collectDeclarations } from "../../src/schema/declarations.ts";
import type { Declarations } from "../../src/schema/input.ts";
import {
  type LoadResult,
  loadDocuments,
  memoryPolicyReader,
  type SourceDocument,
} from "../../src/schema/load.ts";

/** The clock every schema test runs at: after 2026-01-01, before 2027. */
export const NOW = new Date("2026-06-01T00:00:00Z");

/** Files of an access directory, by path relative to it. */
export type Files = Record<string, string>;

/** Removes the indentation common to every non-blank line, so YAML can be written indented in tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw(strings, ...values).replace(/^\n/, "");
  const indents = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => /^ */.exec(line)?.[0].length ?? 0);
  const strip = Math.min(...indents);
  return text
    .split("\n")
    .map((line) => line.slice(strip))
    .join("\n");
}

export const documents = (files: Files): SourceDocument[] =>
  Object.entries(files)
    .filter(([path]) => /\.ya?ml$/.test(path))
    .map(([path, text]) => ({ path, text }));

/** Loads in-memory files (YAML and policy JSON alike) through the pure core. */
export function load(files: Files, now: Date = NOW): Promise<LoadResult> {
  return loadDocuments(documents(files), { dir: "/access", now, readPolicyFile: memoryPolicyReader(files) });
}

/** Every diagnostic of a load, errors then warnings, as the CLI prints them. */
export const lines = (result: LoadResult): string[] =>
  [...(result.ok ? [] : result.errors), ...result.warnings].map(formatDiagnostic);

/** The declarations of files that must pass the schema (the test fails otherwise). */
export function declarationsOf(files: Files): Declarations {
  const { declarations, diagnostics } = collectDeclarations(documents(files));
  const errors = diagnostics.filter((d: Diagnostic) => d.severity === "error").map(formatDiagnostic);
  if (errors.length > 0) throw new Error(`test input does not pass the schema:\n${errors.join("\n")}`);
  return declarations;
}

const BIOME = fileURLToPath(new URL("../../node_modules/.bin/biome", import.meta.url));

/**
 * JSON text as the repository's formatter writes it, so generated files (the published
 * schema, golden configs) pass `npm run lint` unchanged.
 */
export function formatJson(value: unknown, path: string): string {
  const run = spawnSync(BIOME, ["format", `--stdin-file-path=${path}`], {
    input: `${JSON.stringify(value, null, 2)}\n`,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`biome format failed: ${run.stderr}`);
  return run.stdout;
}
