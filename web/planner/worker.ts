// The planner's Web Worker: rebuilds the fit's model from the very table and spec the fit read,
// takes the posterior draws the server sent, and values every plan the page asks about with the
// live scenario session (only the channels that moved are recomputed).

import { parseModelingTable, parseTableSchema } from "../../src/data/tableIo.js";
import { buildModel } from "../../src/inference/executor.js";
import type { LiftTest } from "../../src/model/experimentLift.js";
import { ModelSpecSchema } from "../../src/model/spec.js";
import { ScenarioSession } from "../../src/planning/liveScenario.js";
import type { FromWorker, ToWorker } from "./protocol.js";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
};

let session: ScenarioSession | undefined;

scope.onmessage = (e) => {
  const msg = e.data;
  try {
    const t0 = performance.now();
    if (msg.type === "init") {
      const p = msg.payload;
      const schema = parseTableSchema(p.schemaText, "table.schema.json");
      const table = parseModelingTable(schema, p.csvText, "table.csv");
      const model = buildModel({
        table,
        spec: ModelSpecSchema.parse(p.spec),
        experiments: p.experiments as LiftTest[] | undefined,
        calibration: p.calibration,
      });
      if (model.dim !== p.dim) throw new Error(`the model has ${model.dim} parameters, the draws ${p.dim}`);
      session = new ScenarioSession(model, Float64Array.from(p.draws), {
        horizonWeeks: p.horizonWeeks,
        maxDraws: p.draws.length / p.dim,
      });
      scope.postMessage({
        type: "ready",
        references: session.channels.map((c) => c.current),
        draws: session.rows.length,
        ms: performance.now() - t0,
      });
    } else if (msg.type === "evaluate") {
      if (!session) throw new Error("the planner is not initialised");
      const result = session.evaluate(msg.amounts);
      // a copy of the gains goes to the page (the session keeps its own arrays)
      scope.postMessage({ type: "result", id: msg.id, result, ms: performance.now() - t0 });
    }
  } catch (err) {
    scope.postMessage({ type: "error", message: (err as Error).message });
  }
};
