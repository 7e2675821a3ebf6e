import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { runAction } from "../../src/action/main.ts";
import type { Outcome } from "../../src/action/outcome.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { type FakeGitHub, startFakeGitHub, WORKFLOW_TOKEN } from "./fake-github.ts";
import { emulator, TIME_SCALE } from "./scenario.ts";

/**
 * Runs the Action the way a runner does: `GITHUB_*` and `INPUT_*` variables, the event payload
 * in a file at `GITHUB_EVENT_PATH`, and `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY` files; then reads
 * back what it wrote there, the annotations and log lines it printed, and whether it failed the
 * step. In-process (the source module) for most tests, or as `node dist/index.js`.
 */

/** A checkout: a repository with access files, and the runner's scratch space. */
export interface Checkout {
  workspace: string;
  runnerTemp: string;
}

export async function checkout(files: Record<string, string>, accessPath = "access"): Promise<Checkout> {
  const root = await mkdtemp(join(tmpdir(), "accessops-action-"));
  const workspace = join(root, "repo");
  const runnerTemp = join(root, "runner-temp");
  await mkdir(runnerTemp, { recursive: true });
  await writeAccessFiles({ workspace, runnerTemp }, files, accessPath);
  return { workspace, runnerTemp };
}

/** Replaces the access directory's files (a new commit of the repository). */
export async function writeAccessFiles(
  repo: Checkout,
  files: Record<string, string>,
  accessPath = "access",
): Promise<void> {
  const dir = join(repo.workspace, accessPath);
  await rm(dir, { recursive: true, force: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text, "utf8");
  }
}

export interface Trigger {
  event: string;
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
}

const repository = (github: FakeGitHub) => ({
  full_name: `${github.owner}/${github.repo}`,
  default_branch: github.defaultBranch,
});

export function pullRequestEvent(github: FakeGitHub, number: number, headRepository?: string): Trigger {
  return {
    event: "pull_request",
    payload: {
      action: "synchronize",
      number,
      pull_request: {
        number,
        head: { ref: "feature", repo: { full_name: headRepository ?? `${github.owner}/${github.repo}` } },
        base: { ref: github.defaultBranch, repo: { full_name: `${github.owner}/${github.repo}` } },
      },
      repository: repository(github),
    },
    sha: "a".repeat(40),
    ref: `refs/pull/${number}/merge`,
  };
}

export function pushEvent(github: FakeGitHub, sha: string, branch = github.defaultBranch): Trigger {
  return {
    event: "push",
    payload: { ref: `refs/heads/${branch}`, after: sha, repository: repository(github) },
    sha,
    ref: `refs/heads/${branch}`,
  };
}

export function dispatchEvent(github: FakeGitHub, sha: string): Trigger {
  return {
    event: "workflow_dispatch",
    payload: { ref: `refs/heads/${github.defaultBranch}`, inputs: {}, repository: repository(github) },
    sha,
    ref: `refs/heads/${github.defaultBranch}`,
  };
}

/** A scheduled run's payload carries no repository: the default branch comes from the API. */
export function scheduleEvent(github: FakeGitHub, sha: string): Trigger {
  return {
    event: "schedule",
    payload: { schedule: "17 * * * *" },
    sha,
    ref: `refs/heads/${github.defaultBranch}`,
  };
}

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  outcome: Outcome | null;
  outputs: Record<string, string>;
  summary: string;
  /** Everything written to stdout: log lines and workflow commands. */
  log: string;
  annotations: Annotation[];
  /** Whether the step failed (`core.setFailed`, or a non-zero exit of the bundle). */
  failed: boolean;
}

let runNumber = 0;

