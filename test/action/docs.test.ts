import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPOSITORY_ROOT } from "../../src/action/bundle.ts";

/**
 * docs/github-action.md is copied into people's repositories: its workflows must parse, use only
 * inputs and outputs action.yml has, and ask for the permissions their jobs need; its trust
 * policies must be JSON.
 */

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { steps: Step[] }>;
}

const ACTION_USES = /^accessops\/accessops@/;

async function blocks(language: string): Promise<string[]> {
  const text = await readFile(join(REPOSITORY_ROOT, "docs/github-action.md"), "utf8");
  return [...text.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))].map(
    (m) => m[1] ?? "",
  );
}

async function workflows(): Promise<Map<string, Workflow>> {
  const out = new Map<string, Workflow>();
  for (const block of await blocks("yaml")) {
    const workflow = parse(block) as Workflow;
    out.set(workflow.name, workflow);
  }
  return out;
}

const accessopsSteps = (w: Workflow) =>
  Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => ACTION_USES.test(s.uses ?? "")));

describe("docs/github-action.md", () => {
  it("has the four workflows, each with its command and the permissions it needs", async () => {
    const all = await workflows();
    const expected: [string, string, Record<string, string>][] = [
      ["accessops plan", "plan", { contents: "read", "pull-requests": "write", "id-token": "write" }],
      ["accessops apply", "apply", { contents: "read", "pull-requests": "write", "id-token": "write" }],
      ["accessops drift", "drift", { contents: "read", issues: "write", "id-token": "write" }],
      ["accessops revoke expired access", "apply", { contents: "read", "id-token": "write" }],
    ];
    expect([...all.keys()].sort()).toEqual(expected.map(([name]) => name).sort());
    for (const [name, command, permissions] of expected) {
      const w = all.get(name);
      expect(w?.permissions, name).toEqual(permissions);
      expect(
        accessopsSteps(w as Workflow).map((s) => s.with?.command),
        name,
      ).toEqual([command]);
    }
  });

  it("uses only the inputs and outputs action.yml declares", async () => {
    const action = parse(await readFile(join(REPOSITORY_ROOT, "action.yml"), "utf8")) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
    };
    for (const [name, w] of await workflows()) {
      for (const step of accessopsSteps(w)) {
        for (const input of Object.keys(step.with ?? {}))
          expect(Object.keys(action.inputs), `${name}: ${input}`).toContain(input);
      }
      const text = JSON.stringify(w);
      for (const m of text.matchAll(/steps\.accessops\.outputs\.([\w-]+)/g)) {
        expect(Object.keys(action.outputs), name).toContain(m[1]);
      }
    }
  });

  it("never lets two writers run at once, and never cancels a running apply", async () => {
    const all = await workflows();
    for (const name of ["accessops apply", "accessops revoke expired access"]) {
      expect(all.get(name)?.concurrency, name).toEqual({
        group: "accessops-apply",
        "cancel-in-progress": false,
      });
    }
    expect(all.get("accessops drift")?.concurrency?.group).not.toBe("accessops-apply");
    expect(Object.keys(all.get("accessops apply")?.on ?? {})).not.toContain("pull_request");
  });

  it("has trust policies that parse and pin the sub claim without wildcards", async () => {
    const policies = (await blocks("json")).map(
      (b) =>
        JSON.parse(b) as {
          Statement: { Condition: { StringEquals: Record<string, string | string[]> } }[];
        },
    );
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      const sub = p.Statement[0]?.Condition.StringEquals["token.actions.githubusercontent.com:sub"];
      expect([sub].flat().length).toBeGreaterThan(0);
      for (const s of [sub].flat()) expect(s).not.toContain("*");
    }
    const [plan, apply] = policies.map((p) =>
      [p.Statement[0]?.Condition.StringEquals["token.actions.githubusercontent.com:sub"]].flat(),
    );
    expect(apply).toEqual(["repo:acme/access:ref:refs/heads/main"]);
    expect(plan).toContain("repo:acme/access:pull_request");
  });
});
