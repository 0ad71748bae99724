// A small workspace for the dashboard's tests: the lab's clean brand (seed 2) prepared and fitted
// with the fast approximation, both registered as drafts.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { main } from "../../src/cli/main.js";
import { capture } from "../cli/helpers.js";

export async function dashboardWorkspace(): Promise<{ root: string; ws: string; fitId: string }> {
  const root = mkdtempSync(join(tmpdir(), "mmm-serve-"));
  const ws = join(root, "brand");
  const c = capture();
  expect(await main(["simulate", "--scenario", "clean", "--seed", "2", "--out", join(ws, "lab")], c.io)).toBe(
    0,
  );
  expect(await main(["init", ws, "--owner", "ana"], c.io)).toBe(0);
  expect(
    await main(
      [
        "prepare",
        "--config",
        join(ws, "lab", "prepare.yaml"),
        "--out",
        join(ws, "table"),
        "--note",
        "exports",
      ],
      c.io,
    ),
  ).toBe(0);
  const f = capture();
  const fit = ["fit", "--table", join(ws, "table"), "--out", join(ws, "runs", "first"), "--method", "fast"];
  expect(await main([...fit, "--note", "first look", "--quiet"], f.io)).toBe(0);
  const fitId = (f.out.find((l) => l.startsWith("Registered ")) as string).split(" ")[1];
  return { root, ws, fitId };
}
