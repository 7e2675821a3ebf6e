import type { Address, Entity, EntityKind, PrincipalType } from "./state.ts";

/** The plan JSON format version. Bump on incompatible changes; add fields freely. */
export const PLAN_FORMAT_VERSION = 1;

export type ChangeAction = "create" | "update" | "replace" | "delete" | "provision";

export type ChangeKind = EntityKind | "provisioning";

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
  /** Field-level differences, for updates and replaces only. */
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
   * Replaces only: the live name being replaced (from `previously`). The old permission set is
   * deleted by a separate `delete` change in the deletion phase, after its assignments moved.
   */
  replaces?: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  replace: number;
  delete: number;
  provision: number;
  /** All changes. */
  total: number;
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
   * A short human description of where, for example `14 accounts under Root/Workloads/Prod`.
   * For display only.
   */
  scope: string;
}

export type SafetyRule =
  | "max-deletes"
  | "max-delete-percent"
  | "protected"
  | "unresolved-principal"
  | "recreated-group"
  | "lockout";

export interface SafetyViolation {
  rule: SafetyRule;
  /** One sentence with the numbers and the way out, for example "... use --allow-deletes". */
  message: string;
  addresses: Address[];
  /** Whether `--allow-deletes` (or the Action input) lets the plan through. */
  overridable: boolean;
}

export interface PlanWarning {
  code: string;
  message: string;
  address?: Address;
}

/** An assignment whose `expires` falls within the look-ahead window (7 days by default). */
export interface ExpiringAccess {
  address: Address;
  expires: string;
  rule: string;
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
  /** sha256 (hex) of the canonical JSON of `changes`. */
  checksum: string;
}
