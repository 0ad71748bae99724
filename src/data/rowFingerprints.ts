// Finds rows that repeat an earlier row exactly, in memory of 8–16 bytes per row: each row is
// kept as a 64-bit fingerprint in an open-addressing table, never as its text.

import { type Cell, cellText } from "./frame.js";

/** Two independent 32-bit hashes of a row's cells (FNV-1a and a multiply-rotate mix). */
export function rowFingerprint(cells: Cell[], out: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let j = 0; j < cells.length; j++) {
    const cell = cells[j];
    const text = typeof cell === "string" ? cell : cellText(cell);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    // a separator, so ("ab","c") and ("a","bc") differ
    a = Math.imul(a ^ 0x1f, 0x01000193);
    b = Math.imul(b ^ 0x1f, 0x5bd1e995);
    b ^= b >>> 13;
  }
  out[0] = a >>> 0;
  out[1] = b >>> 0 || 1; // (x, 0) marks an empty slot
}

/**
 * A set of 64-bit fingerprints; `add` says whether it was already there. It stops growing at
 * `maxSlots` (8 bytes each): past that it is `full` and ignores new fingerprints, so memory
 * stays bounded however long the file.
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  size = 0;
  full = false;

  constructor(
    capacityPow2 = 1 << 16,
    private readonly maxSlots = 1 << 25,
  ) {
    this.hi = new Uint32Array(capacityPow2);
    this.lo = new Uint32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  /** Adds (hi, lo); true if it was already present. `lo` must not be 0. */
  add(hi: number, lo: number): boolean {
    if (this.full) return this.has(hi, lo);
    let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    for (;;) {
      const l = this.lo[i];
      if (l === 0) break;
      if (l === lo && this.hi[i] === hi) return true;
      i = (i + 1) & this.mask;
    }
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.size++;
    // grow at 3/4 full: linear probing slows sharply beyond that
    if (this.size * 4 > this.lo.length * 3) {
      if (this.lo.length >= this.maxSlots) this.full = true;
      else this.grow();
    }
    return false;
  }

  private has(hi: number, lo: number): boolean {
    let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    for (;;) {
      const l = this.lo[i];
      if (l === 0) return false;
      if (l === lo && this.hi[i] === hi) return true;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const n = oldLo.length * 2;
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.mask = n - 1;
    for (let k = 0; k < oldLo.length; k++) {
      const lo = oldLo[k];
      if (lo === 0) continue;
      const hi = oldHi[k];
      let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
      while (this.lo[i] !== 0) i = (i + 1) & this.mask;
      this.hi[i] = hi;
      this.lo[i] = lo;
    }
  }
}
