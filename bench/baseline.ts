import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DescribeGroupCommand,
  DescribeGroupMembershipCommand,
  DescribeUserCommand,
  IdentitystoreClient,
} from "@aws-sdk/client-identitystore";
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListRootsCommand,
  OrganizationsClient,
} from "@aws-sdk/client-organizations";
import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetCommand,
  DescribePermissionSetProvisioningStatusCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListCustomerManagedPolicyReferencesInPermissionSetCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListTagsForResourceCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  PutPermissionsBoundaryToPermissionSetCommand,
  SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { forEachLimited } from "../src/apply/operations.ts";
import type { Seed } from "../src/emulator/index.ts";
import { canonicalJson } from "../src/model/canonical.ts";
import { ScaledStandardRetry } from "./baseline-retry.ts";
import { isMain } from "./main.ts";
import { type TfDiff, type TfInput, type TfResource, type TfType, tfDiff, tfKey } from "./terraform-model.ts";

/**
 * A Terraform-like reader and applier, the benchmark's baseline (ecosystem-performance §2.2 and
 * §2.8 "Baselines"): it stands in for `terraform plan` / `terraform apply` with the AWS
 * provider's IAM Identity Center resources. Run as its own process:
 *
 *   node build/bench/baseline.js plan  --endpoint URL --time-scale K --input tf.json --diff diff.json
 *   node build/bench/baseline.js apply --endpoint URL --time-scale K --diff diff.json [--sample F]
 *
 * - plan refreshes every resource of the state with 10 unpaced workers (Terraform's default
 *   parallelism): one `ListAccountAssignments` over all pages per assignment, Describe and tags
 *   per permission set, one List per policy attachment, Get of the inline policy and boundary,
 *   a Describe per group, user and membership, then diffs with the configuration;
 * - apply walks the diff's dependency graph with 10 workers; each assignment create is a
 *   duplicate check (List, all pages), the create, status polls at 10 s, 15 s, 25 s, 35 s ...
 *   and a read (List again); each attachment and inline policy re-provisions the permission set
 *   to all its accounts and polls from 5 s; identities and permission sets are read after
 *   their create. SDK default retries (3 attempts), plus ConflictException as Terraform adds.
 * - `--sample F` runs only that share of the assignment creates (chosen by a hash of their
 *   address), so a bootstrap that takes hours at AWS speed is measured on a sample; the harness
 *   projects the whole from it.
 *
 * The state file's ids (group, user and membership ids, permission-set ARNs) come from the
 * emulator's `GET /_emulator/state`, which is not an AWS call and is not counted.
 * Prints one JSON `BaselineResult` on stdout.
 */

/** Terraform's default `-parallelism`. */
const WORKERS = 10;
/** `aws_ssoadmin_account_assignment` waiter (§2.2): first poll at 10 s, then 5 s, then every 10 s. */
const ASSIGNMENT_POLLS_S = { first: 10, intervals: [5], every: 10 };
/** Provisioning waiter: `Delay: 5s`, no MinTimeout: 5 s, then 0.1, 0.2, 0.4 ... capped at 10 s. */
const PROVISIONING_POLLS_S = { first: 5, intervals: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4], every: 10 };
/** Create and delete timeouts of the assignment and attachment resources: 5 and 10 minutes. */
const ASSIGNMENT_TIMEOUT_S = 300;
const PROVISIONING_TIMEOUT_S = 600;
const PAGE = 100;
const MS_PER_SECOND = 1000;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const UINT32 = 0x1_0000_0000;
const LOCAL = {
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
} as const;

/** What one kind of task did. */
export interface TaskStats {
  tasks: number;
  ran: number;
  failed: number;
  /** HTTP attempts, retries included. */
  calls: number;
  /** Σ of the tasks' durations, seconds (the time they held a worker). */
  busySeconds: number;
}

export interface BaselineResult {
  mode: "plan" | "apply";
  elapsedSeconds: number;
  /** Per task kind (`refresh:account_assignment`, `create:account_assignment`, ...). */
  tasks: Record<string, TaskStats>;
  /** Errors that surfaced after the SDK's retries, by error name. */
  errors: Record<string, number>;
  /** Retries the SDK refused because its retry-token bucket ran dry ("retry quota exceeded"). */
  retryQuotaRefusals: number;
  /** The share of assignment creates run (apply `--sample`). */
  sample: number;
  /** plan: changes found, by action. */
  diff?: { create: number; update: number; delete: number };
  peakRssMb: number;
}

