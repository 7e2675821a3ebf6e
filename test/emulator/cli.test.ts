import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runEmulator } from "../../src/cli/emulator.ts";
import { main } from "../../src/cli.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { ConfigError } from "../../src/model/errors.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "accessops-emulator-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const defaults = { host: "127.0.0.1", port: 0, latencyMs: 0, timeScale: 1, randomSeed: 1 };

/** Runs the command with captured output; `stop` plays the role of SIGTERM. */
function run(options: Partial<Parameters<typeof runEmulator>[0]>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  let stop: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const exit = runEmulator({ ...defaults, ...options }, { stdout, stderr, stopSignal: () => stopped });
  return { exit, stop, out: () => out, err: () => err };
}

async function listening(out: () => string): Promise<string> {
  for (let i = 0; i < 400 && !out().includes("\n"); i++) await new Promise((r) => setTimeout(r, 5));
  const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(out());
  if (!match) throw new Error(`unexpected output: ${out()}`);
  return match[1] as string;
}

describe("accessops emulator", () => {
  it("prints where it listens, serves, and writes --export on stop; the export seeds the next run identically", async () => {
    const exportFile = join(dir, "state.json");
    const first = run({ seed: "examples/emulator-seed.json", export: exportFile });
    const endpoint = await listening(first.out);
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "x-amz-target": "SWBExternalService.ListInstances" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    first.stop("SIGTERM");
    expect(await first.exit).toBe(0);
    expect(first.err()).toBe(`stopped (SIGTERM); state written to ${exportFile}\n`);
    const exported = await readFile(exportFile, "utf8");
    expect(JSON.parse(exported).accounts).toHaveLength(4);

    const second = run({ seed: exportFile, export: join(dir, "again.json") });
    await listening(second.out);
    second.stop("SIGINT");
    await second.exit;
    expect(await readFile(join(dir, "again.json"), "utf8")).toBe(exported);
  });

  it("says which flag to fix when --export cannot be written, and leaves no stray file", async () => {
    const exportFile = join(dir, "no-such-folder", "state.json");
    const emu = run({ export: exportFile });
    await listening(emu.out);
    emu.stop("SIGTERM");
    const error = await emu.exit.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`cannot write ${exportFile}`);
    expect((error as ConfigError).detail).toBe("Pass a --export path in a writable directory that exists.");
    expect(await readdir(dir)).not.toContain("no-such-folder");
  });

  it("refuses a bad seed at start-up with the file, position and JSON path", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, '{\n  "accounts": [{ "id": "12", "name": "x" }]\n}\n');
    const error = await run({ seed: bad }).exit.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).diagnostics).toEqual([
      expect.objectContaining({
        file: bad,
        line: 2,
        column: 18,
        message: '/accounts/0/id: must match pattern "^[0-9]{12}$"',
      }),
    ]);
  });

  it("exits 1 from the command line for a bad seed, printing file:line:column", async () => {
    const bad = join(dir, "bad.json");
    await writeFile(bad, '{ "identitySource": "okta" }');
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await main(["node", "accessops", "emulator", "--seed", bad])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toContain(
      `${bad}:1:3: /identitySource: must be one of "identity-center", "external", "active-directory"`,
    );
  });

  it("refuses bad faults and a port in use", async () => {
    const faults = await run({ faults: "throttle=7" }).exit.catch((e: unknown) => e);
    expect((faults as Error).message).toBe(
      "invalid --faults: fault throttle=7 must be a probability between 0 and 1",
    );
    const busy = await startEmulator();
    try {
      const error = await run({ port: busy.port }).exit.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(`port ${busy.port} on 127.0.0.1 is in use`);
    } finally {
      await busy.stop();
    }
  });
});
