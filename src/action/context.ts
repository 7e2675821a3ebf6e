import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { ConfigError } from "../model/errors.ts";

/**
 * The workflow run the Action is part of, read from the environment a GitHub runner sets
 * (`GITHUB_*`, `RUNNER_TEMP`) and the event payload at `GITHUB_EVENT_PATH`. Read once per run,
 * at call time, so a test can run the Action many times in one process.
 */
export interface RunContext {
  /** `pull_request`, `push`, `schedule`, `workflow_dispatch`, ... */
  eventName: string;
  /** The commit the run is for (for `push`: the new head of the branch). */
  sha: string;
  /** `refs/heads/main`, `refs/pull/12/merge`, ... */
  ref: string;
  owner: string;
  repo: string;
  /** The run's id, for links. */
  runId: string;
  /** Who triggered the run (`GITHUB_ACTOR`); shown on unreviewed applies. */
  actor: string;
  /** `https://github.com/owner/repo/actions/runs/123`: where the job summary is. */
  runUrl: string;
  /** The REST API root (`GITHUB_API_URL`); GitHub Enterprise Server has its own. */
  apiUrl: string;
  /** The checkout (`GITHUB_WORKSPACE`): annotation paths are relative to it. */
  workspace: string;
  /** A per-job scratch directory (`RUNNER_TEMP`) for plan.json and the apply journal. */
  tempDir: string;
  /** `GITHUB_STEP_SUMMARY`; null outside a runner. */
  summaryFile: string | null;
  /** The number of the pull request the event is about (`pull_request*` events), else null. */
  pullRequest: number | null;
  /** The repository's default branch as the payload says; null when the payload does not carry it. */
  defaultBranch: string | null;
  /**
   * The repository the triggering code came from when it differs from this one: a fork's pull
   * request (`pull_request*`) or a run triggered by one (`workflow_run`). Null otherwise.
   */
  forkRepository: string | null;
}

/** The parts of an event payload the Action reads; everything else is ignored. */
interface Payload {
  pull_request?: {
    number?: number;
    head?: { repo?: { full_name?: string } | null };
  };
  workflow_run?: { head_repository?: { full_name?: string } | null };
  repository?: { default_branch?: string; full_name?: string };
}

/** Reads the run context from `env` (`process.env` on a runner). */
export async function readRunContext(env: NodeJS.ProcessEnv): Promise<RunContext> {
  const repository = required(env, "GITHUB_REPOSITORY");
  const [owner, repo] = repository.split("/");
  if (!owner || !repo) {
    throw new ConfigError(
      `GITHUB_REPOSITORY is ${JSON.stringify(repository)}, not owner/repo`,
      [],
      "Run the Action in a GitHub Actions workflow, which sets GITHUB_REPOSITORY.",
    );
  }
  const payload = await readPayload(env.GITHUB_EVENT_PATH);
  const serverUrl = env.GITHUB_SERVER_URL || "https://github.com";
  const runId = env.GITHUB_RUN_ID ?? "0";
  return {
    eventName: required(env, "GITHUB_EVENT_NAME"),
    sha: required(env, "GITHUB_SHA"),
    ref: env.GITHUB_REF ?? "",
    owner,
    repo,
    runId,
    actor: env.GITHUB_ACTOR ?? "",
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
    apiUrl: env.GITHUB_API_URL || "https://api.github.com",
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || tmpdir(),
    summaryFile: env.GITHUB_STEP_SUMMARY || null,
    pullRequest: payload.pull_request?.number ?? null,
    defaultBranch: payload.repository?.default_branch ?? null,
    forkRepository: forkOf(payload, repository),
  };
}

/** The other repository the triggering code came from, compared case-insensitively as GitHub does. */
function forkOf(payload: Payload, repository: string): string | null {
  const same = (name: string) => name.toLowerCase() === repository.toLowerCase();
  const head = payload.pull_request?.head?.repo?.full_name;
  // A pull request whose head repository was deleted has `head.repo: null`: a fork that is gone.
  if (payload.pull_request !== undefined && (head === undefined || !same(head)))
    return head ?? "(deleted fork)";
  const runHead = payload.workflow_run?.head_repository?.full_name;
  if (runHead !== undefined && !same(runHead)) return runHead;
  return null;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new ConfigError(
      `${name} is not set`,
      [],
      "Run the Action in a GitHub Actions workflow, which sets the GITHUB_* variables.",
    );
  }
  return value;
}

async function readPayload(path: string | undefined): Promise<Payload> {
  if (path === undefined || path === "") return {};
  try {
    return JSON.parse(await readFile(path, "utf8")) as Payload;
  } catch (error) {
    throw new ConfigError(
      `cannot read the event payload ${path}: ${(error as Error).message}`,
      [],
      "Run the Action in a GitHub Actions workflow, which writes the event to GITHUB_EVENT_PATH.",
      { cause: error },
    );
  }
}
