// Vega-Lite spec → standalone SVG string, headless (renderer "none" needs no canvas or DOM), with
// the SVG's element ids renamed per chart so that many charts can sit inline in one HTML page.

import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface RenderOptions {
  /** Prefix for the ids inside this SVG (clip paths, gradients); unique per chart in a page. */
  idPrefix?: string;
  /** Where Vega-Lite's compile warnings go (default: console.warn); tests collect them. */
  onWarning?: (message: string) => void;
}

export async function renderSvg(vlSpec: TopLevelSpec, options: RenderOptions = {}): Promise<string> {
  const warn = options.onWarning ?? ((m: string) => console.warn(`report chart: ${m}`));
  const logger = vega.logger(vega.Warn, undefined, (_method, level, args) =>
    warn(`${level} ${args.join(" ")}`),
  );
  const compiled = compile(protectNames(vlSpec), { logger }).spec;
  // loader that refuses everything: charts carry their data inline and must never fetch
  const loader = vega.loader();
  loader.load = () => Promise.reject(new Error("report charts must not load external resources"));
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader, logger });
  try {
    const svg = await view.toSVG();
    // Vega escapes the text it writes; this guard makes a regression there fail loudly
    if (/<(script|foreignObject|iframe|image|use)\b/i.test(svg))
      throw new Error("chart SVG contains active content");
    return renameIds(svg, options.idPrefix ?? "chart");
  } finally {
    view.finalize();
  }
}

// Vega resolves some string constants (sort orders, scale domains, expression literals) through
// plain-object lookups, so a channel or geo called "constructor" or "toString" breaks a chart
// ("Operator not defined"). Such names get an invisible zero-width space: the same text on the
// page, an ordinary string to Vega.
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), "__proto__"]);
const ZERO_WIDTH_SPACE = "\u200b";

function protectNames<T>(value: T): T {
  if (typeof value === "string") return (PROTOTYPE_KEYS.has(value) ? value + ZERO_WIDTH_SPACE : value) as T;
  if (Array.isArray(value)) return value.map(protectNames) as T;
  if (value && typeof value === "object") {
    // keys are Vega-Lite's own (field names, properties), never user names: keep them
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, protectNames(v)])) as T;
  }
  return value;
}

/**
 * Vega numbers clip paths from a process-wide counter, so ids differ run to run and could clash
 * across charts; renumbering them per chart makes the page valid and the output deterministic.
 */
function renameIds(svg: string, prefix: string): string {
  const names = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!names.has(m[1])) names.set(m[1], `${prefix}-${names.size + 1}`);
  }
  if (names.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a, id, b) => a + (names.get(id) ?? id) + b)
    .replace(/url\(#([^)]+)\)/g, (whole, id) => (names.has(id) ? `url(#${names.get(id)})` : whole))
    .replace(/(href=")#([^"]+)(")/g, (whole, a, id, b) =>
      names.has(id) ? `${a}#${names.get(id)}${b}` : whole,
    );
}
