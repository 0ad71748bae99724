// The numeric core runs in a browser: bundle src/browser.ts for the browser platform (any Node
// built-in would fail the build) and run a short fit in a fresh context that has a browser
// worker's globals (self, postMessage, performance) and none of Node's (process, require, Buffer).

import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("browser bundle", () => {
  it("bundles without Node built-ins and fits the lab brand in a worker-like context", async () => {
    const result = await build({
      entryPoints: ["src/browser.ts"],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "MMM",
      write: false,
      logLevel: "silent",
      footer: {
        js: `
          self.onmessage = async (e) => {
            const ds = MMM.simulateScenario(e.data.scenario, 1);
            const summary = await MMM.fitTable(ds.table, {}, { chains: 2, warmup: 150, draws: 100 });
            postMessage({ summary, truth: ds.truth.channels.map((c) => ({ name: c.name, roi: c.roi })) });
          };`,
      },
    });
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/require\(["']node:/);
    const messages: unknown[] = [];
    const self: Record<string, unknown> = {};
    const context = {
      self,
      postMessage: (m: unknown) => messages.push(m),
      performance,
      console,
      Math,
      Date,
      JSON,
      Promise,
      setTimeout,
      TextEncoder,
      TextDecoder,
      Intl,
    };
    runInNewContext(code, context);
    expect(typeof (context as Record<string, unknown>).process).toBe("undefined");
    await (self.onmessage as (e: { data: unknown }) => Promise<void>)({ data: { scenario: "short" } });
    expect(messages).toHaveLength(1);
    const { summary } = messages[0] as {
      summary: { channels: Record<string, { roi: { mean: number } }>; diagnostics: { divergences: number } };
    };
    expect(Object.keys(summary.channels)).toHaveLength(6);
    for (const c of Object.values(summary.channels)) expect(Number.isFinite(c.roi.mean)).toBe(true);
  }, 120_000);
});
