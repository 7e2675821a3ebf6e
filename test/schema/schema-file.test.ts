import { readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ACCESS_FILE_SCHEMA } from "../../src/schema/access-schema.ts";
import { formatJson } from "./helpers.ts";

const PUBLISHED = fileURLToPath(new URL("../../schema/accessops.schema.json", import.meta.url));
const ACCESS = fileURLToPath(new URL("../../access/", import.meta.url));

describe("the published JSON Schema", () => {
  it("is the TypeScript source written out (run `npm run schema` after changing the source)", async () => {
    await expect(formatJson(ACCESS_FILE_SCHEMA, PUBLISHED)).toMatchFileSnapshot(PUBLISHED);
  });

  it("is a valid draft 2020-12 schema that describes every property", () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(ACCESS_FILE_SCHEMA)).toBe(true);
    const undocumented: string[] = [];
    const visit = (schema: unknown, path: string) => {
      if (schema === null || typeof schema !== "object") return;
      const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
      for (const [name, sub] of Object.entries(properties)) {
        if (!(sub as { description?: string }).description) undocumented.push(`${path}/${name}`);
        visit(sub, `${path}/${name}`);
      }
      visit((schema as { items?: unknown }).items, `${path}[]`);
    };
    visit(ACCESS_FILE_SCHEMA, "");
    expect(undocumented).toEqual([]);
  });

  it("is what every YAML file of the example points its editor at", () => {
    const files = readdirSync(ACCESS, { recursive: true, encoding: "utf8" }).filter((f) =>
      /\.ya?ml$/.test(f),
    );
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      const depth = file.split(sep).length - 1;
      const firstLine = readFileSync(join(ACCESS, file), "utf8").split("\n")[0];
      expect(firstLine, file).toBe(
        `# yaml-language-server: $schema=${"../".repeat(depth + 1)}schema/accessops.schema.json`,
      );
    }
  });
});