/** Ids the state file (and later the creates) give each resource. */
interface Ids {
  instanceArn: string;
  identityStoreId: string;
  groups: Record<string, string>;
  users: Record<string, string>;
  memberships: Record<string, string>;
  permissionSets: Record<string, string>;
}

interface DiffFile {
  diff: TfDiff;
  ids: Ids;
}

class Run {
  readonly sso: SSOAdminClient;
  readonly identity: IdentitystoreClient;
  readonly orgs: OrganizationsClient;
  readonly retries: ScaledStandardRetry[] = [];
  readonly tasks = new Map<string, TaskStats>();
  readonly errors = new Map<string, number>();
  readonly timeScale: number;

  constructor(endpoint: string, timeScale: number) {
    this.timeScale = timeScale;
    const config = () => {
      const retryStrategy = new ScaledStandardRetry(timeScale);
      this.retries.push(retryStrategy);
      return { ...LOCAL, endpoint, retryStrategy };
    };
    this.sso = new SSOAdminClient(config());
    this.identity = new IdentitystoreClient(config());
    this.orgs = new OrganizationsClient({ ...config(), region: "us-east-1" });
  }

  sleep(seconds: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, (seconds * MS_PER_SECOND) / this.timeScale));
  }

  stats(kind: string): TaskStats {
    let s = this.tasks.get(kind);
    if (!s) {
      s = { tasks: 0, ran: 0, failed: 0, calls: 0, busySeconds: 0 };
      this.tasks.set(kind, s);
    }
    return s;
  }

  /** Runs one task, counting its calls and time; a failure is recorded, never thrown. */
  async task(kind: string, fn: (send: Send) => Promise<void>): Promise<boolean> {
    const s = this.stats(kind);
    s.ran++;
    const started = performance.now();
    const send: Send = async (client, command) => {
      try {
        const out = await (
          client as { send(c: unknown): Promise<{ $metadata: { attempts?: number } }> }
        ).send(command);
        s.calls += out.$metadata.attempts ?? 1;
        return out as never;
      } catch (error) {
        s.calls += (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        throw error;
      }
    };
    try {
      await fn(send);
      return true;
    } catch (error) {
      s.failed++;
      const name = (error as Error).name || "Error";
      this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
      return false;
    } finally {
      s.busySeconds += (performance.now() - started) / MS_PER_SECOND;
    }
  }

  result(mode: BaselineResult["mode"], started: number, sample: number): BaselineResult {
    return {
      mode,
      elapsedSeconds: (performance.now() - started) / MS_PER_SECOND,
      tasks: Object.fromEntries([...this.tasks].sort(([a], [b]) => a.localeCompare(b))),
      errors: Object.fromEntries(this.errors),
      retryQuotaRefusals: this.retries.reduce((n, r) => n + r.quotaRefusals, 0),
      sample,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    };
  }

  close(): void {
    this.sso.destroy();
    this.identity.destroy();
    this.orgs.destroy();
  }
}

// The SDK's `send` is overloaded per command; the baseline only needs "send this, get its output".
// biome-ignore lint/suspicious/noExplicitAny: the command and output types vary per call site.
type Send = <O = any>(
  client: SSOAdminClient | IdentitystoreClient | OrganizationsClient,
  command: unknown,
) => Promise<O>;

/** A counting semaphore: Terraform's `-parallelism` over the whole graph. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(n: number) {
    this.#free = n;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

/** Ids from the state file stand-in: the emulator's exported state. */
async function stateIds(endpoint: string): Promise<Ids> {
  const response = await fetch(new URL("/_emulator/state", endpoint));
  const seed = (await response.json()) as Seed;
  const index = <T>(items: T[] | undefined, key: (t: T) => string, value: (t: T) => string | undefined) =>
    Object.fromEntries((items ?? []).map((t) => [key(t), value(t) ?? ""]));
  return {
    instanceArn: seed.instance?.arn ?? "",
    identityStoreId: seed.instance?.identityStoreId ?? "",
    groups: index(
      seed.groups,
      (g) => g.name,
      (g) => g.id,
    ),
    users: index(
      seed.users,
      (u) => u.userName,
      (u) => u.id,
    ),
    memberships: index(
      seed.memberships,
      (m) => `${m.group}/${m.user}`,
      (m) => m.id,
    ),
    permissionSets: index(
      seed.permissionSets,
      (p) => p.name,
      (p) => p.arn,
    ),
  };
}

