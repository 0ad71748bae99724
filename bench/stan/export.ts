// Stan data for bench/stan/mmm.stan from our model: every design column exactly as
// src/model/design.ts builds it, every prior read from model.params, and the 1:1 map from our
// parameter names (model.names) to Stan's. Also a CLI for a lab scenario:
//
//   npx tsx bench/stan/export.ts --scenario clean --seed 1 [--spec spec.yaml] [--holdout weeks] [--out file.json]

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { buildModelData } from "../../src/model/design.js";
import { MmmModel } from "../../src/model/mmm.js";
import type { Prior } from "../../src/model/priors.js";
import { type ModelSpec, ModelSpecSchema, parseModelSpec } from "../../src/model/spec.js";
import { simulateScenario } from "../../src/simulate/lab.js";

/** Stan's code and hyperparameters [3] of a prior (see the functions block of mmm.stan). */
export function stanPrior(p: Prior): { code: number; hp: [number, number, number] } {
  switch (p.dist) {
    case "normal":
      return { code: 1, hp: [p.mu, p.sigma, 0] };
    case "half_normal":
      return { code: 2, hp: [p.sigma, 0, 0] };
    case "lognormal":
      return { code: 3, hp: [p.mu, p.sigma, 0] };
    case "beta":
      return { code: 4, hp: [p.alpha, p.beta, 0] };
    case "gamma":
      return { code: 5, hp: [p.alpha, p.beta, 0] };
    case "student_t":
      return { code: 6, hp: [p.nu, p.mu, p.sigma] };
    case "exponential":
      return { code: 7, hp: [p.rate, 0, 0] };
  }
}

export interface StanExport {
  /** Data for mmm.stan, in CmdStan's JSON layout (arrays of rows), plus `__meta` and `__shapes`. */
  data: Record<string, unknown>;
  /** Our parameter name → Stan's (rstan's flat name, e.g. "effect[3]"), in model.names order. */
  names: { ours: string; stan: string }[];
}

/**
 * The Stan data for a model. Throws if the model uses a feature mmm.stan does not implement
 * (non-geometric adstock, non-Hill saturation, time-varying intercept, a likelihood other than
 * normal) or a prior whose support gives a bijector other than the Stan declaration's.
 */
