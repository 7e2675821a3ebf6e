import {
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListPermissionSetProvisioningStatusCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import type { RunningEmulator, Seed } from "../../src/emulator/index.ts";
import { assignmentAddress } from "../../src/model/address.ts";
import type { PrincipalType } from "../../src/model/state.ts";
import { accessFiles, seed as midLife } from "../apply/scenario.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/**
 * The reliability and security suites' two scenarios, on the apply tests' organisation
 * (`test/apply/scenario.ts`), each with objects accessops must never write:
 * - protected: group BreakGlass and permission set Emergency, both of which the files would
 *   otherwise delete (BreakGlass matches `ownership.groups`, Emergency carries the ownership tag),
 *   and BreakGlass's Emergency assignment in the management account;
 * - unmanaged: group Contractors (outside `ownership.groups`), permission set Legacy-Manual (not
 *   tagged, not declared) and their assignment, Control Tower's AWSAdministratorAccess and
 *   CT-Admins.
 *
 * `typical`: a pull request on an organisation mid-way through its life (a permission set edited and
 * re-provisioned, two teams added, an unused permission set and its assignments removed).
 * `bootstrap`: the first apply on an organisation that has only accounts and what others made.
 */

export interface Scenario {
  name: "typical" | "bootstrap";
  seed: Seed;
  files: Record<string, string>;
}

/** Names of the objects no write may touch (see the module comment). */
export const UNTOUCHABLE = {
  groups: ["BreakGlass", "Contractors", "CT-Admins"],
  permissionSets: ["Emergency", "Legacy-Manual", "AWSAdministratorAccess"],
} as const;

const untouchables: Pick<Seed, "groups" | "permissionSets" | "assignments"> = {
  groups: [{ name: "BreakGlass", description: "emergency access" }, { name: "Contractors" }],
  permissionSets: [
    {
      name: "Emergency",
      managedPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"],
      tags: { "managed-by": "accessops" },
    },
    { name: "Legacy-Manual", managedPolicies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
  ],
  assignments: [
    { account: "management", permissionSet: "Emergency", group: "BreakGlass" },
    { account: "prod-a", permissionSet: "Legacy-Manual", group: "Contractors" },
  ],
};

const PROTECTION = `  safety:
    maxDeletes: 100
    maxDeletePercent: 100
    protected:
      principals: [group/BreakGlass]
      permissionSets: [Emergency]
`;

/** The scenario's access files with protection on, and BreakGlass inside `ownership.groups`. */
function files(variant: Parameters<typeof accessFiles>[0]): Record<string, string> {
  const base = accessFiles(variant);
  const settings = (base["settings.yaml"] ?? "")
    .replace("Doomed-.*)$", "Doomed-.*|BreakGlass)$")
    .replace("  safety: { maxDeletes: 100, maxDeletePercent: 100 }\n", PROTECTION);
  return { ...base, "settings.yaml": settings };
}

const merge = (seed: Seed): Seed => ({
  ...seed,
  groups: [...(seed.groups ?? []), ...(untouchables.groups ?? [])],
  permissionSets: [...(seed.permissionSets ?? []), ...(untouchables.permissionSets ?? [])],
  assignments: [...(seed.assignments ?? []), ...(untouchables.assignments ?? [])],
});

export function typical(extraGroups = 2): Scenario {
  return { name: "typical", seed: merge(midLife), files: files({ editOps: true, extraGroups }) };
}

export function bootstrap(extraGroups = 3): Scenario {
  const controlTower = midLife.permissionSets?.filter((p) => p.name === "AWSAdministratorAccess") ?? [];
  const seed: Seed = {
    ...midLife,
    users: [],
    groups: [{ name: "CT-Admins" }],
    memberships: [],
    permissionSets: controlTower,
    assignments: midLife.assignments?.filter((a) => a.group === "CT-Admins") ?? [],
  };
  return { name: "bootstrap", seed: merge(seed), files: files({ extraGroups }) };
}

/** The ids (group ids, permission set ARNs) of the untouchable objects in an emulator state. */
export function untouchableIds(state: Seed): Set<string> {
  const ids = new Set<string>();
  for (const g of state.groups ?? [])
    if ((UNTOUCHABLE.groups as readonly string[]).includes(g.name)) ids.add(g.id ?? "");
  for (const p of state.permissionSets ?? [])
    if ((UNTOUCHABLE.permissionSets as readonly string[]).includes(p.name)) ids.add(p.arn ?? "");
  ids.delete("");
  return ids;
}

/** Every string inside a write's parameters. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** The writes of the emulator's log that name an untouchable object, as `Operation id`. */
export function forbiddenWrites(emu: RunningEmulator, ids: ReadonlySet<string>): string[] {
  return emu.writes().flatMap((w) =>
    strings(w.params)
      .filter((s) => ids.has(s))
      .map((s) => `${w.operation} ${s}`),
  );
}

/** An asynchronous request that ended FAILED, by the emulator's own account. */
export interface FailedRequest {
  requestId: string;
  address: string;
  failureReason: string;
}

/**
 * Every asynchronous request that ended FAILED, read from the emulator's request history through
 * the SDK (List…Status with Filter FAILED, then Describe…Status), with the address it was for.
 */
export async function failedRequests(emu: RunningEmulator): Promise<FailedRequest[]> {
  const sso = new SSOAdminClient({
    endpoint: emu.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const state = emu.state();
  const setName = new Map((state.permissionSets ?? []).map((p) => [p.arn ?? "", p.name]));
  const principal = new Map<string, string>([
    ...(state.groups ?? []).map((g): [string, string] => [g.id ?? "", g.name]),
    ...(state.users ?? []).map((u): [string, string] => [u.id ?? "", u.userName]),
  ]);
  const InstanceArn = emu.instanceArn;
  const Filter = { Status: "FAILED" as const };
  const out: FailedRequest[] = [];
  try {
    const assignment = (
      d:
        | { TargetId?: string; PermissionSetArn?: string; PrincipalType?: string; PrincipalId?: string }
        | undefined,
    ) =>
      assignmentAddress({
        accountId: d?.TargetId ?? "",
        permissionSet: setName.get(d?.PermissionSetArn ?? "") ?? "",
        principalType: (d?.PrincipalType ?? "GROUP") as PrincipalType,
        principalName: principal.get(d?.PrincipalId ?? "") ?? "",
      });
    const created = await sso.send(new ListAccountAssignmentCreationStatusCommand({ InstanceArn, Filter }));
    for (const s of created.AccountAssignmentsCreationStatus ?? []) {
      const { AccountAssignmentCreationStatus: d } = await sso.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn,
          AccountAssignmentCreationRequestId: s.RequestId,
        }),
      );
      out.push({
        requestId: s.RequestId ?? "",
        address: assignment(d),
        failureReason: d?.FailureReason ?? "",
      });
    }
    const deleted = await sso.send(new ListAccountAssignmentDeletionStatusCommand({ InstanceArn, Filter }));
    for (const s of deleted.AccountAssignmentsDeletionStatus ?? []) {
      const { AccountAssignmentDeletionStatus: d } = await sso.send(
        new DescribeAccountAssignmentDeletionStatusCommand({
          InstanceArn,
          AccountAssignmentDeletionRequestId: s.RequestId,
        }),
      );
      out.push({
        requestId: s.RequestId ?? "",
        address: assignment(d),
        failureReason: d?.FailureReason ?? "",
      });
    }
    const provisionings = await sso.send(
      new ListPermissionSetProvisioningStatusCommand({ InstanceArn, Filter }),
    );
    for (const s of provisionings.PermissionSetsProvisioningStatus ?? []) {
      const { PermissionSetProvisioningStatus: d } = await sso.send(
        new DescribePermissionSetProvisioningStatusCommand({
          InstanceArn,
          ProvisionPermissionSetRequestId: s.RequestId,
        }),
      );
      out.push({
        requestId: s.RequestId ?? "",
        address: `provisioning/${setName.get(d?.PermissionSetArn ?? "") ?? ""}`,
        failureReason: d?.FailureReason ?? "",
      });
    }
  } finally {
    sso.destroy();
  }
  return out;
}
