import { join } from "node:path";
import { ConfigError } from "../model/errors.ts";

/** The access directory every command reads (and import writes) when none is given. */
export const DEFAULT_DIR = "access";

/**
 * Runs `fn`; a `ConfigError` it throws is re-thrown with its diagnostics' files shown from where
 * the user ran the command (`access/x.yaml:3:5` rather than `x.yaml:3:5`), so they can be opened.
 */
export async function withDirPaths<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof ConfigError) || error.diagnostics.length === 0) throw error;
    const located = error.diagnostics.map((d) => ({ ...d, file: join(dir, d.file) }));
    throw new ConfigError(error.message, located, error.detail, { cause: error });
  }
}
