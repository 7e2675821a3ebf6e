import { readFileSync } from "node:fs";

/** The package version, read once from package.json next to the compiled or source tree. */
export function packageVersion(): string {
  const url = new URL("../../package.json", import.meta.url);
  const pkg = JSON.parse(readFileSync(url, "utf8")) as { version: string };
  return pkg.version;
}
