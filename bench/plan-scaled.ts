import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { scaledSession } from "../src/apply/run.ts";
import { readCostLine } from "../src/cli/plan.ts";
import { openSession, planWith } from "../src/pipeline.ts";
import { renderJson } from "../src/plan/index.ts";
import { isMain } from "./main.ts";

/**
 * `accessops plan DIR --endpoint URL --format json --out FILE` with a time scale, for the
 * benchmark to use while `accessops plan` has no `--time-scale` flag (apply has one). It runs
 * the command's own code path — `openSession`, `planWith`, the read-cost line, `renderJson` —
 * with the connection's pace multiplied and its retry waits divided by K, exactly as
 * `accessops apply --time-scale K` does (`scaledSession`). The harness prefers the CLI as soon
 * as `accessops plan --help` lists `--time-scale`.
 */

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      "time-scale": { type: "string", default: "1" },
      out: { type: "string" },
    },
  });
  const dir = positionals[0];
  if (!dir || !values.endpoint || !values.out) {
    throw new Error("usage: plan-scaled.js DIR --endpoint URL --out FILE [--time-scale K]");
  }
  const session = await openSession(
    scaledSession(
      { dir, now: new Date(), connection: { endpoint: values.endpoint } },
      Number(values["time-scale"]),
    ),
  );
  try {
    const started = performance.now();
    const run = await planWith(session, { refresh: "full", allowDeletes: false });
    process.stderr.write(`${readCostLine(run.stats, performance.now() - started)}\n`);
    const json = renderJson(run.plan);
    await writeFile(values.out, json, "utf8");
    process.stdout.write(json);
  } finally {
    session.ctx.close();
  }
}

if (isMain(import.meta.url)) {
  await main(process.argv.slice(2));
}
