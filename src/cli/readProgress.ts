// Progress of reading big input files on the terminal: one line per file over 64 MB, redrawn in
// place on a TTY and printed at quarter marks otherwise (CI logs). Small files say nothing.

const MIN_BYTES = 64 * 1024 * 1024;

export class ReadProgressLine {
  private lastFile = "";
  private lastMark = -1;
  private started = performance.now();

  constructor(
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
  ) {}

  update(p: { file: string; bytes: number; size: number }): void {
    if (p.size < MIN_BYTES) return;
    if (p.file !== this.lastFile) {
      this.lastFile = p.file;
      this.lastMark = -1;
      this.started = performance.now();
    }
    const done = p.bytes >= p.size;
    if (this.tty) {
      this.write(`\x1b[2K\r${this.line(p)}${done ? "\n" : ""}`);
      return;
    }
    const mark = Math.floor((4 * p.bytes) / p.size);
    if (mark > this.lastMark && mark > 0) {
      this.lastMark = mark;
      this.write(`${this.line(p)}\n`);
    }
  }

  private line(p: { file: string; bytes: number; size: number }): string {
    const width = 24;
    const frac = Math.min(1, p.bytes / p.size);
    const filled = Math.round(width * frac);
    const seconds = (performance.now() - this.started) / 1000;
    const mb = p.bytes / 1048576;
    return `reading ${p.file} ${"█".repeat(filled)}${"░".repeat(width - filled)} ${mb.toFixed(0)}/${(p.size / 1048576).toFixed(0)} MB  ${(mb / Math.max(seconds, 1e-3)).toFixed(1)} MB/s`;
  }
}
