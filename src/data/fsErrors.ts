// Turns a Node file-system error on a user's path into an MmmError: what went wrong in plain
// words, the path, and the fix, so a permission, disk or path problem never shows as a stack trace.

import { constants as bufferConstants } from "node:buffer";
import { readFileSync, type Stats, statSync } from "node:fs";
import { resolve } from "node:path";
import { MmmError } from "../core/errors.js";

/** Where a path came from and what it is, for the message ("the model spec", option `--config`). */
export interface FsContext {
  /** The path as the user wrote it. */
  path: string;
  action: "read" | "write";
  /** What the path holds, in the user's words: "the model spec", "the report". */
  what: string;
  option?: string;
  key?: string;
}

/** An error raised by a system call (it has a `syscall`), not Node's own argument checks. */
export function isErrnoException(e: unknown): e is NodeJS.ErrnoException {
  const x = e as NodeJS.ErrnoException;
  return e instanceof Error && typeof x.code === "string" && typeof x.syscall === "string";
}

interface Reason {
  words: string;
  readFix: string;
  writeFix: string;
}

// One entry per errno a user can cause; everything else falls back to Node's own words.
const REASONS: Record<string, Reason> = {
  ENOENT: {
    words: "it does not exist",
    readFix: "check the path (relative paths start from the current folder)",
    writeFix: "check the path: a folder on the way does not exist and cannot be created here",
  },
  EACCES: {
    words: "permission denied",
    readFix: "check the permissions of the file and its folders (ls -l), or run as a user who may read it",
    writeFix: "choose a folder you may write to, or change the folder's permissions",
  },
  EPERM: {
    words: "the operation is not permitted",
    readFix: "check the permissions of the file and its folders (ls -l)",
    writeFix: "choose a folder you may write to (system folders such as /sys and /proc take no files)",
  },
  EROFS: {
    words: "the file system is read-only",
    readFix: "copy the file to a normal disk and read it from there",
    writeFix: "choose a folder on a writable disk",
  },
  ENOSPC: {
    words: "the disk is full",
    readFix: "free some disk space",
    writeFix: "free some disk space, or choose a folder on another disk; nothing was written",
  },
  EDQUOT: {
    words: "your disk quota is used up",
    readFix: "free some of your disk space",
    writeFix: "free some of your disk space, or choose a folder on another disk; nothing was written",
  },
  ELOOP: {
    words: "the path runs into a loop of symbolic links",
    readFix: "fix or remove the looping symbolic link on the path (ls -l each folder of it)",
    writeFix: "fix or remove the looping symbolic link on the path (ls -l each folder of it)",
  },
  ENAMETOOLONG: {
    words: "the path, or one name in it, is too long",
    readFix: "use shorter folder and file names (at most 255 characters each)",
    writeFix: "use shorter folder and file names (at most 255 characters each)",
  },
  ENOTDIR: {
    words: "a part of the path that should be a folder is a file",
    readFix: "check the path: one of its folders is really a file",
    writeFix: "check the path: one of its folders is really a file; choose another path",
  },
  EISDIR: {
    words: "it is a folder, not a file",
    readFix: "give the path of a file",
    writeFix: "give the path of a file, not of a folder",
  },
  EMFILE: {
    words: "too many files are open",
    readFix: "close other programs, or raise the limit of open files (ulimit -n)",
    writeFix: "close other programs, or raise the limit of open files (ulimit -n)",
  },
  ENFILE: {
    words: "the system has too many files open",
    readFix: "close other programs and try again",
    writeFix: "close other programs and try again",
  },
  EIO: {
    words: "an input/output error (a disk or network-drive problem)",
    readFix: "check the disk or network drive, or copy the file to a local disk",
    writeFix: "check the disk or network drive, or choose a folder on a local disk",
  },
  EBUSY: {
    words: "the file is busy (locked by another program)",
    readFix: "close the program that holds it and try again",
    writeFix: "close the program that holds it (a spreadsheet?) and try again",
  },
};

/** Plain words for an errno code (for messages that add their own context). */
export function errnoWords(e: NodeJS.ErrnoException): string {
  return (e.code && REASONS[e.code]?.words) ?? e.message;
}

/** The fix for an errno code when reading or writing. */
export function errnoFix(e: NodeJS.ErrnoException, action: "read" | "write"): string {
  const reason = e.code ? REASONS[e.code] : undefined;
  if (!reason) return "check the path and try again";
  return action === "read" ? reason.readFix : reason.writeFix;
}

