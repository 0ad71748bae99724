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

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/**
 * A server on a loopback address answers only requests addressed to a loopback name: a web page
 * whose domain was re-pointed at 127.0.0.1 (DNS rebinding) gets nothing. Undefined when the
 * request may go on, else the refusal.
 */
export function refuseForeignHost(url: string, host = "127.0.0.1"): Response | undefined {
  if (!LOOPBACK.has(host) || LOOPBACK.has(new URL(url).hostname)) return undefined;
  return new Response("This dashboard answers requests for 127.0.0.1 and localhost only.", { status: 403 });
}

/** A JSON API's error: what went wrong and how to fix it (as every mmm error says). */
export const apiError = (error: string, fix: string) => ({ error, fix });
