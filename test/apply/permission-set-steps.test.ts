import { describe, expect, it } from "vitest";
import { updateSteps } from "../../src/apply/permission-set-steps.ts";
import type { AccessWriter } from "../../src/apply/ports.ts";
import type { CustomerManagedPolicyRef, PermissionSetEntity } from "../../src/model/state.ts";

/** AWS's quota: managed and customer-managed policies together, per permission set. */
const POLICY_QUOTA = 25;

const managed = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `arn:aws:iam::aws:policy/P${from + i}`);
const customer = (from: number, to: number): CustomerManagedPolicyRef[] =>
  Array.from({ length: to - from }, (_, i) => ({ name: `C${from + i}`, path: "/" }));

/** Counts the policies attached while the steps run, as AWS's quota does. */
function policyCounter(start: number) {
  let attached = start;
  let peak = start;
  const attach = async (): Promise<void> => {
    attached++;
    peak = Math.max(peak, attached);
  };
  const detach = async (): Promise<void> => {
    attached--;
  };
  // Only the four policy calls are reached by these steps.
  const writer = {
    attachManagedPolicy: attach,
    attachCustomerManagedPolicy: attach,
    detachManagedPolicy: detach,
    detachCustomerManagedPolicy: detach,
  } as unknown as AccessWriter;
  return { writer, peak: () => peak, attached: () => attached };
}

describe("updateSteps", () => {
  it.each([
    { name: "customer-managed shrink, managed growth", from: [10, 15], to: [15, 10] },
    { name: "managed shrink, customer-managed growth", from: [15, 10], to: [10, 15] },
    { name: "a full swap of both lists", from: [12, 13], to: [13, 12] },
  ])("never holds more than 25 policies on the way: $name", async ({ from, to }) => {
    const [fromManaged, fromCustomer] = from as [number, number];
    const [toManaged, toCustomer] = to as [number, number];
    const after: PermissionSetEntity = {
      kind: "permissionSet",
      name: "Ops",
      description: null,
      sessionDuration: "PT1H",
      relayState: null,
      managedPolicies: managed(100, 100 + toManaged),
      customerManagedPolicies: customer(100, 100 + toCustomer),
      inlinePolicy: null,
      permissionsBoundary: null,
      tags: {},
    };
    const steps = updateSteps(after, {
      managedPolicies: { from: managed(0, fromManaged), to: after.managedPolicies },
      customerManagedPolicies: { from: customer(0, fromCustomer), to: after.customerManagedPolicies },
    });
    const counter = policyCounter(fromManaged + fromCustomer);
    for (const step of steps) await step.run(counter.writer, "arn:ps");
    expect(counter.attached()).toBe(toManaged + toCustomer);
    expect(counter.peak()).toBeLessThanOrEqual(POLICY_QUOTA);
  });
});
