/**
 * Builds the Action's committed bundle, `dist/index.js`: `src/action/index.ts` and every
 * dependency in one ESM file for Node 20 and 24, with fixed options, so the same sources and
 * `node_modules` always give the same bytes. `npm run build:action` writes it; a test rebuilds it
 * in memory and fails when the committed bundle differs. Imports only esbuild and Node built-ins:
 * the build script is this file alone, transpiled.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";

/** The repository root: this file is `src/action/bundle.ts` (or its transpiled copy two levels down in build/). */
export const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Dependencies written as CommonJS call `require` for Node built-ins; an ESM bundle has no
 * `require`, so the bundle makes one. The name is unusual so no bundled code can shadow it.
 */
const REQUIRE_SHIM =
  'import { createRequire as __accessopsCreateRequire } from "node:module";\nconst require = __accessopsCreateRequire(import.meta.url);';

/** Tells Node the bundle is ESM wherever the Action is checked out (the root package.json says so too). */
const DIST_PACKAGE_JSON = `${JSON.stringify({ type: "module" }, null, 2)}\n`;

/** The esbuild options: every one fixed here, so the output depends only on the inputs. */
export function actionBuildOptions(root: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: ["src/action/index.ts"],
    outfile: "dist/index.js",
    bundle: true,
    platform: "node",
    format: "esm",
    // The oldest Node the bundle runs on (our tests); GitHub's runners use node24.
    target: "node20",
    banner: { js: REQUIRE_SHIM },
    charset: "utf8",
    // Module paths as found under the root, so a build in a clean export whose node_modules is a
    // link to this checkout's gives the same bytes.
    preserveSymlinks: true,
    legalComments: "eof",
    minify: false,
    sourcemap: false,
    treeShaking: true,
    logLevel: "warning",
    write: false,
  };
}

/** The files of `dist/`, relative to the repository root, with their bytes. */
export async function buildAction(root: string = REPOSITORY_ROOT): Promise<Map<string, Uint8Array>> {
  const result = await build(actionBuildOptions(root));
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles ?? [])
    files.set(relative(root, file.path).split(sep).join("/"), file.contents);
  files.set("dist/package.json", new TextEncoder().encode(DIST_PACKAGE_JSON));
  return files;
}

/**
 * `npm run build:action`: writes `dist/` of this checkout, or of the directory given as the first
 * argument (a clean export of a commit, to build exactly what is committed).
 */
async function main(root = REPOSITORY_ROOT): Promise<void> {
  for (const [path, contents] of await buildAction(root)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, contents);
    process.stdout.write(`wrote ${path} (${contents.byteLength.toLocaleString("en-US")} bytes)\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2] === undefined ? undefined : `${resolve(process.argv[2])}/`);
}