async function allPages<T>(fetchPage: (token: string | undefined) => Promise<{ items: T[]; next?: string }>) {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    out.push(...page.items);
    token = page.next;
  } while (token);
  return out;
}

function principalId(ids: Ids, r: Extract<TfResource, { type: "account_assignment" }>): string {
  return (r.principalType === "GROUP" ? ids.groups : ids.users)[r.principalName] ?? "";
}

function listAssignments(run: Run, send: Send, ids: Ids, accountId: string, permissionSet: string) {
  return allPages<{ PrincipalId?: string }>(async (NextToken) => {
    const out = await send<{ AccountAssignments?: { PrincipalId?: string }[]; NextToken?: string }>(
      run.sso,
      new ListAccountAssignmentsCommand({
        InstanceArn: ids.instanceArn,
        AccountId: accountId,
        PermissionSetArn: ids.permissionSets[permissionSet],
        MaxResults: PAGE,
        NextToken,
      }),
    );
    return { items: out.AccountAssignments ?? [], next: out.NextToken };
  });
}

const notFound = (error: unknown) => (error as Error).name === "ResourceNotFoundException";

/** Reads one resource of the state; returns it as it is live, or null when it is gone. */
async function refreshOne(run: Run, send: Send, ids: Ids, r: TfResource): Promise<TfResource | null> {
  const store = ids.identityStoreId;
  const ps = (name: string) => ({ InstanceArn: ids.instanceArn, PermissionSetArn: ids.permissionSets[name] });
  try {
    switch (r.type) {
      case "group": {
        const g = await send(
          run.identity,
          new DescribeGroupCommand({ IdentityStoreId: store, GroupId: ids.groups[r.name] }),
        );
        return { ...r, name: g.DisplayName, description: g.Description };
      }
      case "user":
        await send(
          run.identity,
          new DescribeUserCommand({ IdentityStoreId: store, UserId: ids.users[r.userName] }),
        );
        return r;
      case "membership":
        await send(
          run.identity,
          new DescribeGroupMembershipCommand({
            IdentityStoreId: store,
            MembershipId: ids.memberships[`${r.group}/${r.user}`],
          }),
        );
        return r;
      case "permission_set": {
        const d = await send(run.sso, new DescribePermissionSetCommand(ps(r.name)));
        const tags = await allPages<{ Key?: string; Value?: string }>(async (NextToken) => {
          const out = await send(
            run.sso,
            new ListTagsForResourceCommand({
              InstanceArn: ids.instanceArn,
              ResourceArn: ids.permissionSets[r.name],
              NextToken,
            }),
          );
          return { items: out.Tags ?? [], next: out.NextToken };
        });
        return {
          ...r,
          description: d.PermissionSet?.Description ?? "",
          sessionDuration: d.PermissionSet?.SessionDuration ?? "PT1H",
          relayState: d.PermissionSet?.RelayState ?? null,
          tags: Object.fromEntries(tags.map((t) => [t.Key ?? "", t.Value ?? ""])),
        };
      }
      case "managed_policy_attachment": {
        const listed = await allPages<{ Arn?: string }>(async (NextToken) => {
          const out = await send(
            run.sso,
            new ListManagedPoliciesInPermissionSetCommand({ ...ps(r.permissionSet), NextToken }),
          );
          return { items: out.AttachedManagedPolicies ?? [], next: out.NextToken };
        });
        return listed.some((p) => p.Arn === r.arn) ? r : null;
      }
      case "customer_managed_policy_attachment": {
        const listed = await allPages<{ Name?: string; Path?: string }>(async (NextToken) => {
          const out = await send(
            run.sso,
            new ListCustomerManagedPolicyReferencesInPermissionSetCommand({
              ...ps(r.permissionSet),
              NextToken,
            }),
          );
          return { items: out.CustomerManagedPolicyReferences ?? [], next: out.NextToken };
        });
        return listed.some((p) => p.Name === r.name && (p.Path ?? "/") === r.path) ? r : null;
      }
      case "inline_policy": {
        const out = await send(run.sso, new GetInlinePolicyForPermissionSetCommand(ps(r.permissionSet)));
        return out.InlinePolicy ? { ...r, policy: canonicalJson(JSON.parse(out.InlinePolicy)) } : null;
      }
      case "permissions_boundary":
        await send(run.sso, new GetPermissionsBoundaryForPermissionSetCommand(ps(r.permissionSet)));
        return r;
      case "account_assignment": {
        const listed = await listAssignments(run, send, ids, r.accountId, r.permissionSet);
        return listed.some((a) => a.PrincipalId === principalId(ids, r)) ? r : null;
      }
    }
  } catch (error) {
    if (notFound(error)) return null;
    throw error;
  }
}

