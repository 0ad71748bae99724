// Opens the files a run reads (data, config, taxonomy) and accepts only regular files: a FIFO
// would hang the run, a device such as /dev/zero would fill memory, a symlink loop never resolves.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { MmmError } from "../core/errors.js";
import { fsError, notRegularFile } from "./fsErrors.js";

export interface InputRef {
  /** Path as the user wrote it, for messages. */
  file: string;
  absPath: string;
  /** Config key that named the file, for messages. */
  key?: string;
  /** Command-line option that named the file (`--config`), for messages. */
  option?: string;
  /** What the file is, for messages: "Input file", "Config file", "Taxonomy rules file". */
  role?: string;
  /** How to fix a missing file. */
  missingFix?: string;
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; on a
// regular file the flag changes nothing
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Opens a data file for streaming; the caller closes the handle. */
export async function openInput(ref: InputRef): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(ref.absPath, OPEN_FLAGS);
  } catch (e) {
    throw openError(ref, e as NodeJS.ErrnoException);
  }
  try {
    const stats = await handle.stat();
    checkRegular(ref, stats);
    return { handle, size: stats.size };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Reads a small text file (config, taxonomy) whole, refusing non-regular and oversized files. */
export function readSmallTextFile(ref: InputRef, maxBytes = 16 * 1024 * 1024): string {
  let fd: number;
  try {
    fd = openSync(ref.absPath, OPEN_FLAGS);
  } catch (e) {
    throw openError(ref, e as NodeJS.ErrnoException);
  }
  try {
    const stats = fstatSync(fd);
    checkRegular(ref, stats);
    if (stats.size > maxBytes) {
      throw new MmmError(
        "E_FILE_TOO_LARGE",
        `${ref.role ?? "File"} ${ref.file} is ${(stats.size / 1048576).toFixed(1)} MB; a file of this kind is expected to be a few kB.`,
        { file: ref.file, key: ref.key },
        "check the path: it should point at the YAML file, not at a data export",
      );
    }
    const buf = Buffer.alloc(stats.size);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function openError(ref: InputRef, e: NodeJS.ErrnoException): unknown {
  const where = { file: ref.file, key: ref.key, option: ref.option };
  const role = ref.role ?? "Input file";
  if (e.code === "ENOENT" || e.code === "ENOTDIR") {
    return new MmmError(
      "E_FILE_NOT_FOUND",
      `${role} not found: ${ref.file} (looked at ${ref.absPath}).`,
      where,
      ref.missingFix ?? "check the path; relative paths are read from the config file's folder",
    );
  }
  if (e.code === "EISDIR") return folderError(ref);
  if (e.code === "ENXIO") {
    // opening a Unix socket fails this way: say what the path is, not what open() said
    try {
      const stats = statSync(ref.absPath);
      if (!stats.isFile()) return notRegularFile(ref.file, role, stats, where);
    } catch {
      // gone meanwhile: fall through to the system's words
    }
  }
  // permissions, symbolic-link loops (ELOOP), disk errors: worded as for every other file the CLI reads
  return fsError(e, {
    path: ref.file,
    action: "read",
    what: role.toLowerCase(),
    key: ref.key,
    option: ref.option,
  });
}

/** A data source that is a folder keeps its old code (E_FILE_NOT_FOUND); the config and taxonomy say E_FILE_ACCESS, as the other commands' files do. */
function folderError(ref: InputRef): MmmError {
  const where = { file: ref.file, key: ref.key, option: ref.option };
  if (!ref.role || ref.role === "Input file") {
    return new MmmError(
      "E_FILE_NOT_FOUND",
      `Input path is a folder, not a file: ${ref.file}.`,
      where,
      "point the config at a CSV or Parquet file",
    );
  }
  return new MmmError(
    "E_FILE_ACCESS",
    `Cannot read ${ref.role.toLowerCase()} ${ref.file}: it is a folder, not a file.`,
    where,
    "give the path of the file itself",
  );
}

function checkRegular(ref: InputRef, stats: Stats): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) throw folderError(ref);
  throw notRegularFile(ref.file, ref.role ?? "Input file", stats, {
    file: ref.file,
    key: ref.key,
    option: ref.option,
  });
}
