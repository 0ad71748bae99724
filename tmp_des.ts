import { readFileSync } from "node:fs";
import { parsePanelCsv } from "./src/experiments/geo/panel.js";
import { designTests } from "./src/experiments/geo/design.js";
const f = "/work/shared/datasets/geolift/GeoLift_PreTest.csv";
const p = parsePanelCsv(readFileSync(f, "utf8"), f);
let t = performance.now();
const rows = designTests(p, { durations: [10, 15, 20], sizes: [2, 3, 5], include: ["chicago"], exclude: ["honolulu"], candidates: 10, sign: 1, expectedRelative: 0.05 });
console.log(performance.now() - t, rows.length);
for (const r of rows.slice(0, 8)) console.log(r.rank, r.treated.join("+"), r.how, r.periods, r.share.toFixed(3), r.windows, r.powerAtExpected?.toFixed(2), r.mdeRelative, r.mde?.toFixed(0), r.lambda);