/** `terraform plan`: data sources, then a refresh of every resource of the state, then the diff. */
async function plan(run: Run, endpoint: string, input: TfInput): Promise<DiffFile> {
  const ids = await stateIds(endpoint);
  await run.task("data:instances", async (send) => {
    await send(run.sso, new ListInstancesCommand({}));
  });
  await run.task("data:organization", async (send) => {
    await send(run.orgs, new DescribeOrganizationCommand({}));
    await send(run.orgs, new ListRootsCommand({}));
    await allPages(async (NextToken) => {
      const out = await send(run.orgs, new ListAccountsCommand({ NextToken }));
      return { items: out.Accounts ?? [], next: out.NextToken };
    });
  });
  const refreshed: TfResource[] = [];
  await forEachLimited(input.state, WORKERS, async (r) => {
    const s = run.stats(`refresh:${r.type}`);
    s.tasks++;
    let live: TfResource | null = r;
    const ok = await run.task(`refresh:${r.type}`, async (send) => {
      live = await refreshOne(run, send, ids, r);
    });
    // A read that failed leaves the resource as the state has it (Terraform would stop here).
    if (!ok) live = r;
    if (live) refreshed.push(live);
  });
  return { diff: tfDiff(input.config, refreshed), ids };
}

/** Polls `describe` on Terraform's schedule until the status leaves IN_PROGRESS. */
async function waitFor(
  run: Run,
  schedule: { first: number; intervals: number[]; every: number },
  timeoutSeconds: number,
  describe: () => Promise<{ Status?: string; FailureReason?: string } | undefined>,
): Promise<void> {
  let waited = schedule.first;
  await run.sleep(schedule.first);
  for (let i = 0; ; i++) {
    const status = await describe();
    if (status?.Status === "SUCCEEDED") return;
    if (status?.Status === "FAILED") {
      const error = new Error(status.FailureReason ?? "FAILED");
      error.name = "AsyncFailure";
      throw error;
    }
    const next = schedule.intervals[i] ?? schedule.every;
    if (waited + next > timeoutSeconds) {
      const error = new Error("timeout while waiting for the operation");
      error.name = "WaiterTimeout";
      throw error;
    }
    waited += next;
    await run.sleep(next);
  }
}

async function provisionAll(run: Run, send: Send, ids: Ids, permissionSet: string): Promise<void> {
  const out = await send(
    run.sso,
    new ProvisionPermissionSetCommand({
      InstanceArn: ids.instanceArn,
      PermissionSetArn: ids.permissionSets[permissionSet],
      TargetType: "ALL_PROVISIONED_ACCOUNTS",
    }),
  );
  const requestId = out.PermissionSetProvisioningStatus?.RequestId;
  await waitFor(run, PROVISIONING_POLLS_S, PROVISIONING_TIMEOUT_S, async () => {
    const s = await send(
      run.sso,
      new DescribePermissionSetProvisioningStatusCommand({
        InstanceArn: ids.instanceArn,
        ProvisionPermissionSetRequestId: requestId,
      }),
    );
    return s.PermissionSetProvisioningStatus;
  });
}

