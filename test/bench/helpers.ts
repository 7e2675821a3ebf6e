import type { BenchOrg } from "../../bench/org.ts";
import type { OrgSnapshot } from "../../src/model/live.ts";
import { loadDocuments, memoryPolicyReader } from "../../src/schema/load.ts";

/** A fixed instant, so that no generated rule ever counts as expired. */
export const NOW = new Date("2026-06-01T00:00:00.000Z");

/** Loads an access directory held in memory with accessops's loader (`accessops validate`). */
export function loadFiles(files: ReadonlyMap<string, string>) {
  const documents = [...files]
    .filter(([path]) => path.endsWith(".yaml"))
    .map(([path, text]) => ({ path, text }));
  const policies = Object.fromEntries([...files].filter(([path]) => path.endsWith(".json")));
  return loadDocuments(documents, {
    dir: "/bench/access",
    now: NOW,
    readPolicyFile: memoryPolicyReader(policies),
  });
}

/** The organisation as accessops's reader would see it. */
export function snapshotOf(org: BenchOrg): OrgSnapshot {
  return {
    rootId: "r-bench",
    managementAccountId: org.management.id,
    accounts: org.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      email: `${a.name}@example.com`,
      state: a.state,
      tags: a.tags,
      ouPath: a.ou,
    })),
    ous: org.ous.map((o) => ({
      id: `ou-${o.path}`,
      name: o.path.slice(o.path.lastIndexOf("/") + 1),
      path: o.path,
      parentId: o.path.split("/").length === 2 ? "r-bench" : `ou-${o.path.slice(0, o.path.lastIndexOf("/"))}`,
    })),
  };
}
