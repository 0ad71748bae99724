// A zod schema for a mapping keyed by user-chosen names (sources, currencies, channels), built
// with own properties only: zod's record assigns keys one by one, so a key named __proto__ would
// replace the object's prototype and vanish. Here every key, whatever its name, stays a key.

import { z } from "zod";

export function ownRecord<T extends z.ZodType>(value: T) {
  return z.unknown().transform((input, ctx): Record<string, z.output<T>> => {
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      ctx.addIssue({ code: "custom", message: "expected a mapping of name: value" });
      return z.NEVER;
    }
    const entries: [string, z.output<T>][] = [];
    for (const [key, raw] of Object.entries(input)) {
      const r = value.safeParse(raw);
      if (r.success) entries.push([key, r.data]);
      else
        for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never);
    }
    // fromEntries defines own data properties, so __proto__ and constructor are ordinary keys
    return Object.fromEntries(entries);
  });
}
