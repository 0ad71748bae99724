// Refuses taxonomy patterns that can backtrack catastrophically (exponential time on some
// names, e.g. '^(a+)+$'): one such rule would hang `mmm prepare` on a long campaign name.
// The check is recheck's (automata theory, with fuzzing as fallback), cached per pattern.

import { check } from "recheck";
import { MmmError } from "../core/errors.js";

export interface PatternRef {
  source: string;
  flags: string;
  /** Where the pattern sits, e.g. `rules.3.campaign`. */
  key: string;
}

export type PatternVerdict =
  /** cannot backtrack exponentially (it may still be polynomial, which short names keep cheap) */
  | { status: "safe" }
  | { status: "polynomial"; degree: number }
  | { status: "exponential"; attack: string }
  | { status: "unknown"; reason: string };

// patterns repeat across runs in one process (tests, `mmm demo`): check each once
const cache = new Map<string, Promise<PatternVerdict>>();

/** How long one pattern may take to check before it is reported as unchecked. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * Whether a pattern can backtrack exponentially at all. That needs a repeated sub-pattern that
 * can match one text in two ways, so a repeated group (or a repeated back-reference); a pattern
 * that repeats only single characters and classes (`faceb?o+k`, `\s*,\s*$`) is at worst
 * polynomial, and is not sent to the checker (which takes a second to start).
 */
export function mayBacktrackExponentially(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (/[1-9k]/.test(next)) return true; // a back-reference: leave it to the checker
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === ")" && /[*+{]/.test(source[i + 1] ?? "")) return true;
  }
  return false;
}

export function patternVerdict(source: string, flags: string): Promise<PatternVerdict> {
  if (!mayBacktrackExponentially(source)) return Promise.resolve({ status: "safe" });
  const id = `${flags}/${source}`;
  let v = cache.get(id);
  if (!v) {
    v = verdictOf(source, flags);
    cache.set(id, v);
  }
  return v;
}

async function verdictOf(source: string, flags: string): Promise<PatternVerdict> {
  let d: Awaited<ReturnType<typeof check>>;
  try {
    d = await check(source, flags, { timeout: CHECK_TIMEOUT_MS, randomSeed: 1 });
  } catch (e) {
    return { status: "unknown", reason: (e as Error).message };
  }
  if (d.status === "safe") return { status: "safe" };
  if (d.status === "unknown") return { status: "unknown", reason: d.error.kind };
  if (d.complexity.type === "exponential") return { status: "exponential", attack: d.attack.pattern };
  return { status: "polynomial", degree: d.complexity.type === "polynomial" ? d.complexity.degree : 1 };
}

/**
 * Checks every pattern; throws for the first (in file order) that is exponential. Returns the
 * patterns that could not be checked in time, for a QA note.
 */
export async function checkPatterns(patterns: PatternRef[], file: string): Promise<PatternRef[]> {
  const verdicts = await Promise.all(patterns.map((p) => patternVerdict(p.source, p.flags)));
  const unchecked: PatternRef[] = [];
  patterns.forEach((p, i) => {
    const v = verdicts[i];
    if (v.status === "exponential") {
      throw new MmmError(
        "E_TAXONOMY_REDOS",
        `Taxonomy ${file}: ${p.key} '${p.source}' can take exponential time on some names (catastrophic backtracking): matching it against a name like ${v.attack} would take hours, and every extra character doubles the time.`,
        { file, key: p.key },
        "rewrite the pattern so no repeated group can match the same text in two ways, e.g. '^(a+)+$' → '^a+$', '(a|a)*' → 'a*', '(\\w+\\s?)*$' → '[\\w\\s]*$'",
      );
    }
  });
  verdicts.forEach((v, i) => {
    if (v.status === "unknown") unchecked.push(patterns[i]);
  });
  return unchecked;
}
