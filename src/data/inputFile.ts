// Opens the files a run reads (data, config, taxonomy) and accepts only regular files: a FIFO
// would hang the run, a device such as /dev/zero would fill memory, a symlink loop never resolves.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { MmmError } from "../core/errors.js";

export interface InputRef {
  /** Path as the user wrote it, for messages. */
  file: string;
  absPath: string;
  /** Config key that named the file, for messages. */
  key?: string;
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

function openError(ref: InputRef, e: NodeJS.ErrnoException): MmmError {
  const where = { file: ref.file, key: ref.key };
  const role = ref.role ?? "Input file";
  switch (e.code) {
    case "ENOENT":
    case "ENOTDIR":
      return new MmmError(
        "E_FILE_NOT_FOUND",
        `${role} not found: ${ref.file} (looked at ${ref.absPath}).`,
        where,
        ref.missingFix ?? "check the path; relative paths are read from the config file's folder",
      );
    case "EISDIR":
      return new MmmError(
        "E_FILE_NOT_FOUND",
        `${role === "Input file" ? "Input path" : role} is a folder, not a file: ${ref.file}.`,
        where,
        "point the config at a CSV or Parquet file",
      );
    case "ELOOP":
      return new MmmError(
        "E_SYMLINK_LOOP",
        `${role} ${ref.file} is a symbolic link that never reaches a file (the links form a loop).`,
        where,
        "point the path at the real file, or repair the links (ls -l shows where each one points)",
      );
    case "EACCES":
    case "EPERM":
      return new MmmError(
        "E_FILE_UNREADABLE",
        `${role} ${ref.file} cannot be read: permission denied.`,
        where,
        "give the user running mmm read permission on the file (chmod / chown)",
      );
    default:
      return new MmmError(
        "E_FILE_UNREADABLE",
        `${role} ${ref.file} cannot be opened: ${e.message}.`,
        where,
        "check the path and that the file is readable",
      );
  }
}

function checkRegular(ref: InputRef, stats: Stats): void {
  if (stats.isFile()) return;
  const where = { file: ref.file, key: ref.key };
  if (stats.isDirectory()) {
    throw new MmmError(
      "E_FILE_NOT_FOUND",
      `${ref.role && ref.role !== "Input file" ? ref.role : "Input path"} is a folder, not a file: ${ref.file}.`,
      where,
      "point the config at a CSV or Parquet file",
    );
  }
  const kind = stats.isFIFO()
    ? "a named pipe (FIFO)"
    : stats.isCharacterDevice()
      ? "a character device (like /dev/zero or a terminal)"
      : stats.isBlockDevice()
        ? "a block device (a disk)"
        : stats.isSocket()
          ? "a socket"
          : "not a regular file";
  throw new MmmError(
    "E_NOT_REGULAR_FILE",
    `${ref.role ?? "Input file"} ${ref.file} is ${kind}, not a regular file: it could block the run or never end.`,
    where,
    "save the data to a regular file first (e.g. cat source > export.csv) and point the config at that file",
  );
}