/**
 * The MmmError for a file-system error on a user's path; any other error comes back unchanged,
 * so callers can write `throw fsError(e, ctx)` in a catch block.
 */
export function fsError(e: unknown, ctx: FsContext): unknown {
  if (!isErrnoException(e) || e instanceof MmmError) return e;
  // the failing path can be a folder on the way, not the user's path itself: say which
  const detail = e.path && resolve(e.path) !== resolve(ctx.path) ? ` (at ${e.path})` : "";
  const what = `Cannot ${ctx.action} ${ctx.what} ${ctx.path}: ${errnoWords(e)}${detail} [${e.code}].`;
  const errCode =
    ctx.action === "write" ? "E_OUTPUT_PATH" : e.code === "ENOENT" ? "E_FILE_NOT_FOUND" : "E_FILE_ACCESS";
  return new MmmError(errCode, what, where(ctx), errnoFix(e, ctx.action));
}

function where(ctx: FsContext) {
  return {
    file: ctx.path,
    ...(ctx.option ? { option: ctx.option } : {}),
    ...(ctx.key ? { key: ctx.key } : {}),
  };
}

/** The largest text Node can hold in one string (about 512 MB), and the largest Buffer. */
export const MAX_TEXT_BYTES = bufferConstants.MAX_STRING_LENGTH;
const MAX_BUFFER_BYTES = bufferConstants.MAX_LENGTH;

function tooLarge(ctx: FsContext, bytes: number, limit: number): MmmError {
  return new MmmError(
    "E_FILE_TOO_LARGE",
    `${ctx.what[0].toUpperCase()}${ctx.what.slice(1)} ${ctx.path} is too large to read: ${(bytes / 2 ** 20).toFixed(0)} MB, above the ${(limit / 2 ** 20).toFixed(0)} MB that can be held in memory at once.`,
    where(ctx),
    "split the file (e.g. by year) or keep only the columns needed, and check it is the file you meant",
  );
}

/** Reads a user's file as bytes: a missing file, a folder, a permission problem or a file too big to hold become MmmErrors. */
export function readUserFile(ctx: Omit<FsContext, "action">, maxBytes = MAX_BUFFER_BYTES): Buffer {
  const full: FsContext = { ...ctx, action: "read" };
  try {
    const st = statSync(ctx.path);
    if (st.isDirectory())
      throw new MmmError(
        "E_FILE_ACCESS",
        `Cannot read ${ctx.what} ${ctx.path}: it is a folder, not a file.`,
        where(full),
        "give the path of the file itself",
      );
    // a FIFO would block the read forever and a device such as /dev/zero would never end
    if (!st.isFile()) throw notRegularFile(ctx.path, ctx.what, st, where(full));
    if (st.size > maxBytes) throw tooLarge(full, st.size, maxBytes);
    return readFileSync(ctx.path);
  } catch (e) {
    throw fsError(e, full);
  }
}

/** Reads a user's text file (UTF-8), refusing one too large for a JavaScript string before reading it. */
export function readUserText(ctx: Omit<FsContext, "action">): string {
  const bytes = readUserFile(ctx, MAX_TEXT_BYTES);
  try {
    return bytes.toString("utf8");
  } catch (e) {
    // multi-byte text can still overflow a string after the byte check passed
    if ((e as NodeJS.ErrnoException).code === "ERR_STRING_TOO_LONG")
      throw tooLarge({ ...ctx, action: "read" }, bytes.length, MAX_TEXT_BYTES);
    throw e;
  }
}

/** The error for a path that is a FIFO, a device or a socket. */
export function notRegularFile(
  file: string,
  role: string,
  stats: Stats,
  where: { file?: string; key?: string; option?: string },
): MmmError {
  const kind = stats.isFIFO()
    ? "a named pipe (FIFO)"
    : stats.isCharacterDevice()
      ? "a character device (like /dev/zero or a terminal)"
      : stats.isBlockDevice()
        ? "a block device (a disk)"
        : stats.isSocket()
          ? "a socket"
          : "not a regular file";
  return new MmmError(
    "E_NOT_REGULAR_FILE",
    `${role[0].toUpperCase()}${role.slice(1)} ${file} is ${kind}, not a regular file: it could block the run or never end.`,
    where,
    "save the data to a regular file first (e.g. cat source > export.csv) and point the config at that file",
  );
}
