import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import { scaledSession } from "../src/apply/run.ts";
import { painter } from "../src/cli/output.ts";
import type { Live } from "../src/model/live.ts";
import { openSession, planWith } from "../src/pipeline.ts";
import { buildPlan, renderJson, renderMarkdown, renderText } from "../src/plan/index.ts";
import { readAccessFiles } from "../src/schema/files.ts";
import { loadDocuments, memoryPolicyReader, type SourceDocument } from "../src/schema/load.ts";
import { isMain } from "./main.ts";

/**
 * The CPU cost of accessops's pure core — load and validate the files, resolve, diff, order,
 * check, render (text, markdown, JSON) — without any I/O, for `npm run bench`. Run as its own
 * process so that each measurement starts cold, as a CLI run does:
 *
 *   node build/bench/plan-cpu.js read    --dir D --endpoint URL --time-scale K --live live.json
 *   node build/bench/plan-cpu.js measure --dir D --live live.json
 *
 * `read` reads the live state once through the reader and saves it; `measure` reads the files
 * and the saved state into memory first, then times the pure part once cold and `WARM_RUNS`
 * times warm with `process.cpuUsage`. Prints one JSON `PlanCpuResult` on stdout.
 */

const WARM_RUNS = 1;
const US_PER_MS = 1000;
/** A fixed instant for expiry, so that every run plans the same. */
const NOW = new Date("2026-06-01T00:00:00.000Z");

export interface PlanCpuResult {
  /** CPU ms (user + system) of the first, cold run. */
  coldCpuMs: number;
  /** Median CPU ms of the warm runs. */
  warmCpuMs: number;
  /** Split of the cold run. */
  coldSplitMs: { load: number; plan: number; render: number };
  changes: number;
  assignments: number;
  planJsonBytes: number;
  commentChars: number;
  textChars: number;
}

/** Live state as JSON: its one Map (the state) as entries. */
function liveJson(live: Live): string {
  return JSON.stringify({ ...live, state: [...live.state] });
}

function parseLive(text: string): Live {
  const raw = JSON.parse(text) as Omit<Live, "state"> & { state: [string, never][] };
  return { ...raw, state: new Map(raw.state) };
}

/** The access files and the policy documents they name, in memory (the I/O done before timing). */
async function documentsOf(
  dir: string,
): Promise<{ documents: SourceDocument[]; policies: Record<string, string> }> {
  const files = await readAccessFiles(resolve(dir));
  const policies: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = entry.split(sep).join("/");
    if (path.endsWith(".json")) policies[path] = await readFile(join(dir, entry), "utf8");
  }
  return { documents: files.documents, policies };
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / US_PER_MS;
};

async function measureOnce(
  dir: string,
  documents: SourceDocument[],
  policies: Record<string, string>,
  live: Live,
): Promise<{
  total: number;
  split: PlanCpuResult["coldSplitMs"];
  out: Omit<PlanCpuResult, "coldCpuMs" | "warmCpuMs" | "coldSplitMs">;
}> {
  const start = process.cpuUsage();
  const loaded = await loadDocuments(documents, {
    dir: resolve(dir),
    now: NOW,
    readPolicyFile: memoryPolicyReader(policies),
  });
  if (!loaded.ok) throw new Error(`the files do not load: ${loaded.errors[0]?.message ?? ""}`);
  const load = cpuMs(start);
  const plan = buildPlan({ config: loaded.config, live, now: NOW, allowDeletes: false });
  const planned = cpuMs(start);
  const json = renderJson(plan);
  const comment = renderMarkdown(plan);
  const text = renderText(plan, { paint: painter(false) });
  const total = cpuMs(start);
  return {
    total,
    split: { load, plan: planned - load, render: total - planned },
    out: {
      changes: plan.changes.length,
      assignments: [...live.state.values()].filter((e) => e.kind === "assignment").length,
      planJsonBytes: Buffer.byteLength(json),
      commentChars: comment.length,
      textChars: text.length,
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: "string" },
      endpoint: { type: "string" },
      "time-scale": { type: "string", default: "1" },
      live: { type: "string" },
    },
  });
  const mode = positionals[0];
  const { dir, live: livePath } = values;
  if (!dir || !livePath || (mode !== "read" && mode !== "measure")) {
    throw new Error("usage: plan-cpu.js read|measure --dir D --live FILE [--endpoint URL --time-scale K]");
  }
  if (mode === "read") {
    const session = await openSession(
      scaledSession(
        { dir, now: NOW, connection: { endpoint: values.endpoint ?? null } },
        Number(values["time-scale"]),
      ),
    );
    try {
      const run = await planWith(session, { refresh: "full", allowDeletes: false });
      await writeFile(livePath, liveJson(run.live), "utf8");
    } finally {
      session.ctx.close();
    }
    return;
  }
  const { documents, policies } = await documentsOf(dir);
  const live = parseLive(await readFile(livePath, "utf8"));
  const cold = await measureOnce(dir, documents, policies, live);
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push((await measureOnce(dir, documents, policies, live)).total);
  warm.sort((a, b) => a - b);
  const result: PlanCpuResult = {
    coldCpuMs: cold.total,
    warmCpuMs: warm[Math.floor(warm.length / 2)] ?? cold.total,
    coldSplitMs: cold.split,
    ...cold.out,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (isMain(import.meta.url)) {
  await main(process.argv.slice(2));
}
