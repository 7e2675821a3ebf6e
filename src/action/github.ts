import { getOctokit } from "@actions/github";
import { redactSecrets } from "../aws/redact.ts";
import { ConfigError } from "../model/errors.ts";

/**
 * The GitHub side of the Action, as the few operations it needs: the sticky comments of a pull
 * request, the merged pull request of a commit, and the drift issue. Only this module talks to
 * Octokit; everything else works with these plain shapes.
 */

export interface Comment {
  id: number;
  body: string;
  /** The author's login (`github-actions[bot]` for the workflow token). */
  author: string;
  url: string;
}

export interface PullRequest {
  number: number;
  /** Null until merged; for a squash or rebase merge, the commit that landed on the base branch. */
  mergeCommitSha: string | null;
  merged: boolean;
  url: string;
}

export interface Issue {
  number: number;
  body: string;
  state: "open" | "closed";
  author: string;
  url: string;
}

export interface GitHubApi {
  /** The login the token acts as: the author of the Action's own comments and issues. */
  viewer(): Promise<string>;
  comments(issue: number): Promise<Comment[]>;
  createComment(issue: number, body: string): Promise<Comment>;
  updateComment(id: number, body: string): Promise<Comment>;
  defaultBranch(): Promise<string>;
  /** Pull requests GitHub associates with a commit (merged ones included). */
  pullsForCommit(sha: string): Promise<PullRequest[]>;
  /** The most recently updated closed pull requests (one page): the fallback of `pullsForCommit`. */
  recentlyClosedPulls(): Promise<PullRequest[]>;
  /** Open issues carrying `label` (pull requests left out). */
  openIssues(label: string): Promise<Issue[]>;
  createIssue(title: string, body: string, label: string): Promise<Issue>;
  updateIssue(number: number, patch: { body?: string; state?: "open" | "closed" }): Promise<Issue>;
  /** Creates the label when the repository does not have it yet. */
  ensureLabel(name: string, color: string, description: string): Promise<void>;
}

/** GitHub's page size maximum: the fewest calls for a listing. */
const PAGE_SIZE = 100;
const NOT_FOUND = 404;
const UNAUTHORIZED = 401;
const FORBIDDEN = 403;

interface Repo {
  owner: string;
  repo: string;
}

interface RestUser {
  login: string;
}
interface RestComment {
  id: number;
  body?: string;
  user: RestUser | null;
  html_url: string;
}
interface RestPull {
  number: number;
  merge_commit_sha: string | null;
  merged_at: string | null;
  html_url: string;
}
interface RestIssue {
  number: number;
  body?: string | null;
  state: string;
  user: RestUser | null;
  html_url: string;
  pull_request?: unknown;
}

const comment = (c: RestComment): Comment => ({
  id: c.id,
  body: c.body ?? "",
  author: c.user?.login ?? "",
  url: c.html_url,
});
const pull = (p: RestPull): PullRequest => ({
  number: p.number,
  mergeCommitSha: p.merge_commit_sha,
  merged: p.merged_at !== null,
  url: p.html_url,
});
const issue = (i: RestIssue): Issue => ({
  number: i.number,
  body: i.body ?? "",
  state: i.state === "closed" ? "closed" : "open",
  author: i.user?.login ?? "",
  url: i.html_url,
});

/**
 * The REST (and, for the viewer, GraphQL) implementation. `apiUrl` is `GITHUB_API_URL`, so the
 * same code works on github.com, GitHub Enterprise Server and a local fake.
 */
