import { writeFileSync } from "node:fs";

/**
 * Preloaded (`node --import`) into every process the benchmark measures: at exit it writes the
 * process's peak resident set size and CPU time to the file named by `BENCH_USAGE_FILE`, so the
 * harness gets the child's own numbers, not its own or the emulator's.
 */

/** Written at exit; `maxRssKb` is `process.resourceUsage().maxRSS`. */
export interface ProcessUsage {
  maxRssKb: number;
  userCpuMs: number;
  systemCpuMs: number;
}

const US_PER_MS = 1000;
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    const out: ProcessUsage = {
      maxRssKb: usage.maxRSS,
      userCpuMs: usage.userCPUTime / US_PER_MS,
      systemCpuMs: usage.systemCPUTime / US_PER_MS,
    };
    writeFileSync(file, JSON.stringify(out));
  });
}