export function stanData(model: MmmModel, meta: Record<string, unknown> = {}): StanExport {
  const d = model.data;
  const P = model.params;
  const lay = model.layout;
  const { G, T } = d;
  const unsupported = (what: string) => {
    throw new Error(`bench/stan/mmm.stan does not implement ${what}`);
  };
  if (model.family !== "normal") unsupported(`the '${model.family}' likelihood`);
  if (d.tviKnots > 0) unsupported("the time-varying intercept");
  if (d.organic.length > 0) unsupported("organic channels");
  if (lay.channels.some((c) => c.geo)) unsupported("partially pooled geo effects");
  for (const c of d.channels) {
    if (c.adstock !== "geometric") unsupported(`'${c.adstock}' adstock (channel ${c.name})`);
    if (c.saturation !== "hill") unsupported(`'${c.saturation}' saturation (channel ${c.name})`);
  }
  const names: { ours: string; stan: string }[] = P.map((p) => ({ ours: p.name, stan: "" }));
  const shapes: Record<string, [number, number]> = {};
  const out: Record<string, unknown> = {};
  const rows = (key: string, xs: ArrayLike<number>[], cols: number) => {
    out[key] = xs.map((x) => Array.from(x));
    shapes[key] = [xs.length, cols];
  };
  // one group of parameters: Stan vector `stanName`, our indices, the bijector they must have
  const group = (stanName: string, key: string, idx: number[], bijector: "identity" | "exp" | "logit") => {
    const pd: number[] = [];
    const ph: number[][] = [];
    idx.forEach((i, k) => {
      const p = P[i];
      // Stan's <lower=0> is our exp or softplus: the same support (the transform only changes
      // the sampler's geometry, not the posterior)
      const kind = p.bijector.kind === "softplus" ? "exp" : p.bijector.kind;
      if (kind !== bijector) {
        unsupported(
          `parameter ${p.name} with a ${p.prior.dist} prior (bijector ${p.bijector.kind}, Stan declares ${bijector})`,
        );
      }
      const sp = stanPrior(p.prior);
      pd.push(sp.code);
      ph.push(sp.hp);
      names[i].stan = `${stanName}[${k + 1}]`;
    });
    out[`pd_${key}`] = pd;
    rows(`ph_${key}`, ph, 3);
  };

  // observations
  const obs: number[] = [];
  const yObs: number[] = [];
  for (let i = 0; i < G * T; i++) {
    if (Number.isNaN(d.y[i])) continue;
    obs.push(i + 1);
    yObs.push(d.y[i] / d.obsScale[i]); // as likelihoodData: ys = y ÷ scale
  }
  Object.assign(out, { G, T, T_train: d.trainWeeks, N_obs: obs.length, obs, y_obs: yObs });

  // media
  const C = d.channels.length;
  const Lmax = Math.max(...d.channels.map((c) => c.maxLag));
  Object.assign(out, {
    C,
    Lmax,
    max_lag: d.channels.map((c) => c.maxLag),
    normalize: d.channels.map((c) => (c.normalize ? 1 : 0)),
  });
  rows(
    "x",
    d.channels.map((c) => c.x),
    G * T,
  );

  // baseline
  out.has_trend = lay.trend >= 0 ? 1 : 0;
  out.trend_x = Array.from(d.trend);
  out.K_cp = d.changepointX.length;
  rows("cp_x", d.changepointX, T);
  out.F = d.fourierSin.length;
  rows("sin_x", d.fourierSin, T);
  rows("cos_x", d.fourierCos, T);
  out.H = d.holidays.length;
  rows(
    "hol_x",
    d.holidays.map((h) => h.x),
    T,
  );

  // controls
  const anyIdx: number[] = [];
  const sgnIdx: number[] = [];
  const zAny: Float64Array[] = [];
  const zSgn: Float64Array[] = [];
  const sign: number[] = [];
  d.controls.forEach((c, k) => {
    const i = lay.controls[k];
    if (c.sign === "any") {
      anyIdx.push(i);
      zAny.push(c.z);
    } else {
      if (Boolean(P[i].negate) !== (c.sign === "negative"))
        throw new Error(`control ${c.name}: sign and negate disagree`);
      sgnIdx.push(i);
      zSgn.push(c.z);
      sign.push(c.sign === "negative" ? -1 : 1);
    }
  });
  out.K_any = anyIdx.length;
  rows("z_any", zAny, G * T);
  out.K_sgn = sgnIdx.length;
  rows("z_sgn", zSgn, G * T);
  out.ctrl_sign = sign;

  // priors (and the name map), group by group
  group("intercept", "intercept", lay.intercept, "identity");
  group("trend", "trend", lay.trend >= 0 ? [lay.trend] : [], "identity");
  group("changepoint", "cp", lay.changepoints, "identity");
  group("season_sin", "sin", lay.sin, "identity");
  group("season_cos", "cos", lay.cos, "identity");
  group("holiday", "hol", lay.holidays, "identity");
  group("control_any", "any", anyIdx, "identity");
  group("control_sgn", "sgn", sgnIdx, "exp");
  group(
    "effect",
    "effect",
    lay.channels.map((c) => c.effect),
    "exp",
  );
  group(
    "alpha",
    "alpha",
    lay.channels.map((c) => c.adstock[0]),
    "logit",
  );
  group(
    "saturation",
    "saturation",
    lay.channels.map((c) => c.saturation[0]),
    "logit",
  );
  group(
    "slope",
    "slope",
    lay.channels.map((c) => c.saturation[1]),
    "exp",
  );
  // sigma is a scalar in Stan
  const iSigma = lay.noise[0];
  if (P[iSigma].name !== "sigma" || P[iSigma].bijector.kind !== "exp") unsupported("this noise parameter");
  const sp = stanPrior(P[iSigma].prior);
  out.pd_sigma = sp.code;
  out.ph_sigma = sp.hp;
  names[iSigma].stan = "sigma";

  const missing = names.filter((n) => n.stan === "");
  if (missing.length > 0) unsupported(`parameters ${missing.map((n) => n.ours).join(", ")}`);
  out.__shapes = shapes;
  out.__meta = { ...meta, names, geos: d.geos, yScale: Array.from(d.yScale) };
  return { data: out, names };
}

/** Our model for a lab scenario and seed (default spec unless one is given; last weeks held out if asked). */
export function labModel(
  scenario: string,
  seed: number,
  spec: ModelSpec = ModelSpecSchema.parse({}),
  holdoutWeeks = 0,
): MmmModel {
  const ds = simulateScenario(scenario, seed);
  return new MmmModel(buildModelData(ds.table, spec, { holdoutWeeks }), spec);
}

export function writeStanData(model: MmmModel, file: string, meta: Record<string, unknown> = {}): StanExport {
  const exp = stanData(model, meta);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(exp.data));
  return exp;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "clean" },
      seed: { type: "string", default: "1" },
      spec: { type: "string" },
      holdout: { type: "string", default: "0" },
      out: { type: "string" },
    },
  });
  const scenario = values.scenario as string;
  const seed = Number(values.seed);
  const holdout = Number(values.holdout);
  const spec = values.spec
    ? parseModelSpec(readFileSync(values.spec, "utf8"), values.spec)
    : ModelSpecSchema.parse({});
  const model = labModel(scenario, seed, spec, holdout);
  const file = values.out ?? `bench/results/stan/${scenario}-${seed}.data.json`;
  const exp = writeStanData(model, file, { scenario, seed, holdout, spec: values.spec ?? "default" });
  console.log(`wrote ${file}: G=${model.data.G} T=${model.data.T} dim=${model.dim}`);
  for (const n of exp.names) console.log(`  ${n.ours.padEnd(40)} ${n.stan}`);
}

if (process.argv[1]?.endsWith("export.ts")) main();
