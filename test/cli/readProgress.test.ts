// Reading progress: silent for small files, quarter marks in logs, redrawn in place on a terminal.

import { describe, expect, it } from "vitest";
import { ReadProgressLine } from "../../src/cli/readProgress.js";

const MB = 1024 * 1024;

describe("ReadProgressLine", () => {
  it("says nothing about files under 64 MB", () => {
    const out: string[] = [];
    const p = new ReadProgressLine((t) => out.push(t), false);
    for (let b = 0; b <= 10 * MB; b += MB) p.update({ file: "small.csv", bytes: b, size: 10 * MB });
    expect(out).toEqual([]);
  });

  it("prints a line at each quarter of a big file in logs", () => {
    const out: string[] = [];
    const p = new ReadProgressLine((t) => out.push(t), false);
    for (let b = MB; b <= 200 * MB; b += MB) p.update({ file: "big.csv", bytes: b, size: 200 * MB });
    expect(out).toHaveLength(4);
    expect(out[3]).toMatch(/^reading big\.csv █{24} 200\/200 MB {2}[\d.]+ MB\/s\n$/);
  });

  it("redraws one line in place on a terminal and ends it when the file is read", () => {
    const out: string[] = [];
    const p = new ReadProgressLine((t) => out.push(t), true);
    p.update({ file: "big.csv", bytes: 100 * MB, size: 200 * MB });
    p.update({ file: "big.csv", bytes: 200 * MB, size: 200 * MB });
    expect(out[0].startsWith("\x1b[2K\r")).toBe(true);
    expect(out[0].endsWith("\n")).toBe(false);
    expect(out[1].endsWith("\n")).toBe(true);
  });
});
