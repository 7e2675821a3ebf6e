import type { FieldChange } from "../model/plan.ts";
import type { CustomerManagedPolicyRef, PermissionSetEntity, PermissionsBoundary } from "../model/state.ts";
import type { AccessWriter } from "./ports.ts";

/** One writer call on an existing permission set, named by its AWS operation (for the journal). */
export interface PermissionSetStep {
  operation: string;
  run(writer: AccessWriter, arn: string): Promise<unknown>;
}

/** The attributes `UpdatePermissionSet` sets together. */
const ATTRIBUTE_FIELDS = ["description", "sessionDuration", "relayState"] as const;

const refKey = (r: CustomerManagedPolicyRef): string => `${r.path}\u0000${r.name}`;

function minus<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const drop = new Set(b.map(key));
  return a.filter((x) => !drop.has(key(x)));
}

const asList = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const asRecord = (value: unknown): Record<string, string> =>
  value !== null && typeof value === "object" ? (value as Record<string, string>) : {};

/**
 * The calls that bring a live permission set from `fields[*].from` to `after`, one per AWS call,
 * in an order that never trips a quota: every detach before any attach (the 25-policy quota
 * counts both kinds of policy), and
 * nothing that needs re-provisioning is left for later (the executor provisions once, after all
 * steps). An empty `fields` gives no steps.
 */
export function updateSteps(
  after: PermissionSetEntity,
  fields: Record<string, FieldChange>,
): PermissionSetStep[] {
  const steps: PermissionSetStep[] = [];
  if (ATTRIBUTE_FIELDS.some((f) => f in fields)) {
    // UpdatePermissionSet clears what it is not sent, so all three go together.
    steps.push({
      operation: "UpdatePermissionSet",
      run: (w, arn) => w.updatePermissionSetAttributes(arn, after),
    });
  }
  steps.push(...policySteps(fields.managedPolicies, fields.customerManagedPolicies));
  if ("inlinePolicy" in fields) steps.push(inlineStep(after.inlinePolicy));
  if ("permissionsBoundary" in fields) steps.push(boundaryStep(after.permissionsBoundary));
  const tags = fields.tags;
  if (tags) {
    const from = asRecord(tags.from);
    const to = asRecord(tags.to);
    const removed = Object.keys(from).filter((k) => !(k in to));
    const set = Object.fromEntries(Object.entries(to).filter(([k, v]) => from[k] !== v));
    if (removed.length > 0)
      steps.push({ operation: "UntagResource", run: (w, arn) => w.untagPermissionSet(arn, removed) });
    if (Object.keys(set).length > 0)
      steps.push({ operation: "TagResource", run: (w, arn) => w.tagPermissionSet(arn, set) });
  }
  return steps;
}

/**
 * What follows `CreatePermissionSet` (which sets the attributes and tags): the policies and the
 * boundary of `after`.
 */
export function createSteps(after: PermissionSetEntity): PermissionSetStep[] {
  const steps: PermissionSetStep[] = [];
  steps.push(
    ...policySteps({ from: [], to: after.managedPolicies }, { from: [], to: after.customerManagedPolicies }),
  );
  if (after.inlinePolicy !== null) steps.push(inlineStep(after.inlinePolicy));
  if (after.permissionsBoundary !== null) steps.push(boundaryStep(after.permissionsBoundary));
  return steps;
}

/** How to attach and detach one kind of policy list. */
interface ListKind<T> {
  key: (item: T) => string;
  attach: { operation: string; run: (w: AccessWriter, arn: string, item: T) => Promise<void> };
  detach: { operation: string; run: (w: AccessWriter, arn: string, item: T) => Promise<void> };
}

const MANAGED: ListKind<string> = {
  key: String,
  attach: {
    operation: "AttachManagedPolicyToPermissionSet",
    run: (w, arn, p) => w.attachManagedPolicy(arn, p),
  },
  detach: {
    operation: "DetachManagedPolicyFromPermissionSet",
    run: (w, arn, p) => w.detachManagedPolicy(arn, p),
  },
};

const CUSTOMER_MANAGED: ListKind<CustomerManagedPolicyRef> = {
  key: refKey,
  attach: {
    operation: "AttachCustomerManagedPolicyReferenceToPermissionSet",
    run: (w, arn, r) => w.attachCustomerManagedPolicy(arn, r),
  },
  detach: {
    operation: "DetachCustomerManagedPolicyReferenceFromPermissionSet",
    run: (w, arn, r) => w.detachCustomerManagedPolicy(arn, r),
  },
};

/**
 * Every detach of both policy lists, then every attach: AWS's 25-policy quota counts managed and
 * customer-managed policies together, so no attach may come before a detach of either kind.
 */
function policySteps(
  managed: FieldChange | undefined,
  customerManaged: FieldChange | undefined,
): PermissionSetStep[] {
  const m = listSteps(MANAGED, managed);
  const c = listSteps(CUSTOMER_MANAGED, customerManaged);
  return [...m.detach, ...c.detach, ...m.attach, ...c.attach];
}

/** The detaches of what `change.from` has and `change.to` lacks, and the attaches of the reverse. */
function listSteps<T>(
  kind: ListKind<T>,
  change: FieldChange | undefined,
): { detach: PermissionSetStep[]; attach: PermissionSetStep[] } {
  if (!change) return { detach: [], attach: [] };
  const from = asList<T>(change.from);
  const to = asList<T>(change.to);
  const step = (op: ListKind<T>["attach"], item: T): PermissionSetStep => ({
    operation: op.operation,
    run: (w, arn) => op.run(w, arn, item),
  });
  return {
    detach: minus(from, to, kind.key).map((item) => step(kind.detach, item)),
    attach: minus(to, from, kind.key).map((item) => step(kind.attach, item)),
  };
}

function inlineStep(policy: string | null): PermissionSetStep {
  return policy === null
    ? { operation: "DeleteInlinePolicyFromPermissionSet", run: (w, arn) => w.deleteInlinePolicy(arn) }
    : { operation: "PutInlinePolicyToPermissionSet", run: (w, arn) => w.putInlinePolicy(arn, policy) };
}

function boundaryStep(boundary: PermissionsBoundary | null): PermissionSetStep {
  return boundary === null
    ? {
        operation: "DeletePermissionsBoundaryFromPermissionSet",
        run: (w, arn) => w.deletePermissionsBoundary(arn),
      }
    : {
        operation: "PutPermissionsBoundaryToPermissionSet",
        run: (w, arn) => w.putPermissionsBoundary(arn, boundary),
      };
}
