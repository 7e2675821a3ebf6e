import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import type { Writable } from "node:stream";
import { type Command, InvalidArgumentError, Option } from "commander";
import { type ConnectionOptions, connect } from "../aws/clients.ts";
import { readRequestFor } from "../aws/read-request.ts";
import { readLive } from "../aws/reader.ts";
import type { Config } from "../model/config.ts";
import { ConfigError, EXIT_OK } from "../model/errors.ts";
import {
  accessFromFiles,
  accessFromLive,
  buildReport,
  diffAccess,
  type EffectiveAccess,
  externalGroups,
  filesProvenance,
  filterAccess,
  membersOf,
  needsAccountTags,
  type OrgView,
  orgViewOfLive,
  parseSnapshot,
  REPORT_FORMATS,
  type ReportFormat,
  readOrgView,
  renderReport,
  snapshotOf,
  snapshotText,
} from "../report/index.ts";
import { loadConfigOrThrow } from "../schema/load.ts";
import { addConnectionOptions, type ConnectionFlags } from "./connection.ts";
import { writeFileAtomic } from "./output.ts";
import { DEFAULT_DIR, withDirPaths } from "./paths.ts";

type Stream = Writable & { isTTY?: boolean };

export interface ReportFlags extends ConnectionFlags {
  live?: boolean;
  diff?: boolean;
  format?: ReportFormat;
  principal?: string;
  account?: string;
  out?: string;
  snapshot?: string;
  saveSnapshot?: string;
  identityStoreId?: string;
  expiringWithin: number;
}

/** Where `report` writes and the clock expiry is judged against. Injected by tests. */
export interface ReportIo {
  stdout: Stream;
  stderr: Stream;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Pacing overrides; tests match them to an emulator running at a higher time scale. */
  limits?: ConnectionOptions["limits"];
}

const DEFAULT_EXPIRING_WITHIN_DAYS = 7;
const MS_PER_DAY = 86_400_000;
/** The format `--out` implies by its extension, when `--format` is not given. */
const FORMAT_BY_EXTENSION: Record<string, ReportFormat> = {
  ".csv": "csv",
  ".md": "markdown",
  ".json": "json",
  ".html": "html",
  ".htm": "html",
};

