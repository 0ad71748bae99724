// The `mmm` process: runs the CLI on this process's arguments and exits with its code (bin/mmm.js
// runs the compiled copy; a batch run from the TypeScript sources starts its jobs with this file).
// A batch job's process is started with MMM_EXIT_WITH_PARENT and a pipe for stdin: when the worker
// that started it dies (even by SIGKILL) the pipe closes and the job stops too, so a job retried
// elsewhere never races an orphan of itself.

import { main } from "./main.js";

if (process.env.MMM_EXIT_WITH_PARENT === "1") {
  process.stdin.on("end", () => process.exit(137));
  process.stdin.on("error", () => process.exit(137));
  process.stdin.resume();
  // the watch must not keep a finished command alive
  (process.stdin as unknown as { unref?: () => void }).unref?.();
}

process.exitCode = await main(process.argv.slice(2));
