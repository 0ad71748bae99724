// Ingest benchmark: a campaign export of about 1 GB (the lab's raw export spread over 210 DMAs
// and several ad sets per campaign) is prepared in a child process; prints size, seconds, MB/s
// and peak RSS, and checks the table's spend against the lab's own. Not run in CI.
//
//   npm run bench:ingest                      # 1024 MB, the streaming path
//   npm run bench:ingest -- --size-mb 200     # a smaller export
//   npm run bench:ingest -- --old 1d30df1 --old-size-mb 200   # also the pre-streaming code
//   npm run bench:ingest -- --keep            # keep the generated files (for profiling)

import { execFileSync, spawnSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { labFiles } from "../src/cli/labFiles.js";
import { Rng } from "../src/core/rng.js";
import { writeDirAtomic } from "../src/data/atomicDir.js";
import { simulateScenario } from "../src/simulate/lab.js";
import { table, writeResult } from "./lib.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DMAS = 210; // Nielsen DMAs: what a US campaign export by geo carries
const ADSETS = [
  "prospecting_a",
  "prospecting_b",
  "retargeting",
  "lookalike",
  "broad",
  "interest",
  "video_cut",
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface Run {
  path: string;
  sizeMB: number;
  rows: number;
  geos: number;
  adsets: number;
  seconds: number;
  mbPerSecond: number;
  peakRssMB: number;
  exitCode: number;
}

/** Writes the lab dataset and a geo × ad-set expansion of its spend export of about `targetMB`. */
function generate(
  dir: string,
  targetMB: number,
): { config: string; rows: number; bytes: number; geos: number; adsets: number } {
  writeDirAtomic(join(dir, "lab"), labFiles(simulateScenario("clean", 1), "csv"));
  const lab = join(dir, "lab");
  const lines = readFileSync(join(lab, "raw/ad_spend.csv"), "utf8").trim().split("\n");
  const body = lines.slice(1).map((l) => l.split(","));
  const rng = new Rng(7);
  const line = (f: string[], geo: string, adset: string, w: number) => {
    const [date, platform, campaign, currency, spend, impressions, clicks, conversions] = f;
    return `${date},${platform},${campaign}_${adset},${geo},${currency},${(Number(spend) * w).toFixed(2)},${Math.round(Number(impressions) * w)},${Math.round(Number(clicks) * w)},${Math.round(Number(conversions) * w)}\n`;
  };
  // size of a row, from a sample, to pick ad sets and DMAs that land on the target size
  const sample = body.slice(0, 500).map((f) => line(f, "DMA 600", ADSETS[0], 0.0123).length);
  const bytesPerRow = sample.reduce((s, n) => s + n, 0) / sample.length;
  const target = targetMB * 1048576;
  const adsets = Math.min(ADSETS.length, Math.ceil(target / (body.length * DMAS * bytesPerRow)));
  const GEOS = Math.max(1, Math.min(DMAS, Math.ceil(target / (body.length * adsets * bytesPerRow))));
  // DMA sizes fall off like a Zipf law (New York is ~6% of US households, the smallest ~0.01%)
  const weights = Array.from({ length: GEOS }, (_, g) => 1 / (g + 1) ** 0.9);
  const wsum = weights.reduce((s, w) => s + w, 0);
  const share = weights.map((w) => w / wsum);
  const geoNames = share.map((_, g) => `DMA ${500 + g}`);
  const split = Array.from({ length: adsets }, () => 0.5 + rng.uniform());
  const ssum = split.reduce((s, w) => s + w, 0);
  const path = join(lab, "raw/ad_spend_dma.csv");
  const fd = openSync(path, "w");
  let out = "date,platform,campaign_name,dma,currency,spend,impressions,clicks,platform_conversions\n";
  let rows = 0;
  let bytes = 0;
  for (const f of body) {
    for (let g = 0; g < GEOS; g++) {
      for (let k = 0; k < adsets; k++) {
        out += line(f, geoNames[g], ADSETS[k], (share[g] * split[k]) / ssum);
        rows++;
      }
    }
    if (out.length > 4 << 20) {
      bytes += writeSync(fd, out);
      out = "";
    }
  }
  bytes += writeSync(fd, out);
  closeSync(fd);
  const config = readFileSync(join(lab, "prepare.yaml"), "utf8").replace(
    "    path: raw/ad_spend.csv\n    date: date\n",
    "    path: raw/ad_spend_dma.csv\n    date: date\n    geo: dma\n",
  );
  if (!config.includes("ad_spend_dma"))
    throw new Error("bench setup: could not point the config at the big export");
  writeFileSync(join(lab, "prepare-dma.yaml"), config);
  return { config: join(lab, "prepare-dma.yaml"), rows, bytes, geos: GEOS, adsets };
}

/** Runs `mmm prepare` from `codeRoot` in a child process; returns wall seconds and peak RSS. */
function runPrepare(
  codeRoot: string,
  config: string,
  out: string,
): { seconds: number; peakRssMB: number; code: number; err: string } {
  const child = join(codeRoot, "bench-ingest-child.ts");
  writeFileSync(
    child,
    `import { runPrepare } from "./src/cli/prepare.js";
const t0 = performance.now();
let code = 0;
try {
  await runPrepare({ config: process.argv[2], out: process.argv[3] }, { out: () => {}, err: (s) => process.stderr.write(s + "\\n") });
} catch (e) { process.stderr.write(String(e) + "\\n"); code = 2; }
process.stdout.write(JSON.stringify({ seconds: (performance.now() - t0) / 1000, maxRssKB: process.resourceUsage().maxRSS, code }));
`,
  );
  const r = spawnSync(process.execPath, ["--import", "tsx", child, config, out], {
    cwd: codeRoot,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  rmSync(child, { force: true });
  let parsed = { seconds: Number.NaN, maxRssKB: Number.NaN, code: r.status ?? 1 };
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    // the child died before reporting (out of memory?): keep NaN and the exit status
  }
  return {
    seconds: parsed.seconds,
    peakRssMB: parsed.maxRssKB / 1024,
    code: parsed.code,
    err: r.stderr.slice(-2000),
  };
}

/** National spend per channel of a prepared table folder. */
function spendTotals(tableDir: string): Record<string, number> {
  const lines = readFileSync(join(tableDir, "table.csv"), "utf8").trim().split("\n");
  const header = lines[0].split(",");
  const totals: Record<string, number> = Object.create(null);
  header.forEach((h, j) => {
    if (!h.startsWith("spend_")) return;
    totals[h.slice(6)] = lines.slice(1).reduce((s, l) => s + Number(l.split(",")[j]), 0);
  });
  return totals;
}

function measure(
  label: string,
  codeRoot: string,
  dir: string,
  sizeMB: number,
): Run & { spend?: Record<string, number> } {
  const gen = generate(dir, sizeMB);
  const out = join(dir, `table-${label}`);
  process.stderr.write(`${label}: prepared ${(gen.bytes / 1048576).toFixed(0)} MB, ${gen.rows} rows … `);
  const r = runPrepare(codeRoot, gen.config, out);
  process.stderr.write(`${r.seconds.toFixed(1)} s\n`);
  if (r.code !== 0) process.stderr.write(r.err);
  return {
    path: label,
    sizeMB: gen.bytes / 1048576,
    rows: gen.rows,
    geos: gen.geos,
    adsets: gen.adsets,
    seconds: r.seconds,
    mbPerSecond: gen.bytes / 1048576 / r.seconds,
    peakRssMB: r.peakRssMB,
    exitCode: r.code,
    spend: r.code === 0 ? spendTotals(out) : undefined,
  };
}

const sizeMB = Number(arg("--size-mb", "1024"));
const oldRef = arg("--old", "");
const oldSizeMB = Number(arg("--old-size-mb", "200"));
const work = mkdtempSync(join(tmpdir(), "mmm-bench-ingest-"));
try {
  const runs: (Run & { spend?: Record<string, number> })[] = [];
  runs.push(measure("streaming", ROOT, join(work, "new"), sizeMB));
  // the lab's own table: the expanded export must give the same national spend per channel
  const labTable = join(work, "lab-table");
  const labRun = runPrepare(ROOT, join(work, "new", "lab", "prepare.yaml"), labTable);
  const expected = labRun.code === 0 ? spendTotals(labTable) : {};
  if (oldRef) {
    const old = join(work, "old-code");
    mkdirSync(old);
    execFileSync("sh", ["-c", `git -C "${ROOT}" archive ${oldRef} src package.json | tar -x -C "${old}"`]);
    symlinkSync(join(ROOT, "node_modules"), join(old, "node_modules"));
    runs.push(measure(`old (${oldRef})`, old, join(work, "old"), oldSizeMB));
  }
  const worst = Math.max(
    ...Object.keys(expected).map(
      (ch) => Math.abs((runs[0].spend?.[ch] ?? Number.NaN) - expected[ch]) / expected[ch],
    ),
  );
  console.log(
    table(
      runs.map((r) => [r.path, r.sizeMB, r.rows, r.seconds, r.mbPerSecond, r.peakRssMB, r.exitCode]),
      ["path", "size MB", "rows", "seconds", "MB/s", "peak RSS MB", "exit"],
    ),
  );
  console.log(
    `national spend per channel vs the lab's own table: worst relative difference ${worst.toExponential(2)}`,
  );
  const path = writeResult("ingest", {
    machine: { cpus: 2, node: process.version },
    dmas: DMAS,
    runs: runs.map(({ spend, ...r }) => r),
    spendCheck: { worstRelativeDifference: worst, expected, streamed: runs[0].spend },
    issueFigure: {
      sizeMB: 330,
      seconds: 149,
      peakRssMB: 4.4 * 1024,
      note: "stated in issue 9 for the code before streaming",
    },
  });
  console.log(`wrote ${path}`);
} finally {
  if (process.argv.includes("--keep")) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
