// The one error type: stable code, a message of what / where / fix lines, and a type guard.

import { describe, expect, it } from "vitest";
import { describeLocation, isMmmError, MmmError } from "../../src/core/errors.js";

describe("MmmError", () => {
  it("composes what, a where line and a fix line", () => {
    const e = new MmmError(
      "E_CSV_NUMBER",
      "Spend is not a number.",
      { file: "spend.csv", row: 12, column: "tv_spend" },
      "remove the currency symbol",
    );
    expect(e.message).toBe(
      "Spend is not a number.\n  where: file spend.csv, row 12, column 'tv_spend'\n  fix: remove the currency symbol",
    );
    expect(e.code).toBe("E_CSV_NUMBER");
    expect(e.where).toEqual({ file: "spend.csv", row: 12, column: "tv_spend" });
    expect(e.fix).toBe("remove the currency symbol");
    expect(e.name).toBe("MmmError");
  });

  it("omits the where and fix lines when they are empty", () => {
    expect(new MmmError("E_X", "Something broke.").message).toBe("Something broke.");
    expect(new MmmError("E_X", "Something broke.", {}, "do this").message).toBe(
      "Something broke.\n  fix: do this",
    );
    expect(new MmmError("E_X", "Something broke.", { key: "model.priors" }).message).toBe(
      "Something broke.\n  where: config key model.priors",
    );
  });

  it("is an Error with a stack and is recognised by isMmmError", () => {
    const e = new MmmError("E_X", "x");
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(MmmError);
    expect(typeof e.stack).toBe("string");
    expect(isMmmError(e)).toBe(true);
    expect(isMmmError(new Error("x"))).toBe(false);
    expect(isMmmError({ code: "E_X", message: "x" })).toBe(false);
    expect(isMmmError(undefined)).toBe(false);
    expect(() => {
      throw e;
    }).toThrow(/^x$/);
  });
});

describe("describeLocation", () => {
  it("lists file, row or line, column and key in that order", () => {
    expect(describeLocation({})).toBe("");
    expect(describeLocation({ file: "a.csv" })).toBe("file a.csv");
    expect(describeLocation({ row: 3 })).toBe("row 3");
    expect(describeLocation({ row: 0 })).toBe("row 0");
    expect(describeLocation({ file: "mmm.yaml", row: 7, rowKind: "line" })).toBe("file mmm.yaml, line 7");
    expect(describeLocation({ column: "" })).toBe("column ''");
    expect(describeLocation({ file: "f", row: 1, column: "c", key: "a.b" })).toBe(
      "file f, row 1, column 'c', config key a.b",
    );
  });
});