function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number of days, got "${value}"`);
  return n;
}

export function registerReport(program: Command): void {
  const command = program
    .command("report")
    .description("who can reach which account with which permission set, and which rule grants it")
    .argument("[dir]", "the access directory", DEFAULT_DIR)
    .addOption(
      new Option("--live", "report the access held live instead of what the files grant").conflicts("diff"),
    )
    .option("--diff", "report what differs between the files and live: who would gain and lose what")
    .addOption(
      new Option(
        "--format <format>",
        "output format (default: from --out's extension, else markdown)",
      ).choices([...REPORT_FORMATS]),
    )
    .option("--principal <name>", "only this group, or this user (through their groups and directly)")
    .option("--account <id-or-name>", "only this account")
    .option("--out <file>", "write the report to this file instead of stdout")
    .addOption(
      new Option(
        "--snapshot <file>",
        "resolve against this saved organisation snapshot: no AWS call",
      ).conflicts(["live", "diff"]),
    )
    .option(
      "--save-snapshot <file>",
      "save the organisation (and external groups' members) read, for offline reports",
    )
    .option(
      "--identity-store-id <id>",
      "read external groups' members from this identity store (aws sso-admin list-instances shows it)",
    )
    .addOption(
      new Option("--expiring-within <days>", "what counts as expiring soon")
        .argParser(days)
        .default(DEFAULT_EXPIRING_WITHIN_DAYS),
    );
  addConnectionOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "From the files (the default) accessops reads only AWS Organizations, and the identity store",
        "for members of external groups when --identity-store-id is given; with --snapshot it reads nothing.",
        "--live and --diff read the whole instance. See docs/reports.md.",
      ].join("\n"),
    )
    .action(async (dir: string, flags: ReportFlags) => {
      process.exitCode = await runReport(dir, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        now: new Date(),
      });
    });
}

/** Builds the report, writes it to `--out` or stdout, and returns the exit code. */
export async function runReport(dir: string, flags: ReportFlags, io: ReportIo): Promise<number> {
  const format =
    flags.format ??
    (flags.out ? FORMAT_BY_EXTENSION[extname(flags.out).toLowerCase()] : undefined) ??
    "markdown";
  const loaded = await withDirPaths(dir, () => loadConfigOrThrow(dir, { now: io.now }));
  const config: Config =
    flags.instanceArn === undefined
      ? loaded.config
      : { ...loaded.config, settings: { ...loaded.config.settings, instanceArn: flags.instanceArn } };
  const expiringWithinDays = flags.expiringWithin;
  const notes: string[] = [];
  let view: "files" | "live" | "diff" = "files";
  let access: EffectiveAccess;
  let diff = null;
  let orgView: OrgView;

  if (flags.live || flags.diff) {
    const ctx = connectFor(config, flags, io);
    try {
      const request = readRequestFor(config, { refresh: "full", everything: true });
      const { live } = await readLive(ctx, request);
      orgView = orgViewOfLive(live, request.accountTags);
      const provenance = filesProvenance(config, live.org, io.now);
      const liveAccess = accessFromLive(live, { now: io.now, expiringWithinDays, provenance });
      if (flags.diff) {
        view = "diff";
        const externalMembers = orgView.externalMembers;
        access = await withDirPaths(dir, async () =>
          accessFromFiles({ config, org: live.org, externalMembers, now: io.now, expiringWithinDays }),
        );
        diff = diffAccess(filterAccess(access, flags), filterAccess(liveAccess, flags));
      } else {
        view = "live";
        access = liveAccess;
      }
    } finally {
      ctx.close();
    }
  } else {
    orgView = await filesOrgView(config, flags, io, notes);
    access = await withDirPaths(dir, async () =>
      accessFromFiles({
        config,
        org: orgView.org,
        externalMembers: orgView.externalMembers,
        now: io.now,
        expiringWithinDays,
      }),
    );
    const unread = externalGroups(config).filter((g) => membersOf(orgView.externalMembers, g) === undefined);
    if (unread.length > 0) {
      notes.push(
        `Members of ${unread.length} external group${unread.length === 1 ? "" : "s"} (${unread.slice(0, 3).join(", ")}${unread.length > 3 ? ", ..." : ""}) were not read: their rows have no user. Pass --identity-store-id, or --snapshot with a snapshot that holds them.`,
      );
    }
  }

  const report = buildReport(view, filterAccess(access, flags), flags, diff, notes);
  const text = renderReport(report, format);
  if (flags.saveSnapshot) {
    await writeFileAtomic(flags.saveSnapshot, snapshotText(snapshotOf(orgView, io.now)), "--save-snapshot");
    io.stderr.write(`saved the organisation snapshot to ${flags.saveSnapshot}\n`);
  }
  if (flags.out) {
    await writeFileAtomic(flags.out, text, "--out");
    const s = report.summary;
    io.stderr.write(
      `wrote ${flags.out} (${format}): ${s.grants} grants to ${s.principals} principals in ${s.accounts} accounts, ${s.users} users\n`,
    );
  } else io.stdout.write(text);
  for (const note of notes) io.stderr.write(`note: ${note}\n`);
  return EXIT_OK;
}

function connectFor(config: Config, flags: ReportFlags, io: ReportIo) {
  return connect({
    endpoint: flags.endpoint ?? null,
    region: flags.region ?? config.settings.region,
    profile: flags.profile ?? null,
    maxRate: flags.maxRate ?? null,
    env: io.env,
    ...(io.limits ? { limits: io.limits } : {}),
  });
}

/**
 * The organisation a files report resolves against: a snapshot (no AWS call), or a live read of
 * Organizations plus, with `--identity-store-id`, the identity store for external groups' members.
 */
async function filesOrgView(
  config: Config,
  flags: ReportFlags,
  io: ReportIo,
  notes: string[],
): Promise<OrgView> {
  if (flags.snapshot) {
    const text = await readFile(flags.snapshot, "utf8").catch((error: Error) => {
      throw new ConfigError(
        `cannot read ${flags.snapshot}: ${error.message}`,
        [],
        "Give --snapshot a file saved by accessops report --save-snapshot.",
        {
          cause: error,
        },
      );
    });
    const snapshot = parseSnapshot(text, flags.snapshot);
    if (needsAccountTags(config) && !snapshot.accountTags) {
      throw new ConfigError(
        `${flags.snapshot} has no account tags, and the access files target accounts by tag`,
        [],
        "Save the snapshot again from these files (accessops report --save-snapshot FILE): it then reads the tags.",
      );
    }
    const ageDays = Math.floor((io.now.getTime() - Date.parse(snapshot.takenAt)) / MS_PER_DAY);
    notes.push(
      `Resolved against the organisation snapshot ${flags.snapshot} taken at ${snapshot.takenAt}${ageDays > 0 ? ` (${ageDays} day${ageDays === 1 ? "" : "s"} ago)` : ""}.`,
    );
    return snapshot;
  }
  const ctx = connectFor(config, flags, io);
  try {
    return await readOrgView(ctx, {
      accountTags: needsAccountTags(config),
      identityStoreId: flags.identityStoreId ?? null,
      groups: externalGroups(config),
    });
  } finally {
    ctx.close();
  }
}
