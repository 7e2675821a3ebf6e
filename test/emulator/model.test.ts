import * as identitystoreSdk from "@aws-sdk/client-identitystore";
import * as organizationsSdk from "@aws-sdk/client-organizations";
import * as ssoSdk from "@aws-sdk/client-sso-admin";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { servedOperations } from "../../src/emulator/engine.ts";
import {
  modelRegex,
  type ServiceModel,
  type Shape,
  serviceModels,
  validateInput,
} from "../../src/emulator/model.ts";
import type { ServiceName } from "../../src/emulator/options.ts";
import { failure, type Harness, harness } from "./helpers.ts";

/**
 * The emulator against the official models: every operation it serves exists there with the
 * same required members; every constraint of the model on a request member is enforced; and
 * every constraint the emulator reports is one the model states.
 */

const models = serviceModels();
const served = servedOperations();
const SERVICES: ServiceName[] = ["sso-admin", "identitystore", "organizations"];
const UUID = "0f0e0d0c-0b0a-4908-8706-050403020100";

type AnyCommand = new (input: object) => unknown;
const SDK: Record<ServiceName, Record<string, AnyCommand>> = {
  "sso-admin": ssoSdk as unknown as Record<string, AnyCommand>,
  identitystore: identitystoreSdk as unknown as Record<string, AnyCommand>,
  organizations: organizationsSdk as unknown as Record<string, AnyCommand>,
};

let h: Harness;
beforeAll(async () => {
  h = await harness({
    limits: {
      ssoAdminRatePerSecond: Infinity,
      identityStoreRatePerSecond: Infinity,
      organizationsRatePerSecond: Infinity,
    },
  });
});
afterAll(() => h.close());

function send(service: ServiceName, operation: string, input: object): Promise<unknown> {
  const Command = SDK[service][`${operation}Command`];
  if (!Command) throw new Error(`the SDK has no ${operation}Command`);
  const client = service === "sso-admin" ? h.sso : service === "identitystore" ? h.ids : h.org;
  return (client as unknown as { send(c: unknown): Promise<unknown> }).send(new Command(input));
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Valid sample values for shapes whose pattern a generic string cannot meet. */
function sample(service: ServiceName, shapeName: string): unknown {
  const table: Record<string, unknown> = {
    InstanceArn: h.instanceArn,
    PermissionSetArn: `${h.instanceArn.replace("instance/", "permissionSet/")}/ps-0123456789abcdef`,
    TaggableResourceArn: `${h.instanceArn.replace("instance/", "permissionSet/")}/ps-0123456789abcdef`,
    AccountId: "111111111111",
    TargetId: "111111111111",
    ChildId: "111111111111",
    TaggableResourceId: "111111111111",
    ParentId: "r-abcd",
    OrganizationalUnitId: "ou-abcd-abcdefgh",
    PrincipalId: UUID,
    ResourceId: UUID,
    UUId: UUID,
    IdentityStoreId: h.identityStoreId,
    ManagedPolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
    AttributePath: "displayName",
    PermissionSetPolicyDocument: "{}",
  };
  if (shapeName in table) return table[shapeName];
  const shape = models[service].shapes[shapeName] as Shape;
  if (shape.document) return "value";
  switch (shape.type) {
    case "structure": {
      const members = shape.members ?? {};
      const names = shape.union ? Object.keys(members).slice(-1) : (shape.required ?? []);
      return Object.fromEntries(names.map((m) => [m, sample(service, members[m]?.shape ?? "")]));
    }
    case "list":
      return [sample(service, shape.member?.shape ?? "")];
    case "string":
      return shape.enum ? shape.enum[0] : "a".repeat(Math.max(shape.min ?? 1, 1));
    case "integer":
    case "long":
      return shape.min ?? 1;
    case "boolean":
      return true;
    default:
      return "a";
  }
}

function validInput(service: ServiceName, operation: string): Record<string, unknown> {
  const input = models[service].operations[operation]?.input?.shape;
  return input ? (sample(service, input) as Record<string, unknown>) : {};
}

const CORAL = /at '([^']+)' failed to satisfy constraint: (.*?)(?=; Value|$)/gs;

/** Whether the model states `constraint` for the member at the Coral `path` of the operation's input. */
function inModel(model: ServiceModel, operation: string, path: string, constraint: string): boolean {
  let shapeName = model.operations[operation]?.input?.shape ?? "";
  let parent: Shape | undefined;
  let memberName = "";
  const segments = path.split(".");
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const shape = model.shapes[shapeName] as Shape;
    if (shape.type === "list" && /^\d+$/.test(seg) && segments[i + 1] === "member") {
      shapeName = shape.member?.shape ?? "";
      i++;
      continue;
    }
    const entry = Object.entries(shape.members ?? {}).find(([name]) => lowerFirst(name) === seg);
    if (!entry) return false;
    parent = shape;
    memberName = entry[0];
    shapeName = entry[1].shape;
  }
  const shape = model.shapes[shapeName] as Shape;
  if (constraint === "Member must not be null") return parent?.required?.includes(memberName) ?? false;
  const checks: [RegExp, (m: RegExpExecArray) => boolean][] = [
    [/length less than or equal to (\d+)/, (m) => shape.max === Number(m[1])],
    [/length greater than or equal to (\d+)/, (m) => shape.min === Number(m[1])],
    [/value less than or equal to (\d+)/, (m) => shape.max === Number(m[1])],
    [/value greater than or equal to (\d+)/, (m) => shape.min === Number(m[1])],
    [/regular expression pattern: (.*)$/s, (m) => shape.pattern === m[1]],
    [/enum value set: \[(.*)\]$/, (m) => (shape.enum ?? []).join(", ") === m[1]],
    [/exactly one member set/, () => shape.union === true],
  ];
  return checks.some(([re, ok]) => {
    const m = re.exec(constraint);
    return m !== null && ok(m);
  });
}

