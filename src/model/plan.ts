import type { OrphanAssignment } from "./live.ts";
import type { Address, AssignmentEntity, Entity, EntityKind, PrincipalType } from "./state.ts";

/** The plan JSON format version. Bump on incompatible changes; add fields freely. */
export const PLAN_FORMAT_VERSION = 1;

export type ChangeAction = "create" | "update" | "replace" | "delete" | "provision";

export type ChangeKind = EntityKind | "provisioning";

/**
 * One field of an entity that differs between live (`from`) and desired (`to`). Values are the
 * normalised entity values (records for tags, canonical JSON text for inline policies), so a
 * consumer can re-render them; they are never partial patches.
 */
export interface FieldChange {
  from: unknown;
  to: unknown;
}

/** The re-provisioning of one permission set (kind `provisioning`, action `provision`). */
export interface ProvisioningEntity {
  kind: "provisioning";
  permissionSet: string;
  /**
   * `ALL_PROVISIONED_ACCOUNTS` when the permission set itself changes in this plan (every
   * account holding it gets the new version); otherwise the sorted account ids holding a
   * stale copy.
   */
  target: "ALL_PROVISIONED_ACCOUNTS" | { accounts: string[] };
}

/** Why a resolved assignment exists: which rule produced it and what matched the account. */
export interface Provenance {
  /** The rule id (`<file>#<index>`). */
  rule: string;
  file: string;
  line: number;
  matchedBy: "account-id" | "account-name" | "ou" | "tags" | "all";
  /** What matched: the account id or name, the OU path, `env=prod,team=x`, or `all`. */
  match: string;
  expires: string | null;
  reason: string | null;
}

export interface Change {
  address: Address;
  kind: ChangeKind;
  action: ChangeAction;
  /** The live entity; null for creates and provisions. For a replace: the entity being replaced. */
  before: Entity | null;
  /** The desired entity; null for deletes. For a provision: the `ProvisioningEntity`. */
  after: Entity | ProvisioningEntity | null;
  /**
   * Field-level differences, for updates and replaces only, keyed by entity field name. A
   * replace also carries `name` (old name to new name).
   */
  fields?: Record<string, FieldChange>;
  /**
   * For humans only: why this change is planned ("declared in access/x.yaml:12", "expired at
   * ...", "adopted: adds the ownership tag"). The applier never reads it.
   */
  reason: string;
  /** Assignments only: the rules that produce the desired assignment. */
  provenance?: Provenance[];
  /**
   * Permission sets only: the live permission set is declared but not tagged as owned; this
   * update adopts it (adds the ownership tag).
   */
  adopt?: boolean;
  /**
   * Assignment deletes only: the assignment is removed because every rule granting it expired;
   * the latest `expires` instant of those rules (ISO-8601). Machine-readable: `apply
   * --only-expired` keeps exactly the changes that carry it. Absent on every other change.
   */
  expired?: string;
  /**
   * Replaces only: the live name being replaced (from `previously`). The old permission set is
   * deleted by a separate `delete` change in the deletion phase, after its assignments moved.
   */
  replaces?: string;
  /**
   * Set when the change cannot be applied because something it needs does not exist: the address
   * of the missing principal or permission set (for example `group/Okta-Engineering`). The same
   * address is in an `unresolved-principal` safety violation, which is never overridable, so a
   * plan holding a blocked change is always refused. Kept in `changes` so the reviewer sees what
   * the files ask for; renderers show it as blocked, never as access that will be granted.
   */
  blockedBy?: Address;
}

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  provision: number;
  /** All changes. */
  total: number;
  /**
   * How many of the changes are blocked (`Change.blockedBy`), already counted above by action.
   * Present only when some change is blocked.
   */
  blocked?: number;
}

/** What one principal gains and loses through one permission set, across accounts. */
export interface AccessDelta {
  principalType: PrincipalType;
  principalName: string;
  permissionSet: string;
  /** Account ids gaining this access, sorted. */
  gains: string[];
  /** Account ids losing this access, sorted. */
  loses: string[];
  /**
   * A short human description of where, for example `14 accounts under Root/Workloads/Prod`:
   * the gained accounts when there are only gains, the lost ones when there are only losses,
   * both otherwise. For display only; never parse it (use `gains` and `loses`).
   */
  scope: string;
  /** `scope` of the gained accounts alone; empty when nothing is gained. For display only. */
  gainsScope: string;
  /** `scope` of the lost accounts alone; empty when nothing is lost. For display only. */
  losesScope: string;
  /**
   * Set when the gains cannot be granted: the address of the missing principal or permission set
   * (see `Change.blockedBy`). The gains are what the files ask for, not access the plan grants.
   */
  blockedBy?: Address;
}

