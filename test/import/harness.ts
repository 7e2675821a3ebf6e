import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { SSOAdminClient, TagResourceCommand } from "@aws-sdk/client-sso-admin";
import { DEFAULT_LIMITS } from "../../src/aws/limiter.ts";
import { readLive } from "../../src/aws/reader.ts";
import type { RunningEmulator, Seed } from "../../src/emulator/index.ts";
import { type ImportResult, importLive, wholeInstanceRequest, writeImport } from "../../src/import/index.ts";
import type { Live } from "../../src/model/live.ts";
import type { Plan } from "../../src/model/plan.ts";
import { openSession, planWith } from "../../src/pipeline.ts";
import { type LoadResult, loadAccessDir } from "../../src/schema/load.ts";
import { type Harness, TIME_SCALE, withEmulator } from "../aws/harness.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export const NOW = new Date("2026-06-01T00:00:00.000Z");
export { TIME_SCALE };

/** The client's pacing for an emulator at `TIME_SCALE`: AWS's quotas, faster. */
export const SCALED_LIMITS = {
  ssoAdminRate: DEFAULT_LIMITS.ssoAdminRate * TIME_SCALE,
  identityStoreRate: DEFAULT_LIMITS.identityStoreRate * TIME_SCALE,
  organizationsRate: DEFAULT_LIMITS.organizationsRate * TIME_SCALE,
};

/** What one import round trip produced, for the test to inspect. */
export interface RoundTrip {
  live: Live;
  result: ImportResult;
  /** The directory written to disk (removed once the round trip ends). */
  dir: string;
  /** `accessops plan` of the written directory against the emulator, right after the import. */
  first: Plan;
  /** The plan again, after the adoptions were applied (the ownership tag added); null when skipped. */
  afterAdoption: Plan | null;
  /** The written directory as the real loader reads it from disk. */
  disk: LoadResult;
}

/**
 * Seeds an emulator, imports it through the real SDK reader, writes the directory, then plans it
 * the way `accessops plan` does (load from disk, fresh session, full read), tags the adopted
 * permission sets through the SDK as apply would, and plans once more.
 */
export async function roundTrip(
  seed: Seed,
  options: { timeScale?: number; externalPermissionSets?: RegExp; adopt?: boolean } = {},
): Promise<RoundTrip> {
  const dir = await mkdtemp(join(tmpdir(), "accessops-import-"));
  try {
    return await withEmulator(
      seed,
      async (h) => {
        const { live } = await readLive(h.ctx, wholeInstanceRequest(null));
        const result = await importLive(live, {
          region: "us-east-1",
          schema: "../schema/accessops.schema.json",
          externalPermissionSets: options.externalPermissionSets ?? null,
          now: NOW,
        });
        const out = join(dir, "access");
        await writeImport(out, result.files, { force: false, now: NOW });
        const disk = await loadAccessDir(out, { now: NOW });
        const first = await planDir(h, out);
        if (options.adopt === false) return { live, result, dir: out, first, afterAdoption: null, disk };
        await tag(h.emulator, live, result.adoptions);
        const afterAdoption = await planDir(h, out);
        return { live, result, dir: out, first, afterAdoption, disk };
      },
      { timeScale: options.timeScale ?? TIME_SCALE },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `accessops plan` of a directory on disk against the harness's emulator, paced as the harness is. */
export async function planDir(h: Harness, dir: string): Promise<Plan> {
  const { maxRate: _ceiling, ...limits } = h.ctx.limiter.options;
  const session = await openSession({
    dir,
    now: NOW,
    connection: { endpoint: h.emulator.endpoint, env: {}, limits },
  });
  try {
    return (await planWith(session, { refresh: "full", allowDeletes: false })).plan;
  } finally {
    session.ctx.close();
  }
}

/** Adds the ownership tag to the named permission sets: what applying an adoption does. */
async function tag(emulator: RunningEmulator, live: Live, names: readonly string[]): Promise<void> {
  const client = new SSOAdminClient({
    endpoint: emulator.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    maxAttempts: 5,
  });
  try {
    for (const name of names) {
      await client.send(
        new TagResourceCommand({
          InstanceArn: live.instance.instanceArn,
          ResourceArn: live.ids.permissionSets[name],
          Tags: [{ Key: "managed-by", Value: "accessops" }],
        }),
      );
    }
  } finally {
    client.destroy();
  }
}

/** A writable stream that keeps what is written, for commands' stdout and stderr. */
export class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** `action address` of each change. */
export const changeLines = (plan: Plan): string[] => plan.changes.map((c) => `${c.action} ${c.address}`);