/** Every (path, constraint) of the Coral message, each checked against the model. */
function coralConstraints(message: string): [string, string][] {
  return [...message.matchAll(CORAL)].map((m) => [m[1] as string, (m[2] as string).trim()]);
}

describe.each(SERVICES)("%s against its model", (service) => {
  const model = models[service];

  it("serves only operations of the model, each with an SDK command", () => {
    for (const op of served[service]) {
      expect(model.operations[op], op).toBeDefined();
      expect(SDK[service][`${op}Command`], op).toBeDefined();
    }
  });

  it.each(served[service])("%s: an empty request names exactly the model's required members", async (op) => {
    const inputShape = model.shapes[model.operations[op]?.input?.shape ?? ""];
    const required = (inputShape?.required ?? []).map(lowerFirst).sort();
    if (required.length === 0) {
      await send(service, op, {});
      return;
    }
    const error = await failure(send(service, op, {}));
    expect(error.name).toBe(service === "organizations" ? "InvalidInputException" : "ValidationException");
    const reported = coralConstraints(error.message)
      .filter(([, c]) => c === "Member must not be null")
      .map(([p]) => p)
      .sort();
    expect(reported).toEqual(required);
  });

  it.each(served[service])("%s: a request meeting the model passes validation", async (op) => {
    const input = validInput(service, op);
    expect(validateInput(model, op, input)).toEqual([]);
    try {
      await send(service, op, input);
    } catch (error) {
      expect((error as Error).message).not.toMatch(CORAL);
    }
  });

  it.each(served[service])(
    "%s: every top-level constraint of the model is enforced, as the model states it",
    async (op) => {
      const inputShape = model.shapes[model.operations[op]?.input?.shape ?? ""];
      for (const [member, { shape: shapeName }] of Object.entries(inputShape?.members ?? {})) {
        const shape = model.shapes[shapeName] as Shape;
        const bad: unknown[] = [];
        if (shape.type === "string" && shape.enum) bad.push("NOT_A_VALUE");
        else if (shape.type === "string") {
          if (shape.max !== undefined && shape.max < 70_000) bad.push("a".repeat(shape.max + 1));
          if ((shape.min ?? 0) > 0) bad.push("");
          if (shape.pattern !== undefined) {
            const length = Math.max(shape.min ?? 1, 1);
            const miss = ["\u0001", "#", " ", "!", "é"]
              .map((c) => c.repeat(length))
              .find((v) => !modelRegex(shape.pattern as string).test(v));
            if (miss !== undefined && (shape.max === undefined || miss.length <= shape.max)) bad.push(miss);
          }
        } else if (shape.type === "integer") {
          if (shape.max !== undefined) bad.push(shape.max + 1);
          if (shape.min !== undefined) bad.push(shape.min - 1);
        } else if (shape.type === "list") {
          if (shape.max !== undefined)
            bad.push(Array.from({ length: shape.max + 1 }, () => sample(service, shape.member?.shape ?? "")));
          if ((shape.min ?? 0) > 0) bad.push([]);
        }
        for (const value of bad) {
          const input = { ...validInput(service, op), [member]: value };
          const error = await failure(send(service, op, input));
          const found = coralConstraints(error.message).filter(([path]) => path === lowerFirst(member));
          expect(
            found.length,
            `${op}.${member} = ${JSON.stringify(value).slice(0, 40)}: ${error.message}`,
          ).toBe(1);
          for (const [path, constraint] of found)
            expect(inModel(model, op, path, constraint), constraint).toBe(true);
        }
      }
    },
  );
});

describe("patterns", () => {
  it("compile from every shape of the three models as whole-value, Unicode regular expressions", () => {
    for (const model of Object.values(models)) {
      for (const shape of Object.values(model.shapes)) {
        if (shape.pattern !== undefined) expect(() => modelRegex(shape.pattern as string)).not.toThrow();
      }
    }
  });

  it.each([
    ["PermissionSetName", "Admin.Access@x", true],
    ["PermissionSetName", "Admin Access", false],
    ["PermissionSetName", "x\nAdmin", false],
    ["RelayState", "https://console.aws.amazon.com/a b(c)", true],
    ["RelayState", "tab\there", false],
    ["AccountId", "123456789012", true],
    ["AccountId", "1234567890123", false],
    ["TagKey", "Ünïcode key", true],
    ["UUId", "0f0e0d0c-0b0a-4908-8706-050403020100", true],
    ["UUId", "0F0E0D0C-0B0A-4908-8706-050403020100", false],
  ])("sso-admin %s %j matches: %s", (shape, value, ok) => {
    expect(modelRegex(models["sso-admin"].shapes[shape]?.pattern as string).test(value)).toBe(ok);
  });

  it.each([
    ["d-1234567890", true],
    ["0f0e0d0c-0b0a-4908-8706-050403020100", true],
    ["d-123456789", false],
    ["xd-1234567890", false],
  ])("identitystore IdentityStoreId %j matches: %s", (value, ok) => {
    expect(modelRegex(models.identitystore.shapes.IdentityStoreId?.pattern as string).test(value)).toBe(ok);
  });
});
