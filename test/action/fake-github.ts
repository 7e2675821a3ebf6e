import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local fake of the GitHub REST API (and the one GraphQL query the Action makes), for the
 * Action's tests: a real HTTP server on a random port keeping one repository's issues, pull
 * requests, comments and labels in memory, answering with GitHub's shapes, status codes and
 * `Link` pagination, enforcing the 65,536-character body limit, and recording every request.
 * Tests assert on its final state, not on the requests.
 */

/** GitHub's limit on an issue or comment body, in characters. */
export const BODY_MAX_CHARS = 65_536;
const DEFAULT_PAGE_SIZE = 30;
const MAX_PAGE_SIZE = 100;

export interface FakeUser {
  login: string;
  type: "User" | "Bot";
  /** A read-only token (a fork's pull request): every write is refused with 403. */
  readOnly?: boolean;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: FakeUser;
  createdAt: string;
  updatedAt: string;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  stateReason: string | null;
  labels: string[];
  user: FakeUser;
  /** Set for pull requests, which GitHub lists among issues too. */
  pull?: FakePull;
}

export interface FakePull {
  merged: boolean;
  mergeCommitSha: string | null;
  /** Whether `GET /commits/{sha}/pulls` knows the pull request yet (GitHub can lag after a merge). */
  associated: boolean;
  headRepository: string;
}

export interface FakeLabel {
  name: string;
  color: string;
  description: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

export interface FakeGitHub {
  /** Use as `GITHUB_API_URL`. */
  readonly url: string;
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly issues: FakeIssue[];
  readonly comments: FakeComment[];
  readonly labels: FakeLabel[];
  readonly requests: RecordedRequest[];
  /** Opens a pull request (an issue with `pull`); returns its number. */
  addPull(pull: Partial<FakePull> & { title?: string }): number;
  /** Marks a pull request merged as `sha`. */
  merge(number: number, sha: string, options?: { associated?: boolean }): void;
  /** An issue opened by someone (a forged drift issue, say); returns its number. */
  addIssue(issue: { title: string; body: string; labels: string[]; user: FakeUser }): number;
  /** A comment written by someone (a forged marker, a reviewer). */
  addComment(issue: number, body: string, user: FakeUser): void;
  commentsOn(issue: number): FakeComment[];
  stop(): Promise<void>;
}

export interface FakeGitHubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** Token to the account it acts as; the workflow token's is `github-actions[bot]`. */
  tokens?: Record<string, FakeUser>;
}

export const ACTIONS_BOT: FakeUser = { login: "github-actions[bot]", type: "Bot" };
export const WORKFLOW_TOKEN = "ghs_workflow_token";

class HttpError extends Error {
  readonly status: number;
  readonly errors: unknown[] | undefined;

  constructor(status: number, message: string, errors?: unknown[]) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? "acme";
  const repo = options.repo ?? "access";
  const defaultBranch = options.defaultBranch ?? "main";
  const tokens = options.tokens ?? { [WORKFLOW_TOKEN]: ACTIONS_BOT };
  const issues: FakeIssue[] = [];
  const comments: FakeComment[] = [];
  const labels: FakeLabel[] = [];
  const requests: RecordedRequest[] = [];
  let nextIssue = 1;
  let nextComment = 1000;
  let tick = 0;
  /** Strictly increasing timestamps, so "created" orders are stable. */
  const now = () => new Date(Date.UTC(2026, 0, 1) + ++tick * 1000).toISOString();

  let base = "";
  const repoPath = `/repos/${owner}/${repo}`;
  const htmlBase = `https://github.com/${owner}/${repo}`;

