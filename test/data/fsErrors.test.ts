// File-system errors on user paths become MmmErrors with the path, plain words and a fix; faults
// that cannot be provoked in a test (a full disk, a quota) are checked with the errors Node raises.

import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { userFault } from "../../src/cli/faults.js";
import { MmmError } from "../../src/core/errors.js";
import { fsError, MAX_TEXT_BYTES, readUserText } from "../../src/data/fsErrors.js";

const root = mkdtempSync(join(tmpdir(), "mmm-fs-errors-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An error shaped like the ones Node's fs functions throw. */
function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), {
    code,
    syscall,
    path,
    errno: -1,
  });
}

describe("fsError", () => {
  it.each([
    ["ENOSPC", "write", "E_OUTPUT_PATH", "the disk is full", "free some disk space"],
    ["EDQUOT", "write", "E_OUTPUT_PATH", "quota", "free some of your disk space"],
    ["EACCES", "write", "E_OUTPUT_PATH", "permission denied", "choose a folder you may write to"],
    ["EROFS", "write", "E_OUTPUT_PATH", "read-only", "writable disk"],
    ["EACCES", "read", "E_FILE_ACCESS", "permission denied", "check the permissions"],
    ["ENOENT", "read", "E_FILE_NOT_FOUND", "does not exist", "check the path"],
    ["EISDIR", "read", "E_FILE_ACCESS", "is a folder", "give the path of a file"],
    ["EIO", "read", "E_FILE_ACCESS", "input/output error", "local disk"],
  ] as const)("%s on %s -> %s", (code, action, mmmCode, words, fix) => {
    const e = fsError(errno(code, action === "write" ? "open" : "read", "/x/plan.json"), {
      path: "/x/plan.json",
      action,
      what: "--out",
      option: "--out",
    });
    expect(e).toBeInstanceOf(MmmError);
    const m = e as MmmError;
    expect(m.code).toBe(mmmCode);
    expect(m.message).toContain("/x/plan.json");
    expect(m.message).toContain(words);
    expect(m.message).toContain(`[${code}]`);
    expect(m.fix).toContain(fix);
    expect(m.where).toEqual({ file: "/x/plan.json", option: "--out" });
  });

  it("names the folder on the way when the error is about it", () => {
    const m = fsError(errno("EACCES", "mkdir", "/x/locked"), {
      path: "/x/locked/q3/plan.json",
      action: "write",
      what: "--out",
    }) as MmmError;
    expect(m.message).toContain("(at /x/locked)");
  });

  it("an unknown errno keeps Node's words and still gets a fix", () => {
    const m = fsError(errno("EWEIRD", "open", "/x"), {
      path: "/x",
      action: "read",
      what: "the file",
    }) as MmmError;
    expect(m.code).toBe("E_FILE_ACCESS");
    expect(m.message).toContain("EWEIRD");
    expect(m.fix).not.toBe("");
  });

  it("leaves other errors alone (bugs must stay bugs)", () => {
    const bug = new TypeError("x is undefined");
    expect(fsError(bug, { path: "/x", action: "read", what: "the file" })).toBe(bug);
  });
});

describe("readUserText", () => {
  it("refuses a file too large for one string before reading it (E_FILE_TOO_LARGE)", () => {
    const path = join(root, "huge.csv");
    writeFileSync(path, "");
    truncateSync(path, MAX_TEXT_BYTES + 1); // sparse: no disk, no memory
    expect(() => readUserText({ path, what: "the table", option: "--table" })).toThrowError(
      expect.objectContaining({ code: "E_FILE_TOO_LARGE", where: { file: path, option: "--table" } }),
    );
  });

  it("a folder is E_FILE_ACCESS, a missing file E_FILE_NOT_FOUND", () => {
    expect(() => readUserText({ path: root, what: "the spec" })).toThrowError(
      expect.objectContaining({ code: "E_FILE_ACCESS" }),
    );
    expect(() => readUserText({ path: join(root, "nope"), what: "the spec" })).toThrowError(
      expect.objectContaining({ code: "E_FILE_NOT_FOUND" }),
    );
  });
});

describe("userFault (the CLI's safety net)", () => {
  it("maps an fs error that escaped a command to an MmmError with the path", () => {
    const m = userFault(errno("ENOSPC", "write", "/data/out.json")) as MmmError;
    expect(m).toBeInstanceOf(MmmError);
    expect(m.code).toBe("E_OUTPUT_PATH");
    expect(m.message).toContain("/data/out.json");
  });

  it("maps Node's 'string too long' to E_FILE_TOO_LARGE", () => {
    const e = Object.assign(new Error("Cannot create a string longer than 0x1fffffe8 characters"), {
      code: "ERR_STRING_TOO_LONG",
    });
    expect(userFault(e)).toMatchObject({ code: "E_FILE_TOO_LARGE" });
  });

  it("leaves bugs as they are", () => {
    const bug = new RangeError("Invalid array length");
    expect(userFault(bug)).toBe(bug);
  });
});
