// Line numbers by byte offset in a stream of text chunks, counting only '\n': csv-parse's own
// line counter also counts a '\r' inside a quoted field, which would shift every later line.

/** Feed chunks in order with `append`; ask `lineAt` for offsets that never decrease. */
export class LineIndex {
  private readonly chunks: Buffer[] = [];
  /** Stream offset of chunks[0]. */
  private base = 0;
  /** Counted up to this stream offset, and the newlines before it. */
  private offset = 0;
  private newlines = 0;

  append(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** The 1-based line of the byte just before `end` (the last byte of a record ending at `end`). */
  lineAt(end: number): number {
    const target = end - 1;
    while (this.offset < target && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const from = this.offset - this.base;
      const to = Math.min(chunk.length, target - this.base);
      let i = chunk.indexOf(0x0a, from);
      while (i >= 0 && i < to) {
        this.newlines++;
        i = chunk.indexOf(0x0a, i + 1);
      }
      this.offset = this.base + to;
      if (to === chunk.length) {
        this.base += chunk.length;
        this.chunks.shift();
      }
    }
    return this.newlines + 1;
  }
}
