// Does `mmm next-test` rank tests by what they are worth? On `clean`, per seed: fit, rank the
// candidates, then for the top-ranked and the median-ranked candidate simulate the test from the
// truth (true lift through the true response at the test's spend change, plus read-out noise of
// the stated SE), refit with it as a calibration term, and score the default plan's true regret
// before and after. Target: the top candidate's regret reduction ≥ the median one's in ≥ 7 of 10.
// Run: npx tsx bench/nextTest.ts [--seeds 1-10]

import { Rng } from "../src/core/rng.js";
import { rankNextTests, type TestCandidate } from "../src/experiments/nextTest.js";
import { pooledDraws } from "../src/inference/sample.js";
import type { LiftTest } from "../src/model/experimentLift.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { channelContribution } from "../src/simulate/response.js";
import { truthMediaParams } from "../src/simulate/truth.js";
import { arg, benchFit, defaultPlanRegret, table, writeResult } from "./lib.js";

const m = /^(\d+)-(\d+)$/.exec(arg("seeds", "1-10"));
const seeds = m
  ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i)
  : arg("seeds", "1").split(",").map(Number);
const READOUT = 2;

type Ds = ReturnType<typeof simulateScenario>;

/**
 * The candidate run in the lab: its true lift (doing the test on the last weeks' spend minus not
 * doing it) plus noise, written as a calibration row in the data's "observed minus undone" form —
 * the data do not contain this test, so the row undoes the opposite change: spend −Δ, lift −lift.
 */
function simulatedRead(ds: Ds, c: TestCandidate, rng: Rng): LiftTest {
  const p = truthMediaParams(ds.truth).find((q) => q.name === c.channel);
  if (!p) throw new Error(`no truth for ${c.channel}`);
  const T = ds.table.weeks.length;
  const end = T - 1 - READOUT;
  const start = end - c.weeks + 1;
  // the channel's national weekly spend, from the table
  const name = ds.table.channels.find((k) => k.name === c.channel)?.spend;
  const col = ds.table.columns.find((k) => k.name === name);
  if (!col) throw new Error(`no spend column for ${c.channel}`);
  const spend = Float64Array.from(col.values.subarray(0, T));
  const changed = Float64Array.from(spend);
  for (let t = start; t <= end; t++) changed[t] = c.kind === "go_dark" ? 0 : 2 * spend[t];
  const a = channelContribution(p, 0, changed);
  const b = channelContribution(p, 0, spend);
  let lift = 0;
  for (let t = start; t <= end + READOUT; t++) lift += a[t] - b[t];
  const measured = lift + rng.normal(0, c.se);
  return {
    id: `next:${c.kind}:${c.channel}:${c.weeks}`,
    channel: c.channel,
    geos: "all",
    start: new Date(ds.table.weeks[start] * 86400000).toISOString().slice(0, 10),
    end: new Date(ds.table.weeks[end] * 86400000).toISOString().slice(0, 10),
    spendChange: -c.spendChange,
    lift: -measured,
    liftSe: c.se,
    readoutWeeks: READOUT,
  };
}

const rows: Record<string, number | string | boolean>[] = [];
for (const seed of seeds) {
  const ds = simulateScenario("clean", seed);
  const base = await benchFit(ds.table, {}, { seed });
  const before = defaultPlanRegret(ds, base, seed);
  const ranked = rankNextTests(base.model, pooledDraws(base.posterior), { seed }).candidates.filter(
    (c) => c.reliable,
  );
  const top = ranked[0];
  const mid = ranked[Math.floor(ranked.length / 2)];
  const rng = new Rng(`next-test-bench:${seed}`);
  const after = async (c: TestCandidate) =>
    defaultPlanRegret(ds, await benchFit(ds.table, {}, { seed }, [simulatedRead(ds, c, rng)]), seed);
  const topAfter = await after(top);
  const midAfter = await after(mid);
  rows.push({
    seed,
    top: `${top.kind} ${top.channel} ${top.weeks}w`,
    topEvsi: top.evsi,
    median: `${mid.kind} ${mid.channel} ${mid.weeks}w`,
    medianEvsi: mid.evsi,
    regretBefore: before,
    reductionTop: before - topAfter,
    reductionMedian: before - midAfter,
    topAtLeastMedian: before - topAfter >= before - midAfter - 1e-9,
  });
  console.error(
    `seed ${seed}: regret ${before.toFixed(4)} → top ${topAfter.toFixed(4)}, median ${midAfter.toFixed(4)}`,
  );
}
const wins = rows.filter((r) => r.topAtLeastMedian).length;
console.log("\n== next-test on clean: realised regret reduction of the top vs the median candidate\n");
console.log(
  table(
    rows.map((r) => [
      r.seed as number,
      r.top as string,
      (r.reductionTop as number).toFixed(4),
      r.median as string,
      (r.reductionMedian as number).toFixed(4),
    ]),
    ["seed", "top candidate", "regret cut", "median candidate", "regret cut"],
  ),
);
console.log(`top ≥ median in ${wins} of ${rows.length} seeds (target ≥ 7 of 10)`);
console.log(`→ ${writeResult("next-test", { wins, seeds: rows.length, rows })}`);