/** Creates (or updates in place) one resource the way the provider's Create/Update does. */
async function write(run: Run, send: Send, ids: Ids, r: TfResource): Promise<void> {
  const store = ids.identityStoreId;
  const ps = (name: string) => ({ InstanceArn: ids.instanceArn, PermissionSetArn: ids.permissionSets[name] });
  switch (r.type) {
    case "group": {
      const out = await send(
        run.identity,
        new CreateGroupCommand({ IdentityStoreId: store, DisplayName: r.name, Description: r.description }),
      );
      ids.groups[r.name] = out.GroupId;
      await send(run.identity, new DescribeGroupCommand({ IdentityStoreId: store, GroupId: out.GroupId }));
      return;
    }
    case "user": {
      const out = await send(
        run.identity,
        new CreateUserCommand({
          IdentityStoreId: store,
          UserName: r.userName,
          DisplayName: r.displayName,
          Name: { GivenName: r.givenName, FamilyName: r.familyName },
          Emails: [{ Value: r.email, Type: "work", Primary: true }],
        }),
      );
      ids.users[r.userName] = out.UserId;
      await send(run.identity, new DescribeUserCommand({ IdentityStoreId: store, UserId: out.UserId }));
      return;
    }
    case "membership": {
      const out = await send(
        run.identity,
        new CreateGroupMembershipCommand({
          IdentityStoreId: store,
          GroupId: ids.groups[r.group] ?? "",
          MemberId: { UserId: ids.users[r.user] ?? "" },
        }),
      );
      ids.memberships[`${r.group}/${r.user}`] = out.MembershipId;
      await send(
        run.identity,
        new DescribeGroupMembershipCommand({ IdentityStoreId: store, MembershipId: out.MembershipId }),
      );
      return;
    }
    case "permission_set": {
      const out = await send(
        run.sso,
        new CreatePermissionSetCommand({
          InstanceArn: ids.instanceArn,
          Name: r.name,
          Description: r.description,
          SessionDuration: r.sessionDuration,
          ...(r.relayState ? { RelayState: r.relayState } : {}),
          Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      ids.permissionSets[r.name] = out.PermissionSet?.PermissionSetArn;
      await send(run.sso, new DescribePermissionSetCommand(ps(r.name)));
      await send(
        run.sso,
        new ListTagsForResourceCommand({
          InstanceArn: ids.instanceArn,
          ResourceArn: ids.permissionSets[r.name],
        }),
      );
      return;
    }
    case "managed_policy_attachment":
      await send(run.sso, new ListManagedPoliciesInPermissionSetCommand(ps(r.permissionSet)));
      await send(
        run.sso,
        new AttachManagedPolicyToPermissionSetCommand({ ...ps(r.permissionSet), ManagedPolicyArn: r.arn }),
      );
      await provisionAll(run, send, ids, r.permissionSet);
      await send(run.sso, new ListManagedPoliciesInPermissionSetCommand(ps(r.permissionSet)));
      return;
    case "customer_managed_policy_attachment":
      await send(run.sso, new ListCustomerManagedPolicyReferencesInPermissionSetCommand(ps(r.permissionSet)));
      await send(
        run.sso,
        new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
          ...ps(r.permissionSet),
          CustomerManagedPolicyReference: { Name: r.name, Path: r.path },
        }),
      );
      await provisionAll(run, send, ids, r.permissionSet);
      await send(run.sso, new ListCustomerManagedPolicyReferencesInPermissionSetCommand(ps(r.permissionSet)));
      return;
    case "inline_policy":
      await send(
        run.sso,
        new PutInlinePolicyToPermissionSetCommand({ ...ps(r.permissionSet), InlinePolicy: r.policy }),
      );
      await provisionAll(run, send, ids, r.permissionSet);
      await send(run.sso, new GetInlinePolicyForPermissionSetCommand(ps(r.permissionSet)));
      return;
    case "permissions_boundary":
      await send(
        run.sso,
        new PutPermissionsBoundaryToPermissionSetCommand({
          ...ps(r.permissionSet),
          PermissionsBoundary:
            "managedPolicyArn" in r.boundary
              ? { ManagedPolicyArn: r.boundary.managedPolicyArn }
              : {
                  CustomerManagedPolicyReference: {
                    Name: r.boundary.customerManagedPolicy.name,
                    Path: r.boundary.customerManagedPolicy.path,
                  },
                },
        }),
      );
      await provisionAll(run, send, ids, r.permissionSet);
      await send(run.sso, new GetPermissionsBoundaryForPermissionSetCommand(ps(r.permissionSet)));
      return;
    case "account_assignment": {
      const target = {
        InstanceArn: ids.instanceArn,
        TargetId: r.accountId,
        TargetType: "AWS_ACCOUNT" as const,
        PermissionSetArn: ids.permissionSets[r.permissionSet],
        PrincipalType: r.principalType,
        PrincipalId: principalId(ids, r),
      };
      // The provider lists before creating: AWS does not refuse a duplicate create.
      await listAssignments(run, send, ids, r.accountId, r.permissionSet);
      const out = await send(run.sso, new CreateAccountAssignmentCommand(target));
      const requestId = out.AccountAssignmentCreationStatus?.RequestId;
      await waitFor(run, ASSIGNMENT_POLLS_S, ASSIGNMENT_TIMEOUT_S, async () => {
        const s = await send(
          run.sso,
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: ids.instanceArn,
            AccountAssignmentCreationRequestId: requestId,
          }),
        );
        return s.AccountAssignmentCreationStatus;
      });
      await listAssignments(run, send, ids, r.accountId, r.permissionSet);
      return;
    }
  }
}

