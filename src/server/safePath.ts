// Which files the dashboard may serve: only regular files inside the workspace, reached by a
// path that stays inside it after decoding, normalising and resolving symbolic links. Anything
// else — `..`, an absolute path, an encoded separator, a link pointing out — is refused.

import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";

/** The absolute path of a workspace file for a URL path below /files/, or null when it is not one. */
export function workspaceFile(root: string, urlPath: string, blocked: string[] = []): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // a NUL, a backslash or a drive letter has no business in a workspace path
  if (decoded.includes("\0") || decoded.includes("\\") || /^[a-zA-Z]:/.test(decoded)) return null;
  if (decoded.split("/").some((part) => part === ".." || part === ".")) return null;
  if (isAbsolute(decoded)) return null;
  const base = realpathSync(root);
  const candidate = resolve(base, decoded);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return null;
  }
  const rel = relative(base, real);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) return null;
  // the registry database (and its WAL files) is the server's to read, not a download
  if (blocked.some((b) => real === b || real.startsWith(`${b}-`))) return null;
  try {
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}
