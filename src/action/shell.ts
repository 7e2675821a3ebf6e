import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import * as core from "@actions/core";
import { scaledSession } from "../apply/run.ts";
import { redactSecrets } from "../aws/redact.ts";
import { painter } from "../cli/output.ts";
import type { Diagnostic } from "../model/errors.ts";
import type { Change } from "../model/plan.ts";
import { openSession, type PlanRun, planWith, type SessionOptions } from "../pipeline.ts";
import { renderJson, renderText } from "../plan/index.ts";
import type { RunContext } from "./context.ts";
import { createGitHubApi, type GitHubApi } from "./github.ts";
import type { ActionInputs } from "./inputs.ts";
import { findOwn, type Marker, type MarkerKind } from "./marker.ts";
import { body, type RunLinks, shortChecksum } from "./render.ts";

/**
 * The I/O the three commands share: the session, plan.json, the job summary, annotations and
 * sticky comments. `@actions/core` for logs, annotations and outputs; files through `node:fs`.
 */

/** Test and emulator hooks of a run; the entry point passes none. */
export interface RunOptions {
  /**
   * For runs against an emulator started with the same time scale: divides every wait and
   * multiplies every pace, like the CLI's `--time-scale`. 1 (AWS) by default.
   */
  timeScale?: number;
}

/** Everything a command needs, resolved once. */
export interface Run {
  inputs: ActionInputs;
  ctx: RunContext;
  links: RunLinks;
  options: RunOptions;
  /** The GitHub API; created on first use, so runs that never call GitHub need no token. */
  github(): GitHubApi;
}

export function createRun(inputs: ActionInputs, ctx: RunContext, options: RunOptions): Run {
  let api: GitHubApi | null = null;
  return {
    inputs,
    ctx,
    options,
    links: { path: inputs.path, runUrl: ctx.runUrl },
    github() {
      api ??= createGitHubApi({
        token: inputs.githubToken,
        apiUrl: ctx.apiUrl,
        owner: ctx.owner,
        repo: ctx.repo,
      });
      return api;
    },
  };
}

/** The access directory as an absolute path (the `path` input is relative to the checkout). */
export function accessDir(run: Run): string {
  return resolve(run.ctx.workspace, run.inputs.path);
}

/** The session options of the inputs; apply scales them itself (`runApply`'s `timeScale`). */
export function sessionOptionsOf(run: Run): SessionOptions {
  return {
    dir: accessDir(run),
    now: new Date(),
    instanceArn: run.inputs.instanceArn,
    connection: {
      endpoint: run.inputs.endpoint,
      region: run.inputs.region,
      profile: null,
      maxRate: run.inputs.maxRate,
    },
  };
}

/** Loads the files (annotating warnings), reads live state and plans. Throws `ConfigError` for invalid files. */
export async function planFiles(run: Run): Promise<PlanRun> {
  const session = await openSession(scaledSession(sessionOptionsOf(run), run.options.timeScale ?? 1));
  try {
    annotate(run, session.warnings);
    const planned = await planWith(session, {
      refresh: run.inputs.refresh,
      allowDeletes: run.inputs.allowDeletes,
      onlyExpired: run.inputs.onlyExpired,
    });
    logPlan(planned.plan);
    return planned;
  } finally {
    session.ctx.close();
  }
}

/** The plan as text in a collapsed group of the job log (the comment and summary have the markdown). */
export function logPlan(plan: PlanRun["plan"]): void {
  core.startGroup(`Plan ${shortChecksum(plan.checksum)}: ${plan.summary.total} changes`);
  core.info(renderText(plan, { paint: painter(false) }).trimEnd());
  core.endGroup();
}

/** A directory of the runner's scratch space for this access path (plan.json, the journal). */
async function scratchDir(run: Run): Promise<string> {
  const slug = run.inputs.path.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "") || "access";
  const dir = join(run.ctx.tempDir, "accessops", slug);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes the plan JSON for an artifact upload and returns its path (the `plan-json` output). */
export async function writePlanJson(run: Run, plan: PlanRun["plan"]): Promise<string> {
  const file = join(await scratchDir(run), "plan.json");
  await writeFile(file, renderJson(plan), "utf8");
  return file;
}

/** Where apply keeps its journal: the runner's scratch space (a fresh runner starts a fresh one). */
export async function journalPath(run: Run): Promise<string> {
  return join(await scratchDir(run), "journal.jsonl");
}

/**
 * Appends markdown to the job summary. Written straight to `GITHUB_STEP_SUMMARY` (the runner's
 * contract) rather than through `core.summary`, which remembers the first file it saw.
 */
export async function appendSummary(run: Run, markdown: string): Promise<void> {
  if (run.ctx.summaryFile === null) {
    core.info("GITHUB_STEP_SUMMARY is not set: no job summary written.");
    return;
  }
  await appendFile(run.ctx.summaryFile, `${redactSecrets(markdown).trimEnd()}\n\n`, "utf8");
}

/** A path of the access directory as the repository sees it (annotations need it from the root). */
export function repositoryPath(run: Run, fileInAccessDir: string): string {
  return relative(run.ctx.workspace, join(accessDir(run), fileInAccessDir))
    .split(sep)
    .join("/");
}

/** Validation findings as annotations on their file and line. */
export function annotate(run: Run, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    const where = {
      title: `accessops: ${d.code}`,
      file: repositoryPath(run, d.file),
      ...(d.line > 0 ? { startLine: d.line, startColumn: d.column > 0 ? d.column : 1 } : {}),
    };
    if (d.severity === "error") core.error(d.message, where);
    else core.warning(d.message, where);
  }
}

/** Where in the files a change comes from: the first rule that produces it, when there is one. */
export function changeSource(run: Run, change: Change | undefined): core.AnnotationProperties {
  const p = change?.provenance?.[0];
  if (p === undefined) return {};
  return { file: repositoryPath(run, p.file), ...(p.line > 0 ? { startLine: p.line } : {}) };
}

/**
 * Creates or updates the Action's one comment of `kind` for this path on an issue or pull
 * request: found by its marker among the token account's comments, updated in place (left alone
 * when nothing changed), created only when there is none.
 */
export async function upsertComment(
  run: Run,
  issue: number,
  kind: MarkerKind,
  marker: Marker,
  content: string,
  status: string,
): Promise<void> {
  const github = run.github();
  const own = findOwn(await github.comments(issue), kind, marker.path, await github.viewer());
  const text = body(kind, marker, content, status);
  if (own === null) {
    const created = await github.createComment(issue, text);
    core.info(`Commented on #${issue}: ${created.url}`);
  } else if (own.item.body !== text) {
    await github.updateComment(own.item.id, text);
    core.info(`Updated the comment on #${issue}: ${own.item.url}`);
  }
}

/**
 * Runs a best-effort GitHub update after a failure: its own error is logged, never allowed to
 * hide the failure being reported.
 */
export async function tryReport(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    core.warning(redactSecrets(`could not ${what}: ${(error as Error).message}`));
  }
}