async function remove(run: Run, send: Send, ids: Ids, r: TfResource): Promise<void> {
  if (r.type !== "account_assignment") throw new Error(`baseline: deleting ${r.type} is not modelled`);
  const out = await send(
    run.sso,
    new DeleteAccountAssignmentCommand({
      InstanceArn: ids.instanceArn,
      TargetId: r.accountId,
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: ids.permissionSets[r.permissionSet],
      PrincipalType: r.principalType,
      PrincipalId: principalId(ids, r),
    }),
  );
  const requestId = out.AccountAssignmentDeletionStatus?.RequestId;
  await waitFor(run, ASSIGNMENT_POLLS_S, ASSIGNMENT_TIMEOUT_S, async () => {
    const s = await send(
      run.sso,
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: ids.instanceArn,
        AccountAssignmentDeletionRequestId: requestId,
      }),
    );
    return s.AccountAssignmentDeletionStatus;
  });
}

/** What a resource waits for before it can be created: Terraform's references in the configuration. */
function dependencies(r: TfResource): string[] {
  switch (r.type) {
    case "membership":
      return [`group/${r.group}`, `user/${r.user}`];
    case "managed_policy_attachment":
    case "customer_managed_policy_attachment":
    case "inline_policy":
    case "permissions_boundary":
      return [`permission_set/${r.permissionSet}`];
    case "account_assignment":
      return [
        `permission_set/${r.permissionSet}`,
        r.principalType === "GROUP" ? `group/${r.principalName}` : `user/${r.principalName}`,
      ];
    default:
      return [];
  }
}

/** A stable number in [0, 1) from an address (FNV-1a), for sampling. */
export function addressFraction(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME) >>> 0;
  return h / UINT32;
}

/** `terraform apply` of a saved plan: the graph walk, `WORKERS` operations at a time. */
async function apply(run: Run, file: DiffFile, sample: number): Promise<void> {
  const { diff, ids } = file;
  const slots = new Semaphore(WORKERS);
  const done = new Map<string, Promise<boolean>>();
  const start = (action: "create" | "update" | "delete", r: TfResource) => {
    const kind = `${action}:${r.type as TfType}`;
    run.stats(kind).tasks++;
    if (r.type === "account_assignment" && action === "create" && addressFraction(tfKey(r)) >= sample) {
      return Promise.resolve(true);
    }
    const deps = dependencies(r).flatMap((key) => done.get(key) ?? []);
    return (async () => {
      const ready = await Promise.all(deps);
      if (!ready.every(Boolean)) {
        run.stats(kind).failed++;
        return false;
      }
      await slots.acquire();
      try {
        return await run.task(kind, (send) =>
          action === "delete" ? remove(run, send, ids, r) : write(run, send, ids, r),
        );
      } finally {
        slots.release();
      }
    })();
  };
  for (const r of diff.create) done.set(tfKey(r), start("create", r));
  for (const r of diff.update) done.set(tfKey(r), start("update", r));
  for (const r of diff.delete) done.set(`delete:${tfKey(r)}`, start("delete", r));
  await Promise.all(done.values());
}

async function main(argv: string[]): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      "time-scale": { type: "string", default: "1" },
      input: { type: "string" },
      diff: { type: "string" },
      sample: { type: "string", default: "1" },
    },
  });
  const mode = positionals[0];
  const endpoint = values.endpoint;
  const diffPath = values.diff;
  if ((mode !== "plan" && mode !== "apply") || !endpoint || !diffPath) {
    throw new Error(
      "usage: baseline.js plan|apply --endpoint URL --diff FILE [--input FILE] [--time-scale K] [--sample F]",
    );
  }
  const run = new Run(endpoint, Number(values["time-scale"]));
  const started = performance.now();
  try {
    if (mode === "plan") {
      if (!values.input) throw new Error("baseline.js plan needs --input");
      const input = JSON.parse(await readFile(values.input, "utf8")) as TfInput;
      const planned = await plan(run, endpoint, input);
      await writeFile(diffPath, JSON.stringify(planned), "utf8");
      const result = run.result("plan", started, 1);
      result.diff = {
        create: planned.diff.create.length,
        update: planned.diff.update.length,
        delete: planned.diff.delete.length,
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const sample = Number(values.sample);
      const file = JSON.parse(await readFile(diffPath, "utf8")) as DiffFile;
      await apply(run, file, sample);
      process.stdout.write(`${JSON.stringify(run.result("apply", started, sample))}\n`);
    }
  } finally {
    run.close();
  }
}

if (isMain(import.meta.url)) {
  await main(process.argv.slice(2));
}
