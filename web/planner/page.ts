// The planner page's script: every move of a slider or an amount goes to the worker, which values
// the plan per posterior draw; the numbers, the gain's histogram and the equivalent command are
// updated in place. Moves made while the worker is busy are merged into the next request.

import { liveText } from "../../src/planning/liveText.js";
import { planRulesText } from "../../src/planning/scenario.js";
import type { PlannerPayload } from "../../src/server/planner.js";
import { drawHistogram } from "./histogram.js";
import type { FromWorker, ToWorker } from "./protocol.js";

/** What a benchmark or test reads: readiness and each re-plan's latency (input → numbers shown). */
interface PlannerProbe {
  ready: boolean;
  updates: number;
  latencies: number[];
  /** The worker's own time per valuation (the rest of a latency is messaging and the DOM). */
  valuations: number[];
  error?: string;
}

const probe: PlannerProbe = { ready: false, updates: 0, latencies: [], valuations: [] };
(window as unknown as { mmmPlanner: PlannerProbe }).mmmPlanner = probe;

const $ = <T extends Element>(selector: string, root: ParentNode = document) =>
  root.querySelector(selector) as T;

function start(): void {
  const form = $<HTMLFormElement>("#planner");
  if (!form) return;
  const { run, folder } = form.dataset as { run: string; folder: string };
  const horizon = Number(form.dataset.horizon);
  const display = { factor: Number(form.dataset.factor), short: form.dataset.short ?? "ROI" };
  const rows = [...form.querySelectorAll<HTMLTableRowElement>("tbody tr")];
  const references = rows.map((r) => Number(r.dataset.reference));
  const amounts = [...references];
  const status = $<HTMLElement>("#planner-status");
  const worker = new Worker("/assets/planner-worker.js", { type: "module" });
  let nextId = 1;
  let busy = false;
  let pending = false;
  let movedAt = 0;

  const send = () => {
    if (!probe.ready) return;
    if (busy) {
      pending = true;
      return;
    }
    busy = true;
    const message: ToWorker = { type: "evaluate", id: nextId++, amounts: [...amounts] };
    worker.postMessage(message);
  };

  const showInputs = (except?: number) => {
    rows.forEach((r, i) => {
      if (i === except) return;
      $<HTMLInputElement>("input[type=range]", r).value = String(Math.round(amounts[i]));
      $<HTMLInputElement>("input[type=number]", r).value = String(Math.round(amounts[i]));
    });
  };

  /** Channel i moves to `amount`; holding the total, the others share the difference pro rata. */
  const move = (i: number, amount: number) => {
    const hold = $<HTMLInputElement>("#hold-total").checked;
    if (hold) {
      const total = amounts.reduce((s, a) => s + a, 0);
      const a = Math.min(amount, total);
      const others = total - amounts[i];
      const scale = others > 0 ? (total - a) / others : 0;
      amounts.forEach((v, j) => {
        if (j !== i) amounts[j] = v * scale;
      });
      amounts[i] = a;
    } else amounts[i] = amount;
    movedAt = performance.now();
    showInputs(hold ? undefined : i);
    send();
  };

  rows.forEach((r, i) => {
    const slider = $<HTMLInputElement>("input[type=range]", r);
    const box = $<HTMLInputElement>("input[type=number]", r);
    slider.addEventListener("input", () => {
      box.value = slider.value;
      move(i, Number(slider.value));
    });
    box.addEventListener("input", () => {
      const v = Number(box.value);
      const ok = box.value !== "" && Number.isFinite(v) && v >= 0;
      box.setCustomValidity(ok ? "" : "an amount of zero or more");
      if (!ok) return;
      slider.value = String(v);
      move(i, v);
    });
  });
  $<HTMLButtonElement>("#reset").addEventListener("click", () => {
    references.forEach((v, i) => {
      amounts[i] = v;
    });
    movedAt = performance.now();
    showInputs();
    send();
  });

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const msg = e.data;
    if (msg.type === "error") {
      probe.error = msg.message;
      busy = false;
      status.textContent = `The planner stopped: ${msg.message}. Reload the page; mmm scenario gives the same numbers.`;
      return;
    }
    if (msg.type === "ready") {
      probe.ready = true;
      status.textContent = `Live: ${msg.draws} posterior draws in this browser (loaded in ${msg.ms.toFixed(0)} ms). Move a slider.`;
      return;
    }
    busy = false;
    const r = msg.result;
    const text = liveText(r, horizon, display);
    $<HTMLElement>("#gain").textContent = text.gain;
    $<HTMLElement>("#gain-range").textContent = text.gainRange;
    $<HTMLElement>("#p-better").textContent = text.pBetter;
    $<HTMLElement>("#net").textContent = text.net;
    $<HTMLElement>("#p-net").textContent = text.pNet;
    $<HTMLElement>("#extra-spend").textContent = text.extraSpend;
    $<HTMLElement>("#plan-value").textContent = text.value;
    $<HTMLElement>("#value-range").textContent = text.valueRange;
    $<HTMLElement>("#plan-total").textContent = text.total;
    $<HTMLElement>("#total-change").textContent = text.totalChange;
    rows.forEach((row, i) => {
      const t = text.rows[i];
      $<HTMLElement>(".change", row).textContent = t.change;
      ($<HTMLElement>(".weekly", row).firstChild as Text).textContent = t.weekly;
      ($<HTMLElement>(".mroi", row).firstChild as Text).textContent = t.mroi;
      $<HTMLElement>(".mroi-range", row).textContent = t.mroiRange;
      $<HTMLElement>(".p-mroi", row).textContent = t.pMroi;
      row.querySelectorAll("td").forEach((td) => {
        td.classList.toggle("extrapolated", t.extrapolated && td.matches(".slider, .amount, .weekly"));
      });
      row.title = t.extrapolated
        ? "above the largest week in the data: the model extrapolates its curve"
        : "";
    });
    drawHistogram($<SVGSVGElement>("#gain-hist"), r.gainDraws);
    $<HTMLElement>("#cli-command").textContent =
      `mmm scenario ${folder} --horizon ${horizon} --plan "${planRulesText(r.rows)}"`;
    const latency = performance.now() - movedAt;
    probe.latencies.push(latency);
    probe.valuations.push(msg.ms);
    probe.updates++;
    status.textContent = `Live: ${r.gainDraws.length} posterior draws; this plan valued in ${msg.ms.toFixed(1)} ms (${latency.toFixed(0)} ms from the move to these numbers).`;
    if (pending) {
      pending = false;
      send();
    }
  };

  const saveButton = document.querySelector<HTMLButtonElement>("#save-plan");
  saveButton?.addEventListener("click", async () => {
    const saveStatus = $<HTMLElement>("#save-status");
    const note = $<HTMLInputElement>("#save-note").value.trim();
    if (!note) {
      saveStatus.textContent = "Write a note first: what is this plan for?";
      return;
    }
    const byChannel = Object.fromEntries(rows.map((r, i) => [r.dataset.channel as string, amounts[i]]));
    saveButton.disabled = true;
    try {
      const res = await fetch(`/api/runs/${encodeURIComponent(run)}/plans`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ note, horizonWeeks: horizon, amounts: byChannel }),
      });
      const body = await res.json();
      saveStatus.replaceChildren();
      if (!res.ok) saveStatus.textContent = `Not saved: ${body.error} (${body.fix})`;
      else {
        const link = document.createElement("a");
        link.href = `/runs/${encodeURIComponent(body.id)}`;
        link.textContent = body.id;
        saveStatus.append("Saved as ", link, " (a draft following this fit).");
      }
    } catch (err) {
      saveStatus.textContent = `Not saved: ${(err as Error).message}`;
    } finally {
      saveButton.disabled = false;
    }
  });

  fetch(`/api/runs/${encodeURIComponent(run)}/planner?horizon=${horizon}`)
    .then(async (res) => {
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      const init: ToWorker = { type: "init", payload: body as PlannerPayload };
      worker.postMessage(init);
    })
    .catch((err: Error) => {
      probe.error = err.message;
      status.textContent = `Could not load the posterior: ${err.message}`;
    });
}

start();
