import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubApi } from "../../src/action/github.ts";
import { type FakeGitHub, startFakeGitHub, WORKFLOW_TOKEN } from "./fake-github.ts";

/**
 * What the Action sends to GitHub is public to everyone who can read the repository. Whatever text
 * reaches a comment or an issue (an error message quoting a request, a stack trace), the AWS
 * credentials and the GitHub token in the job's environment never do: the GitHub API module is
 * the one way out, and it redacts.
 */

const SESSION_TOKEN = `IQoJb3JpZ2luX2VjESESSIONTOKENMARKER${"Zm9vYmFy".repeat(20)}`;
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/SECRETKEYMARKEREXAMPLEKEY";
const KEY_ID = "AKIAFAKEFAKEFAKE1234";

let github: FakeGitHub;
const saved = { ...process.env };
beforeEach(async () => {
  github = await startFakeGitHub();
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    "INPUT_GITHUB-TOKEN": WORKFLOW_TOKEN,
  });
});
afterEach(async () => {
  await github.stop();
  for (const name of [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "INPUT_GITHUB-TOKEN",
  ]) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const leaky = [
  "error: The request signature we calculated does not match the signature you provided.",
  `x-amz-security-token:${SESSION_TOKEN}`,
  `Authorization: AWS4-HMAC-SHA256 Credential=${KEY_ID}/20261127/us-east-1/sso/aws4_request`,
  `a secret key in a stack trace: ${SECRET_KEY}`,
  `the workflow token: ${WORKFLOW_TOKEN}`,
].join("\n");

const api = () =>
  createGitHubApi({ token: WORKFLOW_TOKEN, apiUrl: github.url, owner: github.owner, repo: github.repo });

function expectClean(text: string): void {
  for (const secret of ["SESSIONTOKENMARKER", "SECRETKEYMARKER", KEY_ID, WORKFLOW_TOKEN]) {
    expect(text.includes(secret), `${secret} leaked`).toBe(false);
  }
}

describe("the Action's way out to GitHub", () => {
  it("redacts credentials from comments, created and updated", async () => {
    const pr = github.addPull({});
    const created = await api().createComment(pr, leaky);
    await api().updateComment(created.id, `${leaky}\nagain`);
    const stored = github.commentsOn(pr).map((c) => c.body);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain("The request signature we calculated does not match");
    expectClean(stored.join("\n"));
  });

  it("redacts credentials from issues, created and updated", async () => {
    const opened = await api().createIssue(`drift ${KEY_ID}`, leaky, "accessops-drift");
    await api().updateIssue(opened.number, { body: `${leaky}\nupdated` });
    const issue = github.issues.find((i) => i.number === opened.number);
    expect(issue?.body).toContain("updated");
    expectClean(`${issue?.title}\n${issue?.body}`);
  });
});
