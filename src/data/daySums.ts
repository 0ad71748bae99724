// Per-day running sums that grow to whatever range of days the data covers: the streaming
// export is aggregated to days while it is read, and days become weeks once the spine is known.

import type { DayNumber } from "../core/dates.js";

/** Sums of `width` quantities per day (e.g. spend, exposure, rows). */
export class DaySums {
  private base = 0;
  private data: Float64Array;
  private days = 0;

  constructor(readonly width: number) {
    this.data = new Float64Array(0);
  }

  add(day: DayNumber, k: number, value: number): void {
    if (this.days === 0 || day < this.base || day >= this.base + this.days) this.cover(day);
    this.data[(day - this.base) * this.width + k] += value;
  }

  /** Adds to the first three quantities of a day at once (the hot path of the long export). */
  add3(day: DayNumber, a: number, b: number, c: number): void {
    if (this.days === 0 || day < this.base || day >= this.base + this.days) this.cover(day);
    const o = (day - this.base) * this.width;
    this.data[o] += a;
    this.data[o + 1] += b;
    this.data[o + 2] += c;
  }

  /** Calls `fn` for every day in range, ascending, with its slot offset into `values`. */
  forEachDay(fn: (day: DayNumber, values: Float64Array, offset: number) => void): void {
    for (let d = 0; d < this.days; d++) fn(this.base + d, this.data, d * this.width);
  }

  private cover(day: DayNumber): void {
    if (this.days === 0) {
      this.base = day - 32;
      this.days = 64;
      this.data = new Float64Array(this.days * this.width);
      return;
    }
    // grow by at least doubling, so a file in any date order costs amortised O(1) per row
    const lo = Math.min(this.base, day);
    const hi = Math.max(this.base + this.days, day + 1);
    const span = hi - lo;
    const grow = Math.max(span, this.days * 2);
    const newBase = day < this.base ? hi - grow : lo;
    const next = new Float64Array(grow * this.width);
    next.set(this.data, (this.base - newBase) * this.width);
    this.base = newBase;
    this.days = grow;
    this.data = next;
  }
}
