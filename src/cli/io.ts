// Where the CLI writes: stdout/stderr by default, buffers in tests.

import type { CliIo } from "../core/io.js";

export type { CliIo };

// `mmm … | head` closes the pipe early: stop writing quietly instead of crashing on EPIPE
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

/** Exit codes: 0 success, 1 internal error, 2 bad input or failed data checks. */
export const EXIT = { ok: 0, internal: 1, input: 2 } as const;
