// Where the CLI writes: stdout/stderr by default, buffers in tests.

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

/** Exit codes: 0 success, 1 internal error, 2 bad input or failed data checks. */
export const EXIT = { ok: 0, internal: 1, input: 2 } as const;
