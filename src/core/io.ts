// Where a command's messages go: stdout/stderr in the CLI (cli/io.ts), buffers in tests, nowhere
// for a server saving a plan. A pure interface, so every layer can take one.

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}
