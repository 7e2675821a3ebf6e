import { readFile } from "node:fs/promises";
import { ConfigError } from "../model/errors.ts";
import type { PolicyDocument, PolicyStatement } from "./options.ts";

export type Decision = "allow" | "implicit-deny" | "explicit-deny";

/** A checked policy: statements with their action patterns compiled. */
export interface CompiledPolicy {
  document: PolicyDocument;
  statements: { effect: "Allow" | "Deny"; patterns: RegExp[]; not: boolean }[];
}

const toList = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** IAM action wildcards (`*`, `?`), matched case-insensitively as IAM does. */
function actionPattern(action: string): RegExp {
  const escaped = action
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "i");
}

/** Checks and compiles a policy document; throws an `Error` saying what is wrong. */
export function compilePolicy(document: unknown): CompiledPolicy {
  if (document === null || typeof document !== "object" || !("Statement" in document)) {
    throw new Error('a policy must be an object with "Statement"');
  }
  const doc = document as PolicyDocument;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  return {
    document: doc,
    statements: statements.map((s: PolicyStatement, i) => {
      if (s === null || typeof s !== "object") throw new Error(`Statement ${i} must be an object`);
      if (s.Effect !== "Allow" && s.Effect !== "Deny")
        throw new Error(`Statement ${i}: Effect must be Allow or Deny`);
      const hasAction = s.Action !== undefined;
      if (hasAction === (s.NotAction !== undefined)) {
        throw new Error(`Statement ${i}: give exactly one of Action and NotAction`);
      }
      const actions = toList(hasAction ? s.Action : s.NotAction);
      if (actions.some((a) => typeof a !== "string"))
        throw new Error(`Statement ${i}: actions must be strings`);
      return { effect: s.Effect, patterns: actions.map(actionPattern), not: !hasAction };
    }),
  };
}

/** Reads and compiles a policy file; a missing or bad file is a `ConfigError` naming it. */
export async function readPolicyFile(path: string): Promise<CompiledPolicy> {
  try {
    return compilePolicy(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new ConfigError(
      `cannot use the policy ${path}: ${(error as Error).message}`,
      [],
      'Give a JSON IAM policy: {"Statement": [{"Effect": "Allow", "Action": ["sso:*"]}]}.',
      { cause: error },
    );
  }
}

/** IAM evaluation without resources: an explicit Deny wins, then any Allow, else implicit deny. */
export function decide(policy: CompiledPolicy | null, action: string): Decision {
  if (!policy) return "allow";
  let allowed = false;
  for (const s of policy.statements) {
    const matches = s.patterns.some((p) => p.test(action)) !== s.not;
    if (!matches) continue;
    if (s.effect === "Deny") return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}
