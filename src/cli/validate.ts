import { join } from "node:path";
import type { Writable } from "node:stream";
import { type Command, Option } from "commander";
import type { Config } from "../model/config.ts";
import { type Diagnostic, EXIT_ERROR, EXIT_OK } from "../model/errors.ts";
import { loadAccessDir } from "../schema/load.ts";
import { colourEnabled, type Paint, painter } from "./output.ts";
import { DEFAULT_DIR } from "./paths.ts";
import { packageVersion } from "./version.ts";

export type ValidateFormat = "text" | "json";

type Stream = Writable & { isTTY?: boolean };

/** Where `validate` writes, and the clock it compares `expires` with. Injected by tests. */
export interface ValidateIo {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  now: Date;
}

/** Entity counts of a valid configuration, and the one-line summary built from them. */
export interface ValidateSummary {
  text: string;
  errors: number;
  warnings: number;
  /** The counts below are null when the files are invalid (no configuration was built). */
  files: number | null;
  permissionSets: number | null;
  groups: number | null;
  users: number | null;
  assignmentRules: number | null;
}

/** The `--format json` document. Diagnostic files are relative to `dir`. */
export interface ValidateReport {
  valid: boolean;
  dir: string;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  summary: ValidateSummary;
}

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check the access files (shape, references, AWS limits) without calling AWS")
    .argument("[dir]", "the access directory", DEFAULT_DIR)
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .version(packageVersion(), "-V, --version", "print the version")
    .addHelpText(
      "after",
      "\nExit status: 0 when the files are valid (warnings do not fail), 1 when they are not.\nErrors are printed as file:line:column: message.",
    )
    .action(async (dir: string, options: { format: ValidateFormat }) => {
      process.exitCode = await runValidate(dir, options.format, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        now: new Date(),
      });
    });
}

/** Validates `dir`, prints the result in `format`, and returns the exit code. */
export async function runValidate(dir: string, format: ValidateFormat, io: ValidateIo): Promise<number> {
  const result = await loadAccessDir(dir, { now: io.now });
  const errors = result.ok ? [] : result.errors;
  const report: ValidateReport = {
    valid: result.ok,
    dir,
    errors,
    warnings: result.warnings,
    summary: summarise(dir, result.ok ? result.config : null, errors, result.warnings),
  };
  if (format === "json") {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    writeText(report, io);
  }
  return report.valid ? EXIT_OK : EXIT_ERROR;
}

function writeText(report: ValidateReport, io: ValidateIo): void {
  const errPaint = painter(colourEnabled(io.stderr, io.env));
  for (const d of report.errors) io.stderr.write(`${displayDiagnostic(d, report.dir, errPaint)}\n`);
  if (report.warnings.length > 0 && report.errors.length > 0) io.stderr.write("\n");
  for (const d of report.warnings) io.stderr.write(`${displayDiagnostic(d, report.dir, errPaint)}\n`);
  if (report.valid) {
    const outPaint = painter(colourEnabled(io.stdout, io.env));
    io.stdout.write(`${report.summary.text.replace(/valid$/, outPaint("green", "valid"))}\n`);
  } else {
    io.stderr.write(`${report.summary.text.replace(/ invalid;/, ` ${errPaint("red", "invalid")};`)}\n`);
  }
}

/**
 * A diagnostic as `path/to/file.yaml:LINE:COLUMN: message`, with the file shown from where
 * the user ran the command (the access directory as given, joined with the file), so editors
 * and terminals can open it. The position is left out when unknown.
 */
export function displayDiagnostic(d: Diagnostic, dir: string, paint: Paint): string {
  const file = join(dir, d.file);
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  const severity = d.severity === "warning" ? `${paint("yellow", "warning:")} ` : "";
  return `${paint("bold", `${where}:`)} ${severity}${d.message}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function summarise(
  dir: string,
  config: Config | null,
  errors: Diagnostic[],
  warnings: Diagnostic[],
): ValidateSummary {
  const warned = warnings.length > 0 ? ` (${plural(warnings.length, "warning")})` : "";
  if (config === null) {
    const files = new Set(errors.map((e) => e.file)).size;
    return {
      text: `${dir}: ${plural(errors.length, "error")} in ${plural(files, "file")}${warned} — invalid; fix them and run accessops validate again`,
      errors: errors.length,
      warnings: warnings.length,
      files: null,
      permissionSets: null,
      groups: null,
      users: null,
      assignmentRules: null,
    };
  }
  const counts = {
    files: config.files.length,
    permissionSets: config.permissionSets.length,
    groups: config.groups.length,
    users: config.users.length,
    assignmentRules: config.assignments.length,
  };
  const parts = [
    plural(counts.files, "file"),
    plural(counts.permissionSets, "permission set"),
    plural(counts.groups, "group"),
    plural(counts.users, "user"),
    plural(counts.assignmentRules, "assignment rule"),
  ];
  return {
    text: `${dir}: ${parts.join(", ")}${warned} — valid`,
    errors: 0,
    warnings: warnings.length,
    ...counts,
  };
}
