import { canonicalJson } from "../src/model/canonical.ts";
import { DEFAULT_OWNERSHIP_TAG } from "../src/model/config.ts";
import type { BenchBoundary, GeneratedOrg } from "./generate.ts";
import type { BenchAssignment } from "./org.ts";

/**
 * The Terraform-like baseline's view of the organisation: one resource per object, as the
 * Terraform AWS provider models IAM Identity Center (ecosystem-performance §2.2): a permission
 * set, one attachment resource per managed or customer-managed policy, one for the inline
 * policy, one for the boundary, and one `aws_ssoadmin_account_assignment` per assignment.
 * The configuration is what the access files declare; the state is what was last applied.
 */

export type TfResource =
  | { type: "group"; name: string; description: string }
  | {
      type: "user";
      userName: string;
      displayName: string;
      givenName: string;
      familyName: string;
      email: string;
    }
  | { type: "membership"; group: string; user: string }
  | {
      type: "permission_set";
      name: string;
      description: string;
      sessionDuration: string;
      relayState: string | null;
      tags: Record<string, string>;
    }
  | { type: "managed_policy_attachment"; permissionSet: string; arn: string }
  | { type: "customer_managed_policy_attachment"; permissionSet: string; name: string; path: string }
  | { type: "inline_policy"; permissionSet: string; policy: string }
  | { type: "permissions_boundary"; permissionSet: string; boundary: BenchBoundary }
  | {
      type: "account_assignment";
      accountId: string;
      permissionSet: string;
      principalType: "GROUP" | "USER";
      principalName: string;
    };

export type TfType = TfResource["type"];

/** The resource's address: its type and identifying fields (Terraform's `for_each` key). */
export function tfKey(r: TfResource): string {
  switch (r.type) {
    case "group":
      return `group/${r.name}`;
    case "user":
      return `user/${r.userName}`;
    case "membership":
      return `membership/${r.group}/${r.user}`;
    case "permission_set":
      return `permission_set/${r.name}`;
    case "managed_policy_attachment":
      return `managed_policy_attachment/${r.permissionSet}/${r.arn}`;
    case "customer_managed_policy_attachment":
      return `customer_managed_policy_attachment/${r.permissionSet}/${r.path}${r.name}`;
    case "inline_policy":
      return `inline_policy/${r.permissionSet}`;
    case "permissions_boundary":
      return `permissions_boundary/${r.permissionSet}`;
    case "account_assignment":
      return `account_assignment/${r.accountId}/${r.permissionSet}/${r.principalType}/${r.principalName}`;
  }
}

/** What a configuration declares: the organisation's identities and permission sets, and these assignments. */
export interface TfContent {
  assignments: Iterable<BenchAssignment>;
  policies?: ReadonlyMap<string, Record<string, unknown>>;
}

export function tfResources(gen: GeneratedOrg, content: TfContent): TfResource[] {
  const out: TfResource[] = [];
  for (const u of gen.users) {
    out.push({
      type: "user",
      userName: u.userName,
      displayName: u.displayName,
      givenName: u.givenName,
      familyName: u.familyName,
      email: u.email,
    });
  }
  for (const g of gen.groups) {
    out.push({ type: "group", name: g.name, description: g.description });
    for (const user of g.members) out.push({ type: "membership", group: g.name, user });
  }
  for (const ps of gen.permissionSets) {
    out.push({
      type: "permission_set",
      name: ps.name,
      description: ps.description,
      sessionDuration: ps.sessionDuration,
      relayState: ps.relayState,
      // The live permission sets carry accessops's ownership tag; the baseline's configuration
      // declares it too (as a provider's default_tags would), so it is not a difference.
      tags: { ...ps.tags, [DEFAULT_OWNERSHIP_TAG.key]: DEFAULT_OWNERSHIP_TAG.value },
    });
    for (const arn of ps.managedPolicies)
      out.push({ type: "managed_policy_attachment", permissionSet: ps.name, arn });
    for (const ref of ps.customerManagedPolicies) {
      out.push({ type: "customer_managed_policy_attachment", permissionSet: ps.name, ...ref });
    }
    const policy = content.policies?.get(ps.name) ?? ps.inlinePolicy;
    if (policy) out.push({ type: "inline_policy", permissionSet: ps.name, policy: canonicalJson(policy) });
    if (ps.permissionsBoundary) {
      out.push({ type: "permissions_boundary", permissionSet: ps.name, boundary: ps.permissionsBoundary });
    }
  }
  for (const a of content.assignments) {
    out.push({
      type: "account_assignment",
      accountId: a.accountId,
      permissionSet: a.permissionSet,
      principalType: "group" in a.principal ? "GROUP" : "USER",
      principalName: "group" in a.principal ? a.principal.group : a.principal.user,
    });
  }
  return out;
}

/** The baseline's input: configuration and the state file (both by name; ids come from the state). */
export interface TfInput {
  config: TfResource[];
  state: TfResource[];
}

export interface TfDiff {
  create: TfResource[];
  update: TfResource[];
  delete: TfResource[];
}

/**
 * Terraform's plan: configured resources missing from the refreshed state are created, those
 * whose attributes differ are updated, and refreshed resources no longer configured are deleted.
 * What is live but was never in the state is invisible to it.
 */
export function tfDiff(config: readonly TfResource[], refreshed: readonly TfResource[]): TfDiff {
  const live = new Map(refreshed.map((r) => [tfKey(r), r]));
  const wanted = new Set<string>();
  const diff: TfDiff = { create: [], update: [], delete: [] };
  for (const r of config) {
    const key = tfKey(r);
    wanted.add(key);
    const current = live.get(key);
    if (!current) diff.create.push(r);
    else if (canonicalJson(current) !== canonicalJson(r)) diff.update.push(r);
  }
  for (const [key, r] of live) if (!wanted.has(key)) diff.delete.push(r);
  return diff;
}
