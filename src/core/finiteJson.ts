// JSON for files people and programs act on, with one rule JSON.stringify does not keep: a NaN or
// an infinity is never written (JSON.stringify would turn it into a silent null). Meeting one is a
// bug upstream, so it fails loudly, naming the file and the key.

export function finiteJson(value: unknown, file: string, indent = 2): string {
  const text = JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      if (typeof v === "number" && !Number.isFinite(v)) {
        const parent = this && typeof this === "object" ? Object.keys(this as object).length : 0;
        throw new Error(
          `internal: ${file} would hold ${String(v)} at key '${key}' (in an object of ${parent} keys); no non-finite number is ever written`,
        );
      }
      return v;
    },
    indent,
  );
  return `${text}\n`;
}
