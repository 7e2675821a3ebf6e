import { readdir } from "node:fs/promises";
import { relative, resolve } from "node:path";
import type { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { type ConnectionOptions, connect } from "../aws/clients.ts";
import { readLive } from "../aws/reader.ts";
import { type ImportResult, importLive, wholeInstanceRequest, writeImport } from "../import/index.ts";
import { ConfigError, EXIT_OK, InternalError } from "../model/errors.ts";
import { shellWord } from "../plan/index.ts";
import { checkOwnershipRegex } from "../schema/regex-guard.ts";
import { addConnectionOptions, type ConnectionFlags } from "./connection.ts";
import { colourEnabled, type Paint, painter } from "./output.ts";
import { DEFAULT_DIR } from "./paths.ts";

/** The access-file schema shipped with accessops (`schema/` beside `src/` and `build/`). */
const SCHEMA_FILE = fileURLToPath(new URL("../../schema/accessops.schema.json", import.meta.url));

/** How many unexpected changes the round-trip error spells out. */
const UNEXPECTED_SHOWN = 10;

type Stream = Writable & { isTTY?: boolean };

export interface ImportFlags extends ConnectionFlags {
  out: string;
  force?: boolean;
  externalPermissionSets?: string;
  schema?: string;
}

/** Where `import` writes and the clock it plans with. Injected by tests. */
export interface ImportIo {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Pacing overrides; tests match them to an emulator running at a higher time scale. */
  limits?: ConnectionOptions["limits"];
}

export function registerImport(program: Command): void {
  const command = program
    .command("import")
    .description("write an access directory from the live instance, so the next plan shows no changes")
    .addOption(new Option("--out <dir>", "the access directory to write").default(DEFAULT_DIR))
    .option("--force", "replace the access files (*.yaml, policies/*.json) of a non-empty directory")
    .option(
      "--external-permission-sets <regex>",
      "also import these permission sets as external (referenced, never changed), besides Control Tower's",
    )
    .option(
      "--schema <path-or-url>",
      "the JSON Schema the files' modeline points at (default: the one shipped with accessops)",
    );
  addConnectionOptions(command)
    .addHelpText(
      "after",
      "\nReads the whole instance (read-only calls), folds per-account assignments into OUs and all: true,\nand refuses to write into a non-empty directory without --force. See docs/import.md.",
    )
    .action(async (flags: ImportFlags) => {
      process.exitCode = await runImport(flags, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        now: new Date(),
      });
    });
}

/** Reads the live instance, writes the access directory, prints what was done and the next step. */
export async function runImport(flags: ImportFlags, io: ImportIo): Promise<number> {
  const externalPermissionSets = compileExternalPattern(flags.externalPermissionSets);
  if (!flags.force && (await nonEmpty(flags.out))) {
    throw new ConfigError(
      `${flags.out} is not empty`,
      [],
      "Import into a new or empty directory with --out DIR, or pass --force to replace its access files (*.yaml and policies/*.json; other files stay).",
    );
  }
  const ctx = connect({
    endpoint: flags.endpoint ?? null,
    region: flags.region ?? null,
    profile: flags.profile ?? null,
    maxRate: flags.maxRate ?? null,
    env: io.env,
    ...(io.limits ? { limits: io.limits } : {}),
  });
  try {
    const { live } = await readLive(ctx, wholeInstanceRequest(flags.instanceArn ?? null));
    const region = flags.region ?? (await ctx.ssoAdmin.config.region());
    const result = await importLive(live, {
      region,
      schema: flags.schema ?? relative(resolve(flags.out), SCHEMA_FILE).split("\\").join("/"),
      externalPermissionSets,
      now: io.now,
    });
    if (result.unexpected.length > 0) throw roundTripError(result);
    const written = await writeImport(flags.out, result.files, { force: flags.force ?? false, now: io.now });
    writeSummary(result, flags.out, written.removed.length, painter(colourEnabled(io.stdout, io.env)), io);
    return EXIT_OK;
  } finally {
    ctx.close();
  }
}

