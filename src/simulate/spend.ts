// Weekly media spend paths of the lab brand: a shared budget factor (budgets move together, with
// a Q4 push), channel-level persistence, on/off flights for flighted channels, and the two
// scenario twists (a collinear pair; search spend chasing an unobserved demand shock).

import type { Rng } from "../core/rng.js";
import type { ChannelTemplate, ScenarioSpec } from "./scenarios.js";

/** AR(1) with unit stationary variance. */
function standardAr1(n: number, rho: number, rng: Rng): Float64Array {
  const z = new Float64Array(n);
  const innovation = Math.sqrt(1 - rho * rho);
  z[0] = rng.normal();
  for (let t = 1; t < n; t++) z[t] = rho * z[t - 1] + innovation * rng.normal();
  return z;
}

/** 1 in active weeks, 0 in dark ones: flights of 3–7 weeks separated by 2–8 dark weeks. */
function flightCalendar(n: number, rng: Rng): Float64Array {
  const on = new Float64Array(n);
  let t = rng.integer(0, 4); // start part-way into a dark spell
  while (t < n) {
    const length = rng.integer(3, 7);
    for (let k = 0; k < length && t < n; k++, t++) on[t] = 1;
    t += rng.integer(2, 8);
  }
  return on;
}

export interface SpendPaths {
  /** Weekly spend per channel in whole cents (national), length = weeks. */
  cents: Record<string, Float64Array>;
  /** The unobserved demand shock (endogenous scenario), zero otherwise. */
  demandShock: Float64Array;
  /** The channel levels actually drawn (USD per active week). */
  levels: Record<string, number>;
}

export function simulateSpend(
  spec: ScenarioSpec,
  weeks: number,
  weekMidYearFraction: Float64Array,
  rng: Rng,
): SpendPaths {
  // shared budget factor: a yearly cycle peaking in Q4 plus persistent noise
  const budgetNoise = standardAr1(weeks, 0.85, rng.fork("budget"));
  const budget = new Float64Array(weeks);
  for (let t = 0; t < weeks; t++) {
    const q4 = Math.cos(2 * Math.PI * (weekMidYearFraction[t] - 0.88));
    budget[t] = 0.15 * q4 + 0.08 * budgetNoise[t];
  }

  const demandShock = new Float64Array(weeks);
  if (spec.endogenous) {
    const e = spec.endogenous;
    const z = standardAr1(weeks, e.shockPersistence, rng.fork("demand-shock"));
    for (let t = 0; t < weeks; t++) demandShock[t] = e.shockSd * z[t];
  }

  const z: Record<string, Float64Array> = {};
  for (const ch of spec.channels) z[ch.name] = standardAr1(weeks, 0.6, rng.fork(`persistence:${ch.name}`));
  if (spec.collinear) {
    // the second channel's budget follows the first: mix the first's path into it
    const { a, b, logCorrelation: r } = spec.collinear;
    const mix = Math.sqrt(1 - r * r);
    for (let t = 0; t < weeks; t++) z[b][t] = r * z[a][t] + mix * z[b][t];
  }

  const cents: Record<string, Float64Array> = {};
  const levels: Record<string, number> = {};
  for (const ch of spec.channels) {
    const crng = rng.fork(`spend:${ch.name}`);
    const level = ch.weeklySpend * spec.spendScale * crng.logNormal(0, 0.15);
    levels[ch.name] = level;
    const active = ch.pattern === "flighted" ? flightCalendar(weeks, crng) : new Float64Array(weeks).fill(1);
    if (spec.collinear && ch.name === spec.collinear.b) {
      // collinear budgets are planned together: the follower runs whenever the leader does
      const leader = spec.channels.find((c) => c.name === spec.collinear?.a) as ChannelTemplate;
      if (leader.pattern === "always_on") active.fill(1);
    }
    const vol = ch.volatility;
    const series = new Float64Array(weeks);
    for (let t = 0; t < weeks; t++) {
      if (!active[t]) continue;
      let logSpend = Math.log(level) + ch.budgetLoading * budget[t] + vol * z[ch.name][t] - (vol * vol) / 2;
      if (spec.endogenous && ch.name === spec.endogenous.channel)
        logSpend += spec.endogenous.spendLoading * demandShock[t];
      series[t] = Math.round(Math.exp(logSpend) * 100);
    }
    if (spec.recentShift) {
      // last quarter's re-mix: its own factor per channel, over the last weeks of the history
      // (the week after the history is a partial export week and shifts too)
      const factor = crng.logNormal(0, spec.recentShift.logSd);
      for (let t = Math.max(0, weeks - 1 - spec.recentShift.weeks); t < weeks; t++)
        series[t] = Math.round(series[t] * factor);
    }
    cents[ch.name] = series;
  }
  return { cents, demandShock, levels };
}
