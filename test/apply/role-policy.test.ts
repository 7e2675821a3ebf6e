import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { PolicyDocument, RunningEmulator } from "../../src/emulator/index.ts";
import { applyCli } from "./cli-io.ts";
import { accessFiles, emulator, tempDir } from "./scenario.ts";

/**
 * docs/iam/apply-role-policy.json grants exactly what apply calls: the reader's actions (those of
 * docs/iam/plan-role-policy.json) and the writer's. Its IAM statement is for assignments in the
 * management account, where Identity Center creates the roles with the caller's own permissions
 * (aws-api.md §4.1); the emulator does not model IAM, so it is checked by hand.
 */

const read = (path: string) =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")) as PolicyDocument;
const actionsOf = (policy: PolicyDocument): string[] =>
  (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]).flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [],
  );

const applyPolicy = read("docs/iam/apply-role-policy.json");
const planActions = new Set(actionsOf(read("docs/iam/plan-role-policy.json")));
const applyActions = actionsOf(applyPolicy).filter((a) => !a.startsWith("iam:"));

/** Every `new XCommand(` of the writer, as `service:X`, by the client package it is imported from. */
function writerActions(): string[] {
  const source = readFileSync(new URL("../../src/aws/writer.ts", import.meta.url), "utf8");
  const imports = [...source.matchAll(/import \{([^}]*)\} from "@aws-sdk\/client-([a-z-]+)"/g)];
  const serviceOf = new Map<string, string>();
  for (const [, names = "", pkg = ""] of imports) {
    const prefix = pkg === "sso-admin" ? "sso" : pkg;
    for (const name of names.split(",").map((n) => n.trim().replace(/^type /, ""))) {
      if (name.endsWith("Command")) serviceOf.set(name, `${prefix}:${name.replace(/Command$/, "")}`);
    }
  }
  return [...source.matchAll(/new (\w+Command)\(/g)].map(([, name = ""]) => serviceOf.get(name) ?? name);
}

describe("the apply role policy", () => {
  let emu: RunningEmulator | undefined;
  afterAll(async () => {
    await emu?.stop();
  });

  it("is the plan role's reads plus the writer's calls, nothing more", () => {
    for (const a of planActions) expect(applyActions).toContain(a);
    const writes = new Set(writerActions().filter((a) => !planActions.has(a)));
    expect(new Set(applyActions.filter((a) => !planActions.has(a)))).toEqual(writes);
    expect(new Set(applyActions).size).toBe(applyActions.length);
  });

  it("lets a whole apply through (creates, updates, provisioning, deletes)", async () => {
    emu = await emulator({ policy: applyPolicy });
    const dir = await tempDir(accessFiles({ editOps: true }));
    const work = await tempDir();
    const run = await applyCli(dir, emu.endpoint, { journal: join(work, "j.jsonl"), autoApprove: true });
    expect(run.error).toBeNull();
    expect(run.code).toBe(0);
    const called = Object.keys(emu.calls()).map((k) => k.replace(/^sso-admin:/, "sso:"));
    for (const action of called) expect(applyActions).toContain(action);
  });
});
