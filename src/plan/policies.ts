import type { PermissionSetEntity } from "../model/state.ts";

/** The AWS-managed policy that grants full access. */
export const ADMINISTRATOR_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";
/** The administrator permission set Control Tower creates. */
export const ADMINISTRATOR_PERMISSION_SET = "AWSAdministratorAccess";
/**
 * IAM lets a role carry 10 managed policies by default; a permission set with more (AWS-managed plus
 * customer-managed) fails to provision unless the IAM quota was raised in every target account.
 */
export const ROLE_MANAGED_POLICY_DEFAULT_QUOTA = 10;

/**
 * An administrator-class permission set: one that carries `AdministratorAccess` or is Control Tower's
 * `AWSAdministratorAccess`. The lockout rail keeps one such assignment in the management account.
 */
export function isAdministratorClass(ps: PermissionSetEntity): boolean {
  return ps.name === ADMINISTRATOR_PERMISSION_SET || ps.managedPolicies.includes(ADMINISTRATOR_POLICY_ARN);
}

/** True when the inline policy has a statement allowing every action on every resource. */
export function inlineAllowsEverything(ps: PermissionSetEntity): boolean {
  if (ps.inlinePolicy === null) return false;
  let doc: unknown;
  try {
    doc = JSON.parse(ps.inlinePolicy);
  } catch {
    return false;
  }
  const statements = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  const isStar = (v: unknown): boolean => v === "*" || (Array.isArray(v) && v.includes("*"));
  return list.some((s) => {
    const st = s as { Effect?: unknown; Action?: unknown; Resource?: unknown } | null;
    return (
      st !== null &&
      typeof st === "object" &&
      st.Effect === "Allow" &&
      isStar(st.Action) &&
      isStar(st.Resource)
    );
  });
}

/** Full access by either route: the managed policy, or an inline allow-all statement. */
export function grantsFullAccess(ps: PermissionSetEntity): boolean {
  return ps.managedPolicies.includes(ADMINISTRATOR_POLICY_ARN) || inlineAllowsEverything(ps);
}
