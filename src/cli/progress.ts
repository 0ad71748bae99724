// Progress of sampling on the terminal: one line per chain with draws, phase, divergences and
// step size, redrawn in place on a TTY and printed at quarter marks otherwise (CI logs).

import type { ChainProgress } from "../inference/chain.js";

export class ChainProgressBars {
  private readonly state: (ChainProgress | null)[];
  private drawn = false;
  private readonly tty: boolean;
  private readonly marks = new Set<string>();

  constructor(
    chains: number,
    private readonly write: (s: string) => void,
    tty = Boolean(process.stderr.isTTY),
  ) {
    this.state = new Array(chains).fill(null);
    this.tty = tty;
  }

  update(p: ChainProgress): void {
    this.state[p.chain] = p;
    if (this.tty) this.redraw();
    else {
      const quarter = Math.floor((4 * p.iteration) / p.total);
      const key = `${p.chain}:${quarter}`;
      if (quarter > 0 && !this.marks.has(key)) {
        this.marks.add(key);
        this.write(`${this.line(p)}\n`);
      }
    }
  }

  private line(p: ChainProgress): string {
    const width = 24;
    const filled = Math.round((width * p.iteration) / p.total);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    return `chain ${p.chain + 1} ${bar} ${String(p.iteration).padStart(5)}/${p.total} ${p.warmup ? "warm-up " : "sampling"}  divergences ${p.divergences}  step ${p.stepSize.toPrecision(3)}`;
  }

  private redraw(): void {
    const lines = this.state.map((p, i) => (p ? this.line(p) : `chain ${i + 1} starting…`));
    if (this.drawn) this.write(`\x1b[${lines.length}A`);
    this.write(`${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n`);
    this.drawn = true;
  }
}