function compileExternalPattern(source: string | undefined): RegExp | null {
  if (source === undefined) return null;
  const check = checkOwnershipRegex(source);
  if (check.ok) return check.regex;
  throw new ConfigError(
    `--external-permission-sets "${source}" is not a usable regular expression`,
    [],
    `It ${check.message}. Give a JavaScript regular expression such as "^(Legacy|Partner)-".`,
  );
}

async function nonEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    if (code === "ENOTDIR") {
      throw new ConfigError(`${dir} is not a directory`, [], "Give --out a directory path (new or empty).", {
        cause: error,
      });
    }
    throw error;
  }
}

function roundTripError(result: ImportResult): InternalError {
  const shown = result.unexpected
    .slice(0, UNEXPECTED_SHOWN)
    .map((c) => `  ${c.action} ${c.address}: ${c.reason}`);
  const more = result.unexpected.length - shown.length;
  return new InternalError(
    `import would not round-trip: planning the imported files against the live state gives ${result.unexpected.length} change${result.unexpected.length === 1 ? "" : "s"} besides adoptions, so nothing was written:\n${shown.join("\n")}${more > 0 ? `\n  +${more} more` : ""}`,
  );
}

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

function writeSummary(result: ImportResult, dir: string, removed: number, paint: Paint, io: ImportIo): void {
  const out = (line = ""): void => {
    io.stdout.write(`${line}\n`);
  };
  const c = result.counts;
  out(
    `Imported ${result.plan.instance.arn} into ${dir}: ${plural(result.files.length, "file")}${removed > 0 ? ` (replacing ${plural(removed, "file")})` : ""}.`,
  );
  const external = (n: number) => (n > 0 ? ` (${n} external)` : "");
  out(
    `  ${[
      result.identitySource === "identity-center"
        ? plural(c.users, "user")
        : "users from your identity provider",
      `${plural(c.groups, "group")}${external(c.externalGroups)}`,
      `${plural(c.permissionSets, "permission set")}${external(c.externalPermissionSets)}`,
      `${plural(c.assignmentRules, "assignment rule")} for ${plural(c.assignments, "assignment")}`,
    ].join(", ")}`,
  );
  if (result.externalPermissionSets.length > 0) {
    out();
    out("Imported as external (referenced, never changed):");
    for (const ps of result.externalPermissionSets) out(`  ${ps.name}: ${ps.reason}`);
  }
  if (result.ignoredAccounts.length > 0) {
    out();
    out("Left alone through settings.ownership.ignore:");
    for (const a of result.ignoredAccounts) out(`  account ${a.accountId}: ${a.reason}`);
  }
  for (const note of result.notes) out(`\n${note}`);
  out();
  const tag = result.config.settings.ownership.tag;
  const adoptions = result.adoptions.length;
  const stale = result.staleProvisioning.length;
  if (stale > 0) {
    out(
      `${plural(stale, "permission set holds", "permission sets hold")} outdated copies in some accounts (drift that exists with or without the import): ${result.staleProvisioning.map((c) => (c.after?.kind === "provisioning" ? c.after.permissionSet : c.address)).join(", ")}.`,
    );
  }
  const next = paint("bold", "Next:");
  // Both commands read `access` unless told otherwise.
  const named = dir === DEFAULT_DIR ? "" : ` ${shellWord(dir, true)}`;
  const [apply, plan] = [`accessops apply${named}`, `accessops plan${named}`];
  if (adoptions > 0 && stale > 0) {
    out(
      `${next} run ${apply} once: it adds the tag ${tag.key}=${tag.value} to ${plural(adoptions, "permission set")} and re-provisions the outdated copies. After that, ${plan} shows no changes.`,
    );
  } else if (adoptions > 0) {
    out(
      `${next} run ${apply} once to adopt ${plural(adoptions, "permission set")}: it only adds the tag ${tag.key}=${tag.value}. After that, ${plan} shows no changes.`,
    );
  } else if (stale > 0) {
    out(
      `${next} run ${apply} once to re-provision the outdated copies. After that, ${plan} shows no changes.`,
    );
  } else {
    out(`${next} commit ${dir}; ${plan} shows no changes.`);
  }
}