/** The environment a runner gives the step. */
async function runnerEnv(
  repo: Checkout,
  trigger: Trigger,
  github: FakeGitHub,
  inputs: Record<string, string>,
): Promise<{ env: Record<string, string>; outputFile: string; summaryFile: string }> {
  runNumber++;
  const dir = join(repo.runnerTemp, `_runner_file_commands-${runNumber}`);
  await mkdir(dir, { recursive: true });
  const eventFile = join(dir, "event.json");
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "step_summary");
  await writeFile(eventFile, JSON.stringify(trigger.payload), "utf8");
  await writeFile(outputFile, "", "utf8");
  await writeFile(summaryFile, "", "utf8");
  const env: Record<string, string> = {
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: trigger.event,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_SHA: trigger.sha,
    GITHUB_REF: trigger.ref,
    GITHUB_REPOSITORY: `${github.owner}/${github.repo}`,
    GITHUB_RUN_ID: String(7000 + runNumber),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_ACTOR: "octocat",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: github.url,
    GITHUB_WORKSPACE: repo.workspace,
    RUNNER_TEMP: repo.runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    "INPUT_GITHUB-TOKEN": WORKFLOW_TOKEN,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env, outputFile, summaryFile };
}

/** `name<<DELIMITER\nvalue\nDELIMITER` records, as `core.setOutput` writes them. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^\n<]+)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1] ?? ""] = m[3] ?? "";
  return outputs;
}

/** `::error file=a,line=3::message` workflow commands, unescaped as the runner reads them. */
function parseAnnotations(log: string): Annotation[] {
  const unescapeData = (s: string) => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
  const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ":").replace(/%2C/g, ",");
  const out: Annotation[] = [];
  for (const m of log.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)) {
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? "").trim().split(",").filter(Boolean)) {
      const at = pair.indexOf("=");
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    out.push({ level: m[1] as Annotation["level"], message: unescapeData(m[3] ?? ""), properties });
  }
  return out;
}

/** Variables the runs set; removed around each run so runs never see each other's. */
const RUN_VARIABLE =
  /^(GITHUB_|INPUT_|RUNNER_TEMP$|AWS_(PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|ENDPOINT_URL)$)/;

/** Runs the Action's source module in this process. */
export async function runInProcess(
  repo: Checkout,
  trigger: Trigger,
  github: FakeGitHub,
  inputs: Record<string, string>,
): Promise<ActionRun> {
  const { env, outputFile, summaryFile } = await runnerEnv(repo, trigger, github, inputs);
  const saved = { ...process.env };
  const savedExitCode = process.exitCode;
  for (const name of Object.keys(process.env)) if (RUN_VARIABLE.test(name)) delete process.env[name];
  Object.assign(process.env, env);
  let log = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    log += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  let outcome: Outcome;
  let failed: boolean;
  try {
    process.exitCode = undefined;
    outcome = await runAction({ timeScale: TIME_SCALE });
    failed = process.exitCode === 1;
  } finally {
    process.stdout.write = write;
    process.exitCode = savedExitCode;
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
  return {
    outcome,
    outputs: parseOutputs(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
    log,
    annotations: parseAnnotations(log),
    failed,
  };
}

/** Runs the committed bundle, `node dist/index.js`, as the runner would. */
export async function runBundle(
  bundle: string,
  repo: Checkout,
  trigger: Trigger,
  github: FakeGitHub,
  inputs: Record<string, string>,
): Promise<ActionRun> {
  const { execFile } = await import("node:child_process");
  const { env, outputFile, summaryFile } = await runnerEnv(repo, trigger, github, inputs);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !RUN_VARIABLE.test(k)));
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      [bundle],
      { env: { ...base, ...env }, cwd: repo.workspace, maxBuffer: 64 * 1024 * 1024 },
      (error, out) => {
        if (error && typeof error.code !== "number") reject(error);
        else resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout: out });
      },
    );
  });
  return {
    outcome: null,
    outputs: parseOutputs(await readFile(outputFile, "utf8")),
    summary: await readFile(summaryFile, "utf8"),
    log: stdout,
    annotations: parseAnnotations(stdout),
    failed: code !== 0,
  };
}

export interface Servers {
  emu: RunningEmulator;
  github: FakeGitHub;
}

/** A fresh emulator (the scenario's organisation) and fake GitHub for each test of the calling file. */
export function useServers(): Servers {
  // Filled in before each test; the tests only read it then.
  const servers = {} as Servers;
  beforeEach(async () => {
    servers.github = await startFakeGitHub();
    servers.emu = await emulator();
  });
  afterEach(async () => {
    await servers.emu.stop();
    await servers.github.stop();
  });
  return servers;
}
