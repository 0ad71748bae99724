// The browser-safe public API: everything here runs in a Web Worker (no Node modules), from the
// ground-truth lab to a full Bayesian fit and its per-channel measures. A test bundles this file
// with esbuild for the browser platform and runs a fit in a context without Node's globals.

export { fitTable } from "./fitTable.js";
export { ModelSpecSchema } from "./model/spec.js";
export { simulateScenario } from "./simulate/lab.js";
export { SCENARIO_NAMES } from "./simulate/scenarios.js";
export { trueAllocationValue } from "./simulate/truth.js";
