// The experiments file: parsed rows (SE from a CI), a round trip through the writer, and each kind
// of bad row refused with the row and column named.

import { describe, expect, it } from "vitest";
import { parseDay } from "../../src/core/dates.js";
import { checkExperiments, experimentsCsv, parseExperiments } from "../../src/experiments/experimentsFile.js";

const HEAD =
  "id,channel,geos,start,end,kind,spend_change,lift,lift_se,ci_low,ci_high,ci_level,readout_weeks,source";
const GOOD = `${HEAD}
t1,paid_search,all,2024-03-04,2024-04-01,go_dark,-120000,-850,210,,,,2,geo holdout
t2,tv,north;south,2024-06-03,2024-06-24,heavy_up,90000,400,,150,650,0.9,4,agency study
`;
const table = {
  channels: ["tv", "paid_search"],
  geos: ["north", "south", "west"],
  weeks: Array.from({ length: 104 }, (_, t) => (parseDay("2024-01-01") as number) + 7 * t),
  kpi: "orders",
  currency: "USD",
};

describe("experiments file", () => {
  it("parses rows, turns a 90% interval into a standard error, and round-trips", () => {
    const e = parseExperiments(GOOD, "tests.csv");
    expect(e[0]).toMatchObject({
      id: "t1",
      geos: "all",
      kind: "go_dark",
      spendChange: -120000,
      lift: -850,
      liftSe: 210,
      readoutWeeks: 2,
    });
    expect(e[1].geos).toEqual(["north", "south"]);
    expect(e[1].liftSe).toBeCloseTo(500 / (2 * 1.6448536269514722), 9);
    checkExperiments(e, table, "tests.csv");
    expect(parseExperiments(experimentsCsv(e), "again.csv")).toEqual(e);
  });

  for (const [label, row, pattern] of [
    [
      "a go-dark that adds spend",
      "t,tv,all,2024-03-04,2024-04-01,go_dark,5000,-1,1,,,,0,x",
      /row 1, column 'spend_change'/,
    ],
    [
      "an inverted window",
      "t,tv,all,2024-04-01,2024-03-04,go_dark,-5000,-1,1,,,,0,x",
      /ends \(2024-03-04\) before it starts[\s\S]*column 'end'/,
    ],
    [
      "a zero standard error",
      "t,tv,all,2024-03-04,2024-04-01,go_dark,-5000,-1,0,,,,0,x",
      /standard error must be positive/,
    ],
    ["no uncertainty", "t,tv,all,2024-03-04,2024-04-01,go_dark,-5000,-1,,,,,0,x", /has no uncertainty/],
    ["an unknown kind", "t,tv,all,2024-03-04,2024-04-01,pulse,-5000,-1,1,,,,0,x", /unknown kind 'pulse'/],
    [
      "a bad number",
      't,tv,all,2024-03-04,2024-04-01,go_dark,"-5,000",-1,1,,,,0,x',
      /'-5,000' is not a number/,
    ],
    ["a bad date", "t,tv,all,2024-13-04,2024-04-01,go_dark,-5000,-1,1,,,,0,x", /'2024-13-04' is not a date/],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(() => parseExperiments(`${HEAD}\n${row}\n`, "tests.csv")).toThrow(pattern);
    });
  }

  const SHARE_HEAD = `${HEAD},treated_share`;
  for (const [label, share, pattern] of [
    ["a treated share of 0", "0", /must be in \(0, 1\][\s\S]*row 1, column 'treated_share'/],
    ["a treated share above 1", "1.5", /treated_share must be in \(0, 1\]; got 1.5/],
    ["a treated share that is not a number", "30%", /'30%' is not a number/],
  ] as const) {
    it(`refuses ${label}`, () => {
      const row = `t,tv,all,2024-03-04,2024-04-01,holdout,-5000,-1,1,,,,0,x,${share}`;
      expect(() => parseExperiments(`${SHARE_HEAD}\n${row}\n`, "tests.csv")).toThrow(pattern);
    });
  }

  it("reads a treated share below 1 and writes it back; an empty one means the whole geo", () => {
    const text = `${SHARE_HEAD}\nt,tv,all,2024-03-04,2024-04-01,holdout,-5000,-1,1,,,,0,x,0.3\nu,tv,all,2024-03-04,2024-04-01,holdout,-5000,-1,1,,,,0,x,\n`;
    const e = parseExperiments(text, "tests.csv");
    expect(e[0].treatedShare).toBe(0.3);
    expect(e[1].treatedShare).toBeUndefined();
    expect(parseExperiments(experimentsCsv(e), "again.csv")).toEqual(e);
  });

  it("refuses duplicate ids and, against the table, unknown channels, geos and windows outside the data", () => {
    expect(() =>
      parseExperiments(`${GOOD}t1,tv,all,2024-03-04,2024-04-01,go_dark,-1,-1,1,,,,0,x\n`, "f"),
    ).toThrow(/'t1' is used twice/);
    const check = (row: string) => () =>
      checkExperiments(parseExperiments(`${HEAD}\n${row}\n`, "f"), table, "f");
    expect(check("t,radio,all,2024-03-04,2024-04-01,go_dark,-1,-1,1,,,,0,x")).toThrow(
      /channel 'radio', which the table does not have/,
    );
    expect(check("t,tv,east,2024-03-04,2024-04-01,go_dark,-1,-1,1,,,,0,x")).toThrow(/geo 'east'/);
    expect(check("t,tv,all,2023-03-06,2023-04-03,go_dark,-1,-1,1,,,,0,x")).toThrow(
      /outside the table's weeks/,
    );
    expect(check("t,tv,all,2024-03-05,2024-04-01,go_dark,-1,-1,1,,,,0,x")).toThrow(/not a week start/);
  });
});
