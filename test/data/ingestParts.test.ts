// The small parts of streaming ingest: duplicate fingerprints, per-day sums that grow both ways,
// line numbers by byte offset, and the UTF-8 check across chunk boundaries.

import { describe, expect, it } from "vitest";
import type { MmmError } from "../../src/core/errors.js";
import { DaySums } from "../../src/data/daySums.js";
import { LineIndex } from "../../src/data/lineIndex.js";
import { FingerprintSet, rowFingerprint } from "../../src/data/rowFingerprints.js";
import { ChunkDecoder, chooseEncoding, firstInvalidUtf8, sniffBinary } from "../../src/data/textEncoding.js";

describe("row fingerprints", () => {
  it("finds exact repeats and tells apart rows that only differ in where a field ends", () => {
    const set = new FingerprintSet(4); // tiny, so it has to grow
    const fp = new Uint32Array(2);
    const seen = (cells: string[]) => {
      rowFingerprint(cells, fp);
      return set.add(fp[0], fp[1]);
    };
    expect(seen(["2024-01-01", "fb", "10.5"])).toBe(false);
    expect(seen(["2024-01-01", "fb", "10.5"])).toBe(true);
    expect(seen(["2024-01-0", "1fb", "10.5"])).toBe(false);
    for (let i = 0; i < 10_000; i++) expect(seen([String(i), "x"])).toBe(false);
    for (let i = 0; i < 10_000; i += 997) expect(seen([String(i), "x"])).toBe(true);
    expect(set.size).toBe(10_002);
  });
});

describe("DaySums", () => {
  it("sums per day over any range, in any order", () => {
    const s = new DaySums(2);
    for (const day of [19_000, 18_000, 19_500, 19_000]) s.add(day, 1, 1);
    const days: [number, number][] = [];
    s.forEachDay((day, v, o) => {
      if (v[o + 1] !== 0) days.push([day, v[o + 1]]);
    });
    expect(days).toEqual([
      [18_000, 1],
      [19_000, 2],
      [19_500, 1],
    ]);
  });
});

describe("LineIndex", () => {
  it("gives the line of the last byte before an offset, across chunks, counting only LF", () => {
    const idx = new LineIndex();
    for (const c of ["a,b\n", 'c,"x\r\ny"\n', "d,e"]) idx.append(Buffer.from(c));
    expect(idx.lineAt(4)).toBe(1); // header, ends with its newline
    expect(idx.lineAt(13)).toBe(3); // the quoted field spans lines 2–3
    expect(idx.lineAt(16)).toBe(4);
  });
});

describe("text encodings", () => {
  it("passes UTF-8 through when a character is cut between chunks", () => {
    const bytes = Buffer.from("date,café\n2024-01-01,日本😀\n");
    for (let cut = 1; cut < bytes.length; cut++) {
      const dec = new ChunkDecoder("utf-8", { file: "x.csv" });
      const out = Buffer.concat([
        dec.push(bytes.subarray(0, cut)),
        dec.push(bytes.subarray(cut)),
        dec.push(Buffer.alloc(0), true),
      ]);
      expect(out.equals(bytes)).toBe(true);
    }
  });

  it("refuses invalid UTF-8 with the line and the Windows-1252 reading of the byte", () => {
    const dec = new ChunkDecoder("utf-8", { file: "x.csv", sourceKey: "sources.x" });
    dec.push(Buffer.from("a,b\n"));
    const err = (() => {
      try {
        dec.push(Buffer.from([0x31, 0x2c, 0x43, 0x61, 0x66, 0xe9, 0x0a]), true);
      } catch (e) {
        return e as MmmError;
      }
    })();
    expect(err?.code).toBe("E_ENCODING");
    expect(err?.where).toMatchObject({ row: 2, key: "sources.x.encoding" });
    expect(err?.message).toContain("that byte is 'é'");
  });

  it("finds the first invalid byte as isUtf8 does", () => {
    expect(firstInvalidUtf8(Buffer.from("abc"))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0xff]))).toBe(3);
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8(Buffer.from([0xe2, 0x82]))).toBe(0); // cut short
  });

  it("recognises byte-order marks and UTF-16 without one", () => {
    expect(chooseEncoding(Buffer.from([0xff, 0xfe, 0x61, 0]), undefined)).toEqual({
      encoding: "utf-16le",
      bomLength: 2,
      reason: "bom",
    });
    expect(chooseEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), undefined).bomLength).toBe(3);
    expect(sniffBinary(Buffer.from("date,x\n1,2\n", "utf16le"), "utf-8")).toContain("UTF-16 text (utf-16le)");
    expect(sniffBinary(Buffer.from("date,x\n1,2\n", "utf16le").swap16(), "utf-8")).toContain("utf-16be");
    expect(sniffBinary(Buffer.from("date,x\n1,2\n"), "utf-8")).toBeNull();
  });
});

describe("FingerprintSet at its memory limit", () => {
  it("stops growing, keeps answering for what it holds, and says it is full", () => {
    const set = new FingerprintSet(4, 16);
    for (let i = 1; i <= 13; i++) expect(set.add(i, i)).toBe(false); // 13 > 3/4 of 16 slots
    expect(set.full).toBe(true);
    expect(set.add(3, 3)).toBe(true);
    expect(set.add(99, 99)).toBe(false);
    expect(set.add(99, 99)).toBe(false); // not added once full
  });
});
