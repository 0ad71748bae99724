// The dashboard's content security policies, one per kind of page, and the shape of a JSON error.

/** No scripts, no fetches, no framing: pages and files are read, not run. */
export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The planner: this server's scripts and workers, and fetches back to it (its posterior JSON). */
export const PLANNER_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The browser-only fit: scripts and workers from this server, and no connection to anywhere. */
export const LOCAL_FIT_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A JSON API's error: what went wrong and how to fix it (as every mmm error says). */
export const apiError = (error: string, fix: string) => ({ error, fix });
