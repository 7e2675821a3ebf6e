import { sortKeysDeep } from "../../model/canonical.ts";
import { ConfigError } from "../../model/errors.ts";
import { PLAN_FORMAT_VERSION, type Plan } from "../../model/plan.ts";

/**
 * The order of the top-level keys of plan JSON: the verdict first (version, instance, checksum,
 * summary, safety), the long lists last. Typed as a record over `Plan` so a new plan field cannot
 * be forgotten here. Nested objects have sorted keys.
 */
const TOP_LEVEL_ORDER: { [K in keyof Plan]: number } = {
  formatVersion: 0,
  instance: 1,
  refresh: 2,
  checksum: 3,
  summary: 4,
  safety: 5,
  access: 6,
  changes: 7,
  warnings: 8,
  expiring: 9,
  unmanaged: 10,
  orphans: 11,
  accountNames: 12,
};

/** Deterministic plan JSON (documented in docs/plan-format.md): identical plans give identical bytes. */
export function renderJson(plan: Plan): string {
  const keys = (Object.keys(TOP_LEVEL_ORDER) as (keyof Plan)[]).sort(
    (a, b) => TOP_LEVEL_ORDER[a] - TOP_LEVEL_ORDER[b],
  );
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = sortKeysDeep(plan[key]);
  return `${JSON.stringify(out, null, 2)}\n`;
}

/**
 * Reads plan JSON written by `renderJson` (`apply --plan plan.json`). Checks the format version and
 * the parts apply relies on; the content is then re-checked by re-planning and comparing checksums.
 */
export function parsePlanJson(text: string, file = "plan.json"): Plan {
  const fail = (message: string, cause?: unknown): never => {
    throw new ConfigError(
      `${file} is not a plan accessops can apply`,
      [{ severity: "error", file, line: 0, column: 0, code: "invalid-plan", message }],
      `Plan again with accessops plan --out ${file}, review it, and apply that file.`,
      { cause },
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(
      `it is not JSON (${(error as Error).message}): write it with accessops plan --out ${file}.`,
      error,
    );
  }
  const plan = value as Partial<Plan> | null;
  if (plan === null || typeof plan !== "object")
    return fail("it is not a JSON object: write it with accessops plan --out.");
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    return fail(
      `its formatVersion is ${JSON.stringify(plan.formatVersion)}, and this accessops reads version ${PLAN_FORMAT_VERSION}: plan again with this version.`,
    );
  }
  if (!Array.isArray(plan.changes) || typeof plan.checksum !== "string") {
    return fail("it has no changes list or no checksum: write it with accessops plan --out.");
  }
  return plan as Plan;
}