  const userJson = (u: FakeUser) => ({ login: u.login, type: u.type, id: u.login.length });
  const commentJson = (c: FakeComment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    body: c.body,
    user: userJson(c.user),
    html_url: `${htmlBase}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${base}${repoPath}/issues/${c.issue}`,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });
  const pullJson = (i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    state: i.state,
    merged_at: i.pull?.merged ? "2026-01-01T00:00:00Z" : null,
    merge_commit_sha: i.pull?.mergeCommitSha ?? null,
    html_url: `${htmlBase}/pull/${i.number}`,
    user: userJson(i.user),
    head: { ref: "feature", repo: { full_name: i.pull?.headRepository ?? `${owner}/${repo}` } },
    base: { ref: defaultBranch, repo: { full_name: `${owner}/${repo}` } },
  });
  const issueJson = (i: FakeIssue) => ({
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.stateReason,
    labels: i.labels.map((name) => labels.find((l) => l.name === name) ?? { name }),
    user: userJson(i.user),
    html_url: `${htmlBase}/${i.pull ? "pull" : "issues"}/${i.number}`,
    ...(i.pull ? { pull_request: { url: `${base}${repoPath}/pulls/${i.number}` } } : {}),
  });

  const findIssue = (n: number): FakeIssue => {
    const issue = issues.find((i) => i.number === n);
    if (!issue) throw new HttpError(404, "Not Found");
    return issue;
  };
  const checkBody = (body: unknown, resource: string): string => {
    if (typeof body !== "string")
      throw new HttpError(422, "Validation Failed", [{ resource, code: "missing_field", field: "body" }]);
    if (body.length > BODY_MAX_CHARS) {
      throw new HttpError(422, "Validation Failed", [
        {
          resource,
          code: "custom",
          field: "body",
          message: `body is too long (maximum is ${BODY_MAX_CHARS} characters)`,
        },
      ]);
    }
    return body;
  };
  const ensureLabel = (name: string) => {
    if (!labels.some((l) => l.name === name)) labels.push({ name, color: "ededed", description: "" });
  };

  /** One page of `items` and the `Link` header GitHub would send with it. */
  const paginate = <T>(url: URL, items: T[]): { page: T[]; link: string | null } => {
    const perPage = Math.min(Number(url.searchParams.get("per_page") ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    const pageNumber = Number(url.searchParams.get("page") ?? "1");
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
    if (pageNumber >= last) return { page, link: null };
    const at = (n: number) => {
      const u = new URL(url.href);
      u.searchParams.set("page", String(n));
      return `<${base}${u.pathname}${u.search}>`;
    };
    return { page, link: `${at(pageNumber + 1)}; rel="next", ${at(last)}; rel="last"` };
  };

  type Reply = { status: number; json: unknown; link?: string | null };
  type Request = { url: URL; user: FakeUser; input: Record<string, unknown>; params: string[] };
  /** The endpoints the Action calls, by method and path below the repository. */
  const routes: [method: string, path: RegExp, handler: (r: Request) => Reply][] = [
    [
      "GET",
      /^$/,
      () => ({ status: 200, json: { full_name: `${owner}/${repo}`, default_branch: defaultBranch } }),
    ],
    [
      "GET",
      /^\/issues\/(\d+)\/comments$/,
      ({ url, params }) => {
        const issue = findIssue(Number(params[0]));
        const { page, link } = paginate(
          url,
          comments.filter((c) => c.issue === issue.number),
        );
        return { status: 200, json: page.map(commentJson), link };
      },
    ],
    [
      "POST",
      /^\/issues\/(\d+)\/comments$/,
      ({ user, input, params }) => {
        const issue = findIssue(Number(params[0]));
        const at = now();
        const c: FakeComment = {
          id: nextComment++,
          issue: issue.number,
          body: checkBody(input.body, "IssueComment"),
          user,
          createdAt: at,
          updatedAt: at,
        };
        comments.push(c);
        return { status: 201, json: commentJson(c) };
      },
    ],
    [
      "PATCH",
      /^\/issues\/comments\/(\d+)$/,
      ({ input, params }) => {
        const c = comments.find((x) => x.id === Number(params[0]));
        if (!c) throw new HttpError(404, "Not Found");
        c.body = checkBody(input.body, "IssueComment");
        c.updatedAt = now();
        return { status: 200, json: commentJson(c) };
      },
    ],
    [
      "GET",
      /^\/commits\/([0-9a-f]+)\/pulls$/,
      ({ url, params }) => {
        const found = issues.filter((i) => i.pull?.associated && i.pull.mergeCommitSha === params[0]);
        const { page, link } = paginate(url, found);
        return { status: 200, json: page.map(pullJson), link };
      },
    ],
    [
      "GET",
      /^\/pulls$/,
      ({ url }) => {
        const state = url.searchParams.get("state") ?? "open";
        const pulls = issues
          .filter((i) => i.pull && (state === "all" || i.state === state))
          .sort((a, b) => b.number - a.number);
        const { page, link } = paginate(url, pulls);
        return { status: 200, json: page.map(pullJson), link };
      },
    ],
    [
      "GET",
      /^\/issues$/,
      ({ url }) => {
        const state = url.searchParams.get("state") ?? "open";
        const wanted = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
        const found = issues
          .filter((i) => state === "all" || i.state === state)
          .filter((i) => wanted.every((l) => i.labels.includes(l)))
          // GitHub's default: newest first (sort=created, direction=desc).
          .sort((a, b) => (url.searchParams.get("direction") === "asc" ? 1 : -1) * (a.number - b.number));
        const { page, link } = paginate(url, found);
        return { status: 200, json: page.map(issueJson), link };
      },
    ],
    [
      "POST",
      /^\/issues$/,
      ({ user, input }) => {
        if (typeof input.title !== "string" || input.title === "")
          throw new HttpError(422, "Validation Failed");
        const names = Array.isArray(input.labels) ? input.labels.map(String) : [];
        for (const name of names) ensureLabel(name);
        const issue: FakeIssue = {
          number: nextIssue++,
          title: input.title,
          body: checkBody(input.body ?? "", "Issue"),
          state: "open",
          stateReason: null,
          labels: names,
          user,
        };
        issues.push(issue);
        return { status: 201, json: issueJson(issue) };
      },
    ],
    [
      "PATCH",
      /^\/issues\/(\d+)$/,
      ({ input, params }) => {
        const issue = findIssue(Number(params[0]));
        if (input.body !== undefined) issue.body = checkBody(input.body, "Issue");
        if (input.state === "open" || input.state === "closed") {
          issue.state = input.state;
          issue.stateReason =
            input.state === "closed" ? String(input.state_reason ?? "completed") : "reopened";
        }
        return { status: 200, json: issueJson(issue) };
      },
    ],
    [
      "GET",
      /^\/labels\/([^/]+)$/,
      ({ params }) => {
        const label = labels.find((l) => l.name === decodeURIComponent(params[0] ?? ""));
        if (!label) throw new HttpError(404, "Not Found");
        return { status: 200, json: label };
      },
    ],
    [
      "POST",
      /^\/labels$/,
      ({ input }) => {
        const name = String(input.name ?? "");
        if (labels.some((l) => l.name === name)) {
          throw new HttpError(422, "Validation Failed", [
            { resource: "Label", code: "already_exists", field: "name" },
          ]);
        }
        const label = {
          name,
          color: String(input.color ?? "ededed"),
          description: String(input.description ?? ""),
        };
        labels.push(label);
        return { status: 201, json: label };
      },
    ],
  ];

  const route = (method: string, url: URL, user: FakeUser, input: Record<string, unknown>): Reply => {
    if (method === "POST" && url.pathname === "/graphql") {
      if (typeof input.query === "string" && /\bviewer\s*\{\s*login\s*\}/.test(input.query)) {
        return { status: 200, json: { data: { viewer: { login: user.login } } } };
      }
      return { status: 200, json: { errors: [{ message: "the fake answers only viewer { login }" }] } };
    }
    if (!url.pathname.startsWith(repoPath)) throw new HttpError(404, "Not Found");
    const rest = url.pathname.slice(repoPath.length);
    for (const [m, path, handler] of routes) {
      const match = m === method ? rest.match(path) : null;
      if (match) return handler({ url, user, input, params: match.slice(1) });
    }
    throw new HttpError(404, "Not Found");
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let reply: Reply;
    try {
      const auth = req.headers.authorization ?? "";
      const user = tokens[auth.replace(/^(token|bearer)\s+/i, "")];
      if (!user) throw new HttpError(401, "Bad credentials");
      const input = text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
      if (user.readOnly && req.method !== "GET" && url.pathname !== "/graphql") {
        throw new HttpError(403, "Resource not accessible by integration");
      }
      reply = route(req.method ?? "GET", url, user, input);
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, (error as Error).message);
      reply = {
        status: e.status,
        json: {
          message: e.message,
          documentation_url: "https://docs.github.com/rest",
          ...(e.errors ? { errors: e.errors } : {}),
        },
      };
    }
    requests.push({
      method: req.method ?? "GET",
      path: `${url.pathname}${url.search}`,
      status: reply.status,
    });
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      ...(reply.link ? { link: reply.link } : {}),
    });
    res.end(JSON.stringify(reply.json));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    owner,
    repo,
    defaultBranch,
    issues,
    comments,
    labels,
    requests,
    addPull(pull) {
      const number = nextIssue++;
      issues.push({
        number,
        title: pull.title ?? `change ${number}`,
        body: "",
        state: "open",
        stateReason: null,
        labels: [],
        user: { login: "alice", type: "User" },
        pull: {
          merged: false,
          mergeCommitSha: null,
          associated: true,
          headRepository: `${owner}/${repo}`,
          ...pull,
        },
      });
      return number;
    },
    merge(number, sha, mergeOptions = {}) {
      const issue = findIssue(number);
      if (!issue.pull) throw new Error(`#${number} is not a pull request`);
      issue.state = "closed";
      issue.pull = {
        ...issue.pull,
        merged: true,
        mergeCommitSha: sha,
        associated: mergeOptions.associated ?? true,
      };
    },
    addIssue({ title, body, labels: names, user }) {
      for (const name of names) ensureLabel(name);
      const number = nextIssue++;
      issues.push({ number, title, body, state: "open", stateReason: null, labels: names, user });
      return number;
    },
    addComment(issue, body, user) {
      const at = now();
      comments.push({ id: nextComment++, issue, body, user, createdAt: at, updatedAt: at });
    },
    commentsOn: (issue) => comments.filter((c) => c.issue === issue),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
