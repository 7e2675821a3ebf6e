import type { Writable } from "node:stream";
import { Command, CommanderError } from "commander";
import { registerApply } from "./cli/apply.ts";
import { registerDemo } from "./cli/demo.ts";
import { registerEmulator } from "./cli/emulator.ts";
import { registerImport } from "./cli/import.ts";
import { colourEnabled, painter } from "./cli/output.ts";
import { registerPlan } from "./cli/plan.ts";
import { registerReport } from "./cli/report.ts";
import { registerValidate } from "./cli/validate.ts";
import { packageVersion } from "./cli/version.ts";
import { AccessopsError, ConfigError, EXIT_ERROR, exitCodeFor, formatDiagnostic } from "./model/errors.ts";

/** Builds the command tree. Each command module registers itself on `program`. */
export function buildProgram(): Command {
  const program = new Command("accessops")
    .description("AWS IAM Identity Center as code: validate, plan, apply, detect drift, report access")
    .version(packageVersion(), "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerValidate(program);
  registerEmulator(program);
  registerImport(program);
  registerReport(program);
  registerApply(program);
  registerDemo(program);
  registerPlan(program);
  return program;
}

/** Prints a typed error as a title and its next step; never a stack trace for expected errors. */
export function reportError(error: unknown, stderr: Writable & { isTTY?: boolean } = process.stderr): void {
  const paint = painter(colourEnabled(stderr));
  if (error instanceof ConfigError) {
    for (const d of error.diagnostics) stderr.write(`${formatDiagnostic(d)}\n`);
  }
  if (error instanceof AccessopsError) {
    stderr.write(`${paint("red", "error:")} ${error.message}\n${error.detail}\n`);
    return;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  stderr.write(`${paint("red", "internal error:")} ${err.message}\n`);
  stderr.write("This is a bug in accessops; please report it with the command you ran.\n");
  if (err.stack) stderr.write(`${err.stack}\n`);
}

/** The CLI entry point: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    reportError(error);
    return exitCodeFor(error);
  }
}
