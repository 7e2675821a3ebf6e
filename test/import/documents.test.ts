import { describe, expect, it } from "vitest";
import { importLive } from "../../src/import/index.ts";
import type { Entity } from "../../src/model/state.ts";
import { e, live, MANAGEMENT, PROD_PAYMENTS, PROD_WEB, standardOrg } from "../plan/builders.ts";
import { NOW } from "./harness.ts";

const POLICY = '{"Statement":[{"Action":"s3:*","Effect":"Deny","Resource":"*"}],"Version":"2012-10-17"}';
const options = { region: "eu-west-1", schema: "https://example.com/accessops.schema.json", now: NOW };

describe("import documents", () => {
  it("splits a large list into numbered files under the size budget, all loading together", async () => {
    // Long names (groups may have up to 1,024 characters) reach the budget with few rules.
    const groups = 2500;
    const entities: Entity[] = [e.permissionSet("ReadOnly")];
    for (let g = 0; g < groups; g++) {
      const name = `team-${String(g).padStart(5, "0")}-${"with-a-long-descriptive-name-".repeat(5)}`;
      entities.push(e.group(name), e.assignment(g % 2 ? PROD_PAYMENTS : PROD_WEB, "ReadOnly", name));
    }
    const result = await importLive(live(entities), options);
    const assignmentFiles = result.files.filter((f) => f.path.startsWith("assignments/"));
    expect(assignmentFiles.map((f) => f.path)).toEqual([
      "assignments/groups-1.yaml",
      "assignments/groups-2.yaml",
    ]);
    for (const f of assignmentFiles) expect(Buffer.byteLength(f.text)).toBeLessThanOrEqual(512 * 1024);
    expect(result.config.assignments).toHaveLength(groups);
    expect(result.unexpected).toEqual([]);
    // A URL schema is used as it is, whatever the depth.
    expect(assignmentFiles[1]?.text.split("\n")[0]).toBe(
      "# yaml-language-server: $schema=https://example.com/accessops.schema.json",
    );
  });

  it("names policy files safely: no dot files, no clash on a case-insensitive disk", async () => {
    const result = await importLive(
      live([
        e.permissionSet("Admin", { inlinePolicy: POLICY }),
        e.permissionSet("admin", { inlinePolicy: POLICY }),
        e.permissionSet(".hidden", { inlinePolicy: POLICY }),
      ]),
      options,
    );
    expect(result.files.filter((f) => f.path.startsWith("policies/")).map((f) => f.path)).toEqual([
      "policies/Admin.json",
      "policies/_.hidden.json",
      "policies/admin-2.json",
    ]);
    expect(result.config.permissionSets.map((p) => [p.name, p.inlinePolicy])).toEqual([
      [".hidden", POLICY],
      ["Admin", POLICY],
      ["admin", POLICY],
    ]);
    expect(result.unexpected).toEqual([]);
  });

  it("writes an account id where the name is shared or could be read as an id", async () => {
    const org = standardOrg();
    org.accounts = org.accounts.map((a) =>
      a.id === PROD_PAYMENTS
        ? { ...a, name: "prod-web" }
        : a.id === MANAGEMENT
          ? { ...a, name: "000000000001" }
          : a,
    );
    const result = await importLive(
      live(
        [
          e.group("G"),
          e.permissionSet("P"),
          e.assignment(PROD_PAYMENTS, "P", "G"),
          e.assignment(MANAGEMENT, "P", "G"),
        ],
        { org },
      ),
      options,
    );
    expect(result.config.assignments.map((r) => r.targets.accounts)).toEqual([[MANAGEMENT, PROD_PAYMENTS]]);
    expect(result.config.settings.region).toBe("eu-west-1");
    expect(result.unexpected).toEqual([]);
  });
});