export type SafetyRule =
  | "max-deletes"
  | "max-delete-percent"
  | "unresolved-principal"
  | "recreated-group"
  | "lockout"
  | "caller-access"
  | "management-account-permission-set";

export interface SafetyViolation {
  rule: SafetyRule;
  /**
   * One sentence with the numbers and the way out, for example "... use --allow-deletes". When
   * the violation is overridable and the plan was made with `--allow-deletes`, it reads as
   * acknowledged instead: "allowed by --allow-deletes: ...".
   */
  message: string;
  addresses: Address[];
  /** Whether `--allow-deletes` (or the Action input) lets the plan through. */
  overridable: boolean;
}

/**
 * What a warning is about. Stable identifiers: the Action and scripts may filter on them.
 * - `account-not-active`: a rule names an account that is not ACTIVE, or selects one by OU or
 *   tags; it was skipped (one warning per account; `all: true` alone never warns).
 * - `rename`: a permission set is replaced under a new name; its IAM roles are recreated.
 * - `admin-policy`: a permission set gains an administrator-class policy.
 * - `admin-access`: a principal gains full administrator access through a permission set (one
 *   warning per principal and set, so a grant stays in sight when a large plan's comment is cut).
 * - `direct-user-assignment`: access is granted to a user rather than a group.
 * - `protected`: a change to a protected object was left out of the plan.
 * - `orphan-assignments`: a managed permission set holds assignments of a deleted principal.
 * - `policy-count`: more managed and customer-managed policies than IAM allows a role by default.
 * - `idp-group`: a declared (managed) group is provisioned by an external IdP through SCIM.
 * - `outside-coverage`: a targeted read left objects out; they were not considered for deletion.
 * - `management-account-unmanaged`: a delegated administrator left management-account assignments
 *   that no rule grants alone (AWS denies it any change there).
 * - `inactive-account-unmanaged`: assignments no rule grants in an account that is not ACTIVE were
 *   left alone (AWS fails every assignment operation there).
 * - `caller-unknown`: accessops runs as a CI role or IAM user, so the caller rail cannot tell whose
 *   access the plan's deletions in that account remove, and no principal is protected.
 */
export type WarningCode =
  | "account-not-active"
  | "rename"
  | "admin-policy"
  | "admin-access"
  | "direct-user-assignment"
  | "protected"
  | "orphan-assignments"
  | "policy-count"
  | "idp-group"
  | "outside-coverage"
  | "management-account-unmanaged"
  | "inactive-account-unmanaged"
  | "caller-unknown";

export interface PlanWarning {
  code: WarningCode;
  /** One sentence for humans: what, to what, and what to do. */
  message: string;
  /** The address the warning is about, when there is one. */
  address?: Address;
}

/** An assignment whose `expires` falls within the look-ahead window (7 days by default). */
export interface ExpiringAccess {
  address: Address;
  expires: string;
  rule: string;
  /**
   * The assignment itself, so renderers can name the account and principal without parsing the
   * address. Written by every plan since it was added; absent in older plan files.
   */
  assignment?: AssignmentEntity;
}

/**
 * The plan: plain, versioned JSON data. Text, markdown and JSON renderers read this same
 * object, and the applier executes `changes` in order. Identical inputs give byte-identical
 * JSON (no timestamps, sorted everything).
 */
export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  instance: { arn: string; identityStoreId: string };
  /** The read mode the live state came from. */
  refresh: "full" | "targeted";
  /** In apply order: the phases of DESIGN.md section 4, sorted by address within a phase. */
  changes: Change[];
  summary: PlanSummary;
  /** Access-level summary per principal and permission set. */
  access: AccessDelta[];
  /** Live addresses accessops saw but does not own; never touched. */
  unmanaged: Address[];
  warnings: PlanWarning[];
  safety: {
    /** False when a violation is present and was not overridden. */
    ok: boolean;
    /** True when `--allow-deletes` was given. */
    deletesAllowed: boolean;
    violations: SafetyViolation[];
  };
  expiring: ExpiringAccess[];
  /**
   * Assignments whose principal no longer exists in the identity store, as read (sorted). They
   * are reported, never deleted by the plan (the change model names principals, and these have
   * only an id).
   */
  orphans: OrphanAssignment[];
  /**
   * Account id to account name, for every account the changes, the access summary, the expiring
   * assignments and the orphans mention. For display only: renderers show
   * `111111111111 prod-payments`.
   */
  accountNames: Record<string, string>;
  /** sha256 (hex) of the canonical JSON of `changes`. */
  checksum: string;
}
