// Loads every source a prepare config uses. The campaign export of `media.long` is streamed into
// a LongMediaScan (aggregated as it is read, so a 1 GB export fits in memory); the other sources,
// which are already at the table's grain, are kept whole as frames.

import { resolve } from "node:path";
import { MmmError } from "../core/errors.js";
import type { LoadedConfig, PrepareConfig } from "./config.js";
import type { Frame, SourceFile } from "./frame.js";
import { type LoadOptions, loadFrame, readSource } from "./load.js";
import { LongMediaScan } from "./longMediaScan.js";
import { loadTaxonomy, type Taxonomy } from "./taxonomy.js";

export interface LoadedSources {
  /** Every source read, for lineage and notes. */
  sources: Map<string, SourceFile>;
  /** Sources kept whole (all but a streamed long export). */
  frames: Map<string, Frame>;
  long: { scan: LongMediaScan; taxonomy: Taxonomy } | null;
}

/** Progress of reading one source: its name and file, bytes read, file size. */
export type ReadProgress = (p: { source: string; file: string; bytes: number; size: number }) => void;

export async function loadSources(loaded: LoadedConfig, onProgress?: ReadProgress): Promise<LoadedSources> {
  const { config, baseDir } = loaded;
  for (const name of datedSources(config)) {
    if (!config.sources[name].date) {
      throw new MmmError(
        "E_CONFIG_SOURCE",
        `Source '${name}' has no date column, but it feeds the KPI, media or a control.`,
        { file: loaded.path, key: `sources.${name}.date` },
        "set the date column of this source",
      );
    }
  }
  const options = (name: string): LoadOptions => {
    const src = config.sources[name];
    return {
      file: src.path,
      absPath: resolve(baseDir, src.path),
      format: src.format,
      delimiter: src.delimiter,
      encoding: src.encoding,
      key: `sources.${name}.path`,
      sourceKey: `sources.${name}`,
      onProgress: onProgress && ((bytes, size) => onProgress({ source: name, file: src.path, bytes, size })),
    };
  };
  const sources = new Map<string, SourceFile>();
  const frames = new Map<string, Frame>();
  let long: LoadedSources["long"] = null;
  const longSource = config.media.long?.source;
  // the long export is streamed unless another part of the config also reads its columns
  const streamLong = longSource !== undefined && !otherUses(config).has(longSource);
  if (config.media.long) {
    const taxonomy = await loadTaxonomy(
      resolve(baseDir, config.media.long.taxonomy),
      config.media.long.taxonomy,
    );
    long = {
      taxonomy,
      scan: new LongMediaScan({ config, source: longSource!, taxonomy, trackUnused: streamLong }),
    };
  }
  for (const name of usedSources(config)) {
    if (name === longSource && streamLong) {
      sources.set(name, await readSource(options(name), long!.scan));
      continue;
    }
    const frame = await loadFrame(options(name));
    sources.set(name, frame);
    frames.set(name, frame);
    if (name === longSource) {
      long!.scan.header(frame.columns, frame.format);
      for (let i = 0; i < frame.rows.length; i++) long!.scan.row(frame.rows[i], frame.lines[i]);
    }
  }
  return { sources, frames, long };
}

/** Sources read by something other than `media.long`. */
function otherUses(config: PrepareConfig): Set<string> {
  const names = new Set<string>([config.kpi.source]);
  for (const c of config.media.channels) names.add(c.source);
  for (const c of config.controls) names.add(c.source);
  if (config.geo?.population) names.add(config.geo.population.source);
  return names;
}

export function usedSources(config: PrepareConfig): string[] {
  const names = new Set<string>(datedSources(config));
  if (config.geo?.population) names.add(config.geo.population.source);
  return [...names];
}

export function datedSources(config: PrepareConfig): string[] {
  const names = new Set<string>([config.kpi.source]);
  if (config.media.long) names.add(config.media.long.source);
  for (const c of config.media.channels) names.add(c.source);
  for (const c of config.controls) names.add(c.source);
  return [...names];
}
