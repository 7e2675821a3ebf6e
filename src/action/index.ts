/** The Action's entry point (bundled to dist/index.js): runs it once; the outcome is in the outputs. */
import { runAction } from "./main.ts";

await runAction();
