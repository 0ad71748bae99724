// The CLI's last line before "internal error": a file-system or size fault that escaped a command's
// own checks is still the user's to fix, so it becomes an MmmError with the path and a fix.

import { MmmError } from "../core/errors.js";
import { fsError, isErrnoException } from "../data/fsErrors.js";

// system calls that change the disk; the others read
const WRITES = new Set([
  "mkdir",
  "mkdtemp",
  "rename",
  "write",
  "unlink",
  "rmdir",
  "rm",
  "copyfile",
  "symlink",
  "link",
  "chmod",
]);

/** `e` as an MmmError when the user can fix it (a path, a permission, a size), else `e` unchanged. */
export function userFault(e: unknown): unknown {
  if (e instanceof MmmError) return e;
  if (isErrnoException(e) && e.path) {
    const action = WRITES.has(e.syscall ?? "") ? "write" : "read";
    const mapped = fsError(e, { path: e.path, action, what: action === "write" ? "to" : "the file" });
    if (mapped instanceof MmmError)
      return new MmmError(
        mapped.code,
        mapped.message.split("\n")[0],
        mapped.where,
        `${mapped.fix} (if this path is not one you gave, please report it as a bug in MMM-OS)`,
      );
  }
  if ((e as NodeJS.ErrnoException)?.code === "ERR_STRING_TOO_LONG")
    return new MmmError(
      "E_FILE_TOO_LARGE",
      "An input file is too large to read into memory at once (more than about 512 MB of text).",
      {},
      "export fewer rows or columns (a shorter date range, only the columns the config names), then try again",
    );
  return e;
}
