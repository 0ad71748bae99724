// Messages between the planner page and its worker.

import type { LiveResult } from "../../src/planning/liveScenario.js";
import type { PlannerPayload } from "../../src/server/planner.js";

export type ToWorker =
  | { type: "init"; payload: PlannerPayload }
  | { type: "evaluate"; id: number; amounts: number[] };

export type FromWorker =
  | { type: "ready"; references: number[]; draws: number; ms: number }
  | { type: "result"; id: number; result: LiveResult; ms: number }
  | { type: "error"; message: string };
