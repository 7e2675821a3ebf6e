import { IdentitystoreClient } from "@aws-sdk/client-identitystore";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../../src/emulator/index.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Harness {
  emu: RunningEmulator;
  sso: SSOAdminClient;
  ids: IdentitystoreClient;
  org: OrganizationsClient;
  instanceArn: string;
  identityStoreId: string;
  close(): Promise<void>;
}

/**
 * An emulator on a random port and the three real SDK v3 clients pointed at it, without retries
 * (`maxAttempts: 1`) so that every error the emulator answers reaches the test.
 */
export async function harness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ latencyMs: 0, checkResponses: true, ...options });
  const config = {
    region: "us-east-1",
    endpoint: emu.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  };
  const sso = new SSOAdminClient(config);
  const ids = new IdentitystoreClient(config);
  const org = new OrganizationsClient(config);
  let closed = false;
  return {
    emu,
    sso,
    ids,
    org,
    instanceArn: emu.instanceArn,
    identityStoreId: emu.identityStoreId,
    /** Idempotent: closing twice is a no-op. */
    async close() {
      if (closed) return;
      closed = true;
      sso.destroy();
      ids.destroy();
      org.destroy();
      await emu.stop();
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Resolves after `ms` real milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every few ms until it returns true (or gives up after `timeoutMs`). */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

/** The ARN of a permission set, the id of a group or user, by name, from the emulator's state. */
export function ids(emu: RunningEmulator): {
  ps(name: string): string;
  group(name: string): string;
  user(name: string): string;
} {
  const state = emu.state();
  const find = (list: { key: string; id: string }[], name: string): string => {
    const hit = list.find((x) => x.key === name);
    if (!hit) throw new Error(`no ${name} in the emulator state`);
    return hit.id;
  };
  const permissionSets = (state.permissionSets ?? []).map((p) => ({ key: p.name, id: p.arn ?? "" }));
  const groups = (state.groups ?? []).map((g) => ({ key: g.name, id: g.id ?? "" }));
  const users = (state.users ?? []).map((u) => ({ key: u.userName, id: u.id ?? "" }));
  return {
    ps: (name) => find(permissionSets, name),
    group: (name) => find(groups, name),
    user: (name) => find(users, name),
  };
}
