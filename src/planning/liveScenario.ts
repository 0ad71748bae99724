// A scenario re-evaluated on every change of a plan: the dashboard's planner (in a Web Worker)
// keeps each channel's value per posterior draw and recomputes only the channels whose amount
// moved. The numbers are `mmm scenario`'s to the bit: the same valuation (PlanValuer), the same
// draws, the channels summed in the same order, the same summaries.

import { thinned } from "../analysis/measures.js";
import { type ReturnUnits, returnUnits } from "../analysis/returnUnits.js";
import { type Interval, probabilityAbove, summarise } from "../analysis/summaries.js";
import { MmmError } from "../core/errors.js";
import type { MmmModel } from "../model/mmm.js";
import { type ChannelPlanContext, type PlanContext, planContext } from "./context.js";
import { type InFlight, PlanValuer } from "./planValue.js";
import type { ScenarioOptions } from "./scenario.js";

export interface LiveRow {
  channel: string;
  reference: number;
  planned: number;
  /** Weekly spend above the largest week seen in the data: the model extrapolates. */
  extrapolated: boolean;
  /** Value per extra currency unit at the planned amount, per draw summarised. */
  mroi: Interval;
  /** P(marginal return > 1): one more unit of spend pays for itself (valued KPI only). */
  pMroiAbove1: number | null;
}

export interface LiveResult {
  rows: LiveRow[];
  total: number;
  referenceTotal: number;
  /** Incremental value of the plan over spending nothing in the horizon (carryover included). */
  value: Interval;
  /** Plan minus reference plan, per draw. */
  gain: Interval;
  /** P(gain > 0): `mmm scenario`'s P(better than reference). */
  pBetter: number;
  /** The gain per draw (for its distribution on screen). */
  gainDraws: Float64Array;
  /**
   * The gain less the extra spend (the plan's total minus the reference's), per draw, and
   * P(> 0): whether the move pays for itself. Null when the KPI has no value in currency.
   */
  net: Interval | null;
  pNet: number | null;
}

interface ChannelState {
  amount: number;
  values: Float64Array;
  mroi: Float64Array;
}

export class ScenarioSession {
  readonly context: PlanContext;
  readonly rows: Float64Array[];
  readonly returnUnits: ReturnUnits;
  readonly valueUnit: string;
  readonly horizonWeeks: number;
  private readonly valuer: PlanValuer;
  private readonly referenceValues: Float64Array;
  private readonly state: ChannelState[];
  /** Per channel and draw, the carryover already in flight: computed once, reused by every move. */
  private readonly inFlight: InFlight[][];
  private readonly valued: boolean;

  constructor(model: MmmModel, draws: Float64Array, options: ScenarioOptions) {
    this.context = planContext(model, options);
    this.horizonWeeks = options.horizonWeeks;
    this.rows = thinned(draws, model.dim, options.maxDraws ?? 1000);
    const d = model.data;
    this.valued = Boolean(d.valuePerUnit);
    this.valueUnit = d.valuePerUnit ? d.currency : d.kpi;
    this.valuer = new PlanValuer(model, options, d.valuePerUnit ?? 1);
    this.inFlight = this.context.channels.map(() => this.rows.map(() => PlanValuer.emptyInFlight()));
    this.state = this.context.channels.map((c) => this.channelState(c, c.current));
    this.referenceValues = this.sum();
    this.returnUnits = returnUnits(
      { valuePerUnit: d.valuePerUnit ?? null, kpi: d.kpi, currency: d.currency },
      this.state.map((s) => summarise(s.mroi).mean),
    );
  }

  get channels(): ChannelPlanContext[] {
    return this.context.channels;
  }

  /** The plan with `amounts` (one per channel, currency over the horizon) against the reference. */
  evaluate(amounts: ArrayLike<number>): LiveResult {
    const channels = this.context.channels;
    if (amounts.length !== channels.length)
      throw new MmmError(
        "E_BAD_OPTION",
        `A plan needs one amount per channel (${channels.length}), got ${amounts.length}.`,
        {},
        `give amounts for ${channels.map((c) => c.name).join(", ")}`,
      );
    channels.forEach((c, i) => {
      const a = amounts[i];
      if (!(a >= 0) || !Number.isFinite(a))
        throw new MmmError(
          "E_BAD_OPTION",
          `The plan's amount for ${c.name} is ${a}: spend must be a finite amount ≥ 0.`,
          { key: c.name },
          "enter an amount of zero or more",
        );
      if (this.state[i].amount !== a) this.state[i] = this.channelState(c, a);
    });
    const values = this.sum();
    const gain = values.map((v, k) => v - this.referenceValues[k]);
    const H = this.horizonWeeks;
    const total = channels.reduce((s, _, i) => s + amounts[i], 0);
    const referenceTotal = channels.reduce((s, c) => s + c.current, 0);
    const extra = total - referenceTotal;
    return {
      rows: channels.map((c, i) => ({
        channel: c.name,
        reference: c.current,
        planned: amounts[i],
        extrapolated: amounts[i] / H > c.maxWeekly * (1 + 1e-9),
        mroi: summarise(this.state[i].mroi),
        pMroiAbove1: this.valued ? probabilityAbove(this.state[i].mroi, 1) : null,
      })),
      total,
      referenceTotal,
      value: summarise(values),
      gain: summarise(gain),
      pBetter: probabilityAbove(gain, 0),
      gainDraws: gain,
      net: this.valued ? summarise(gain.map((g) => g - extra)) : null,
      pNet: this.valued ? probabilityAbove(gain, extra) : null,
    };
  }

  /** Sums the channels' values per draw in channel order (as `planValues` does). */
  private sum(): Float64Array {
    const total = new Float64Array(this.rows.length);
    for (const s of this.state) for (let k = 0; k < total.length; k++) total[k] += s.values[k];
    return total;
  }

  /**
   * One channel at one amount: its value per draw, and its marginal return there as the exact
   * centred difference `marginalReturns` takes (same step), from one pass over the draws.
   */
  private channelState(c: ChannelPlanContext, amount: number): ChannelState {
    const step = Math.max(1, 0.01 * Math.max(amount, c.current));
    const at = Float64Array.of(amount, Math.max(0, amount - step), amount + step);
    const out = new Float64Array(3);
    const values = new Float64Array(this.rows.length);
    const mroi = new Float64Array(this.rows.length);
    const memos = this.inFlight[this.context.channels.indexOf(c)];
    this.rows.forEach((x, k) => {
      this.valuer.channelValues(x, c, at, out, memos[k]);
      values[k] = out[0];
      mroi[k] = (out[2] - out[1]) / (at[2] - at[1]);
    });
    return { amount, values, mroi };
  }
}
