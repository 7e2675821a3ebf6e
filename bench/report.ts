import type { Variant } from "./variants.ts";

/** The benchmark's result rows and how they are shown. */

/** One measured run: a variant, a phase (plan or apply) and a strategy. */
export interface BenchRow {
  name: Variant;
  scale: "small" | "full";
  timeScale: number;
  phase: "plan" | "apply";
  strategy: "accessops" | "terraform-like";
  /** What ran: the command or script. */
  via: string;
  /** Every call the emulator answered (a sampled baseline apply: projected to the whole). */
  apiCalls: number;
  callsByOperation: Record<string, number>;
  /** Throttling answers received (rate and concurrency limits). */
  throttlingErrors: number;
  conflicts: number;
  otherErrors: number;
  /** Errors that reached the user after retries (accessops: failed changes; baseline: failed resources). */
  throttlingSurfaced: number | null;
  /** Scaled seconds, from spawn to exit (a sampled baseline apply: projected). */
  wallSeconds: number;
  /** The lower bound of §2.6 / §2.7 at the same time scale. */
  boundSeconds: number;
  /** boundSeconds / wallSeconds. */
  efficiency: number | null;
  peakRssMb: number | null;
  /** CPU seconds of the measured process. */
  cpuSeconds: number | null;
  /** accessops plan rows: cold CPU ms of load + resolve + diff + render, without I/O. */
  planCpuMs: number | null;
  /** Further measurements of the phase (write phase, in-flight, projections, plan summary ...). */
  [more: string]: unknown;
}

export interface RatioRow {
  name: Variant;
  phase: "plan" | "apply";
  /** baseline calls / accessops calls: how many times fewer calls accessops makes. */
  callsRatio: number | null;
  /** The same for sso-admin calls alone (the quota every operation shares). */
  ssoAdminCallsRatio: number | null;
  /** baseline wall / accessops wall. */
  wallRatio: number | null;
  accessopsThrottled: number;
  baselineThrottled: number;
}

/** sso-admin calls of a row (a projected baseline row: scaled like its total). */
export function ssoAdminCalls(row: BenchRow): number {
  let measured = 0;
  let all = 0;
  for (const [op, n] of Object.entries(row.callsByOperation)) {
    all += n;
    if (op.startsWith("sso-admin:")) measured += n;
  }
  return all > 0 ? Math.round((measured * row.apiCalls) / all) : 0;
}

export function ratios(rows: readonly BenchRow[]): RatioRow[] {
  const out: RatioRow[] = [];
  for (const a of rows) {
    if (a.strategy !== "accessops" || a.quotaBound === true) continue;
    const b = rows.find((r) => r.strategy === "terraform-like" && r.name === a.name && r.phase === a.phase);
    if (!b) continue;
    out.push({
      name: a.name,
      phase: a.phase,
      callsRatio: a.apiCalls > 0 ? b.apiCalls / a.apiCalls : null,
      ssoAdminCallsRatio: ssoAdminCalls(a) > 0 ? ssoAdminCalls(b) / ssoAdminCalls(a) : null,
      wallRatio: a.wallSeconds > 0 ? b.wallSeconds / a.wallSeconds : null,
      accessopsThrottled: a.throttlingErrors,
      baselineThrottled: b.throttlingErrors,
    });
  }
  return out;
}

const num = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined
    ? "—"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i < 3 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The stdout summary: one line per row, then the accessops / baseline ratios. */
export function formatTable(
  rows: readonly BenchRow[],
  ratioRows: readonly RatioRow[],
  run: { scale: string; timeScale: number; totalSeconds: number },
): string {
  const body = rows.map((r) => [
    r.name,
    r.phase,
    r.strategy,
    String(r.timeScale),
    num(r.apiCalls),
    `${num(r.throttlingErrors)}/${num(r.throttlingSurfaced)}`,
    num(r.wallSeconds, 1),
    num(r.boundSeconds, 1),
    num(r.efficiency, 2),
    num(r.peakRssMb),
    num(r.planCpuMs),
    [
      r.correct === false ? "WRONG" : r.correct === true ? "ok" : "",
      r.projected === true ? `projected from ${num(Number(r.sample) * 100, 1)} %` : "",
    ]
      .filter(Boolean)
      .join(", "),
  ]);
  const head = `accessops benchmark: ${run.scale} scale, time scale ${run.timeScale} (seconds below are scaled by each row's K), ${run.totalSeconds} s\n\n`;
  const main = table(
    [
      "variant",
      "phase",
      "strategy",
      "K",
      "calls",
      "throttled recv/surfaced",
      "wall s",
      "bound s",
      "η",
      "RSS MB",
      "core CPU ms",
      "notes",
    ],
    body,
  );
  const ratio = table(
    ["variant", "phase", "", "calls ×", "sso-admin calls ×", "wall ×", "throttled accessops / baseline"],
    ratioRows.map((r) => [
      r.name,
      r.phase,
      "",
      num(r.callsRatio, 1),
      num(r.ssoAdminCallsRatio, 1),
      num(r.wallRatio, 1),
      `${num(r.accessopsThrottled)}/${num(r.baselineThrottled)}`,
    ]),
  );
  return `${head}${main}\n\nterraform-like / accessops:\n${ratio}\n`;
}