export function createGitHubApi(options: { token: string; apiUrl: string } & Repo): GitHubApi {
  if (options.token === "") {
    throw new ConfigError(
      "github-token is empty, and this run needs the GitHub API",
      [],
      "Leave github-token at its default (the job's GITHUB_TOKEN) or pass a token that can read and write pull-request comments and issues.",
    );
  }
  const octokit = getOctokit(options.token, { baseUrl: options.apiUrl });
  const repo: Repo = { owner: options.owner, repo: options.repo };
  let viewerLogin: Promise<string> | null = null;

  return {
    viewer() {
      viewerLogin ??= call("find out which account the token acts as", "", () =>
        octokit.graphql<{ viewer: { login: string } }>("query { viewer { login } }"),
      ).then((r) => r.viewer.login);
      return viewerLogin;
    },
    async comments(number) {
      const list = await call("read pull request comments", "pull-requests: read", () =>
        octokit.paginate(octokit.rest.issues.listComments, {
          ...repo,
          issue_number: number,
          per_page: PAGE_SIZE,
        }),
      );
      return (list as RestComment[]).map(comment);
    },
    async createComment(number, body) {
      const r = await call("comment on the pull request", "pull-requests: write", () =>
        octokit.rest.issues.createComment({ ...repo, issue_number: number, body: redactSecrets(body) }),
      );
      return comment(r.data as RestComment);
    },
    async updateComment(id, body) {
      const r = await call("update the plan comment", "pull-requests: write", () =>
        octokit.rest.issues.updateComment({ ...repo, comment_id: id, body: redactSecrets(body) }),
      );
      return comment(r.data as RestComment);
    },
    async defaultBranch() {
      const r = await call("read the repository's default branch", "contents: read", () =>
        octokit.rest.repos.get({ ...repo }),
      );
      return r.data.default_branch;
    },
    async pullsForCommit(sha) {
      const list = await call("find the pull request of the commit", "pull-requests: read", () =>
        octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
          ...repo,
          commit_sha: sha,
          per_page: PAGE_SIZE,
        }),
      );
      return (list as RestPull[]).map(pull);
    },
    async recentlyClosedPulls() {
      const r = await call("list recently closed pull requests", "pull-requests: read", () =>
        octokit.rest.pulls.list({
          ...repo,
          state: "closed",
          sort: "updated",
          direction: "desc",
          per_page: PAGE_SIZE,
        }),
      );
      return (r.data as RestPull[]).map(pull);
    },
    async openIssues(label) {
      const list = await call("list the drift issues", "issues: read", () =>
        octokit.paginate(octokit.rest.issues.listForRepo, {
          ...repo,
          labels: label,
          state: "open",
          // Oldest first, as comments come: `findOwn` keeps the first, so the same issue is kept.
          sort: "created",
          direction: "asc",
          per_page: PAGE_SIZE,
        }),
      );
      return (list as RestIssue[]).filter((i) => i.pull_request === undefined).map(issue);
    },
    async createIssue(title, body, label) {
      const r = await call("open the drift issue", "issues: write", () =>
        octokit.rest.issues.create({
          ...repo,
          title: redactSecrets(title),
          body: redactSecrets(body),
          labels: [label],
        }),
      );
      return issue(r.data as RestIssue);
    },
    async updateIssue(number, patch) {
      const r = await call("update the drift issue", "issues: write", () =>
        octokit.rest.issues.update({
          ...repo,
          issue_number: number,
          ...patch,
          ...(patch.body === undefined ? {} : { body: redactSecrets(patch.body) }),
          ...(patch.state === "closed" ? { state_reason: "completed" as const } : {}),
        }),
      );
      return issue(r.data as RestIssue);
    },
    async ensureLabel(name, color, description) {
      try {
        await octokit.rest.issues.getLabel({ ...repo, name });
        return;
      } catch (error) {
        if (statusOf(error) !== NOT_FOUND) throw permissionError(error, "read labels", "issues: read");
      }
      await call("create the drift issue label", "issues: write", () =>
        octokit.rest.issues.createLabel({ ...repo, name, color, description }),
      );
    },
  };
}

function statusOf(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : null;
}

/** Runs one API call; a refusal for lack of rights becomes a `ConfigError` naming the permission. */
async function call<T>(what: string, permission: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw permissionError(error, what, permission);
  }
}

/** The error as thrown, unless it is a 401 or 403: then a `ConfigError` saying which permission to grant. */
function permissionError(error: unknown, what: string, permission: string): unknown {
  const status = statusOf(error);
  if (status !== UNAUTHORIZED && status !== FORBIDDEN) return error;
  const grant = permission === "" ? "" : ` Give the job \`permissions: ${permission}\`.`;
  return new ConfigError(
    `GitHub refused to ${what} (HTTP ${status}): ${(error as Error).message}`,
    [],
    `Check github-token.${grant} Pull requests from forks get a read-only token: accessops cannot comment there.`,
    { cause: error },
  );
}
