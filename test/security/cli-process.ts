import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: where `bin/accessops.js` (the compiled build/, which `npm test` builds) lives. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the installed command without blocking the event loop (an emulator may answer from this
 * process), with this process's environment minus AWS_* and ACCESSOPS_DEBUG, plus `env`, and no
 * colour.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && k !== "ACCESSOPS_DEBUG"),
  );
  const child = spawn(process.execPath, [join(ROOT, "bin/accessops.js"), ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
