// Shared set-up of the CLI tests: capture a command's output, and build a small lab run folder
// (simulate 'short' → prepare → a light fit) for commands that read a fit.

import { join } from "node:path";
import { expect } from "vitest";
import { main } from "../../src/cli/main.js";

export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

/** Simulates, prepares and fits the 'short' lab scenario under `root`; returns the run folder. */
export async function smallLabRun(
  root: string,
  seed: number,
  fit: { chains: number; warmup: number; draws: number },
): Promise<string> {
  const c = capture();
  const run = join(root, "run");
  expect(
    await main(["simulate", "--scenario", "short", "--seed", String(seed), "--out", join(root, "lab")], c.io),
  ).toBe(0);
  expect(
    await main(
      ["prepare", "--config", join(root, "lab", "prepare.yaml"), "--out", join(root, "table")],
      c.io,
    ),
  ).toBe(0);
  expect(
    await main(
      [
        "fit",
        "--table",
        join(root, "table"),
        "--out",
        run,
        "--chains",
        String(fit.chains),
        "--warmup",
        String(fit.warmup),
        "--draws",
        String(fit.draws),
        "--quiet",
      ],
      c.io,
    ),
  ).toBe(0);
  return run;
}
